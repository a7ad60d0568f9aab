package scheduler_test

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/dozvon/dozvon/scheduler"
	"github.com/dozvon/dozvon/store"
)

func TestParseConfig(t *testing.T) {
	b, err := os.ReadFile("testdata/campaign.json")
	if err != nil {
		t.Fatal(err)
	}
	c, err := scheduler.ParseConfig(store.Campaign{ID: "x", Config: string(b)})
	if err != nil {
		t.Fatal(err)
	}
	r := c.Retry
	if c.Collectors["Орлов"] != "+79131112233" || c.Priority != 3 || c.Channels != 30 || c.CPS != 5 || len(c.CallerIDs) != 2 ||
		time.Duration(r.Busy) != 20*time.Minute || time.Duration(r.NoAnswer) != 3*time.Hour || r.MaxPerPhone != 4 ||
		time.Duration(r.Machine) != 24*time.Hour || time.Duration(r.Failed) != 5*time.Minute || r.MaxPerDebtor != 10 {
		t.Fatalf("parsed %+v", c)
	}
	for _, bad := range []struct{ json, want string }{
		{`{"script":"s","chanels":3}`, `unknown field "chanels"`},
		{`{"priority":1}`, "no script"},
		{`{"script":"s","retry":{"busy":"soon"}}`, `duration "soon"`},
		{`{"script":"s","schedule":{"ranges":["9-13"]}}`, `ranges[0]`},
		{`{"script":"s","schedule":{"cron":"0 9 * * *"}}`, `"for"`},
		{`{"script":"s","caller_ids":[{"region":"г. Москва"}]}`, `caller_ids[0]: empty number`},
		{`{"script":"s","channels":-1}`, "negative"},
	} {
		_, err := scheduler.ParseConfig(store.Campaign{ID: "c7", Config: bad.json})
		if err == nil || !strings.Contains(err.Error(), bad.want) || !strings.Contains(err.Error(), "campaign c7") {
			t.Errorf("%s: %v, want an error naming campaign c7 and %q", bad.json, err, bad.want)
		}
	}
}
