package testcalls

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dozvon/dozvon/scripts"
)

type watchRun struct {
	changed []string
	rep     Report
	err     error
}

// saveAtomically writes data the way many editors save: a new file renamed
// over the old one.
func saveAtomically(t *testing.T, path, data string) {
	t.Helper()
	tmp := path + ".swp"
	if err := os.WriteFile(tmp, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

// TestWatchRerunsOnChange: the cases run at once, then again when the
// script changes (saved by rename) and when the case file changes (written
// in place), each run told which file changed; a change to another file in
// the same directory triggers nothing of its own.
func TestWatchRerunsOnChange(t *testing.T) {
	script := copyScript(t, "verify_contact.yaml", nil)
	dir := filepath.Dir(script)
	cases := filepath.Join(dir, "vc.cases.yaml")
	if err := os.WriteFile(cases, []byte(oneCase), 0o644); err != nil {
		t.Fatal(err)
	}
	runs := make(chan watchRun, 8)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- Watch(ctx, func() []string {
			sc, _ := scripts.Load(script)
			return WatchedFiles(script, sc, nil, []string{cases})
		}, func(ctx context.Context, changed []string) {
			sc, err := scripts.Load(script)
			if err != nil {
				runs <- watchRun{changed: changed, err: err}
				return
			}
			cf, err := LoadCases(cases)
			if err != nil {
				runs <- watchRun{changed: changed, err: err}
				return
			}
			runs <- watchRun{changed: changed, rep: RunText(ctx, sc, []*CaseFile{cf}, nil)}
		}, 0)
	}()
	next := func(what string) watchRun {
		t.Helper()
		select {
		case r := <-runs:
			if r.err != nil {
				t.Fatalf("%s: %v", what, r.err)
			}
			return r
		case <-time.After(time.Minute):
			t.Fatalf("%s: no run within a minute", what)
		}
		return watchRun{}
	}
	first := next("first run")
	if first.changed != nil || first.rep.Passed != 1 {
		t.Fatalf("first run: changed %v, %d/%d passed", first.changed, first.rep.Passed, first.rep.Cases)
	}
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("not watched"), 0o644); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(script)
	if err != nil {
		t.Fatal(err)
	}
	broken := strings.Replace(string(data), `- {intent: "no", goto: end_wrong_person}`, `- {intent: "no", goto: offer_human}`, 1)
	saveAtomically(t, script, broken)
	second := next("run after the script changed")
	if want, _ := filepath.Abs(script); len(second.changed) != 1 || second.changed[0] != want {
		t.Fatalf("second run: changed %v, want only %s", second.changed, want)
	}
	if second.rep.Passed != 0 {
		t.Fatal("the run after the script broke a branch still passes: it ran the old script")
	}
	fixed := strings.Replace(oneCase, "{outcome: wrong_person}", "{outcome: hangup, path: [offer_human]}", 1)
	if err := os.WriteFile(cases, []byte(fixed), 0o644); err != nil {
		t.Fatal(err)
	}
	third := next("run after the cases changed")
	if want, _ := filepath.Abs(cases); len(third.changed) != 1 || third.changed[0] != want {
		t.Fatalf("third run: changed %v, want only %s", third.changed, want)
	}
	if third.rep.Cases != 1 || third.rep.Passed != 1 {
		t.Fatalf("the run after the case was brought in line fails: it ran the old cases: %s", third.rep.Results[0].Reason)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
