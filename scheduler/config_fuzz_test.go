package scheduler

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/dozvon/dozvon/internal/fuzzseed"
	"github.com/dozvon/dozvon/store"
)

// FuzzParseConfig reads any bytes as a campaign's settings (the `sweep
// --campaign` file, the API's campaign body). A refusal names the campaign;
// accepted settings have a schedule the scheduler can plan with (it parses
// it again without checking) and, written back as JSON, read the same.
func FuzzParseConfig(f *testing.F) {
	fuzzseed.Files(f, "testdata/*.json")
	for _, s := range []string{`{"script":"s","chanels":3}`, `{"script":"s","retry":{"busy":"soon"}}`, `{"script":"s","schedule":{"ranges":["9-13"]}}`,
		`{"script":"s","schedule":{"cron":"0 9 * * *","for":"1h","zone":"Asia/Novosibirsk"}}`, `{"script":"s","caller_ids":[{"region":"г. Москва"}]}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := ParseConfig(store.Campaign{ID: "c7", Config: string(data)})
		if err != nil {
			if !strings.HasPrefix(err.Error(), "campaign c7: ") {
				t.Fatalf("error %q does not name the campaign", err)
			}
			return
		}
		if _, err := cfg.Schedule.parse(); err != nil {
			t.Fatalf("accepted a schedule the scheduler cannot plan with: %v", err)
		}
		out, err := json.Marshal(cfg)
		if err != nil {
			t.Fatalf("marshal accepted settings: %v", err)
		}
		again, err := ParseConfig(store.Campaign{ID: "c7", Config: string(out)})
		if err != nil {
			t.Fatalf("accepted settings written back are refused: %v\n%s", err, out)
		}
		if out2, _ := json.Marshal(again); !bytes.Equal(out, out2) {
			t.Fatalf("written back and read again, the settings changed:\n%s\n%s", out, out2)
		}
	})
}
