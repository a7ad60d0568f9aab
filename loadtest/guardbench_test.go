package loadtest

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dozvon/dozvon/store"
)

// TestRunGuardAuditsWhatItDecided: a small run on SQLite decides every
// offered reservation, grants the cold debtors theirs and denies the hot
// ones past their 3 attempts a day, and the audit of what it left finds no
// breach; the JSON line carries the figures.
func TestRunGuardAuditsWhatItDecided(t *testing.T) {
	t.Parallel()
	o, err := ParseGuardArgs([]string{"--debtors", "400", "--hot", "2", "--hot-share", "0.2", "--rates", "200,500",
		"--stage", "300ms", "--warmup", "100ms", "--burst", "150", "--workers", "16", "--json"}, new(bytes.Buffer))
	if err != nil {
		t.Fatal(err)
	}
	dsn := "sqlite:" + filepath.Join(t.TempDir(), "dozvon.db")
	var progress bytes.Buffer
	res, err := RunGuard(t.Context(), o, func(ctx context.Context) (*store.DB, error) { return store.Open(ctx, dsn) }, &progress)
	if err != nil {
		t.Fatal(err)
	}
	want := []int{60, 150, 150} // 200/s and 500/s for 300 ms, then the burst
	if len(res.Stages) != len(want) {
		t.Fatalf("stages %+v", res.Stages)
	}
	if res.Warmup == nil || res.Warmup.Done != 20 || res.Warmup.Errors != 0 {
		t.Fatalf("warm-up %+v: want 20 decisions (200/s for 100 ms), none failed", res.Warmup)
	}
	decided, granted := res.Warmup.Done, res.Warmup.Granted
	for i, st := range res.Stages {
		if st.Done != want[i] || st.Errors != 0 {
			t.Errorf("stage %s: %d decisions, %d errors (%s); want %d, none", st.Name, st.Done, st.Errors, st.FirstErr, want[i])
		}
		decided += st.Done
		granted += st.Granted
	}
	// ~72 decisions went to 2 hot debtors: at most 3 each were granted.
	if denied := decided - granted; denied < 40 {
		t.Errorf("%d of %d decisions denied; the hot debtors' limits should deny most of theirs", denied, decided)
	}
	if res.Violations != 0 || res.AuditEntries != granted {
		t.Errorf("audit: %d violations (%s), %d entries for %d granted", res.Violations, res.FirstFinding, res.AuditEntries, granted)
	}
	var out bytes.Buffer
	if err := ReportGuard(&out, o, res); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	var last struct {
		Backend    string   `json:"backend"`
		Sustained  float64  `json:"sustained_per_s"`
		P99        *float64 `json:"p99_ms_at_500_per_s"`
		Violations *int     `json:"violations"`
		CPU        *float64 `json:"cpu_ms_per_decision"`
	}
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &last); err != nil || last.Backend != "sqlite" || last.Sustained <= 0 || last.P99 == nil || *last.P99 <= 0 || last.Violations == nil || last.CPU == nil {
		t.Errorf("last line %q (%v): want the JSON figures", lines[len(lines)-1], err)
	}
}

// TestParseGuardArgsRejects: bad flags are named.
func TestParseGuardArgsRejects(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ args, want string }{
		{"--backend mysql", "--backend"},
		{"--rates 500,x", "--rates"},
		{"--rates 0", "--rates"},
		{"--debtors 5 --hot 5", "--hot"},
		{"--hot 0 --hot-share 0.5", "--hot-share"},
		{"--stage 0s", "--stage"},
		{"--nodes 0", "--nodes"},
		{"--warmup -1s", "--warmup"},
	} {
		_, err := ParseGuardArgs(strings.Fields(tc.args), new(bytes.Buffer))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error naming %s", tc.args, err, tc.want)
		}
	}
}
