package api

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLintScriptDraft: the editor's lint answers every note of a draft at
// its line, writes nothing, and a clean draft has no error.
func TestLintScriptDraft(t *testing.T) {
	t.Parallel()
	dir, good := scriptsDirForTests(t)
	rg := newRig(t, func(c *Config) { c.ScriptsDir = dir })
	broken := strings.Replace(string(good), "next: ", "next: nowhere_", 1)
	wantLine := 0
	for i, l := range strings.Split(broken, "\n") {
		if strings.Contains(l, "nowhere_") {
			wantLine = i + 1
			break
		}
	}
	tests := []struct {
		name   string
		body   string
		errors int
		line   int
	}{
		{"clean", string(good), 0, 0},
		{"unknown node", broken, 1, wantLine},
		{"not yaml", "nodes: [\n", 1, 1},
	}
	for _, tt := range tests {
		status, body := rg.do(admin, "POST", "/api/v1/scripts/verify_contact/lint", "application/yaml", []byte(tt.body))
		var out struct{ Notes []LintNote }
		if err := json.Unmarshal(body, &out); err != nil || status != 200 {
			t.Fatalf("%s: %d %s (%v)", tt.name, status, body, err)
		}
		var errs []LintNote
		for _, n := range out.Notes {
			if !n.Warning {
				errs = append(errs, n)
			}
		}
		if len(errs) < tt.errors || (tt.errors == 0 && len(errs) > 0) || (tt.line > 0 && errs[0].Line != tt.line) {
			t.Errorf("%s: notes %+v, want %d error(s), the first at line %d", tt.name, out.Notes, tt.errors, tt.line)
		}
	}
	left, _ := filepath.Glob(filepath.Join(dir, ".*"))
	if len(left) > 0 {
		t.Errorf("lint left files behind: %v", left)
	}
}

// TestRunScriptCasesOnDraft: the text-level cases of the script run
// against the draft, not the published file: a draft that breaks a branch
// fails its cases; no cases is a 404 saying where they go.
func TestRunScriptCasesOnDraft(t *testing.T) {
	t.Parallel()
	dir, good := scriptsDirForTests(t)
	cases, err := os.ReadFile(filepath.Join("..", "scripts", "testdata", "verify_contact.cases.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "testdata"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "testdata", "verify_contact.cases.yaml"), cases, 0o644); err != nil {
		t.Fatal(err)
	}
	rg := newRig(t, func(c *Config) { c.ScriptsDir = dir })
	run := func(body string) (int, struct {
		Cases, Passed int
		Results       []struct{ Name, Place string }
	}) {
		status, b := rg.do(supervisor, "POST", "/api/v1/scripts/verify_contact/test", "application/yaml", []byte(body))
		var rep struct {
			Cases, Passed int
			Results       []struct{ Name, Place string }
		}
		if status == 200 {
			if err := json.Unmarshal(b, &rep); err != nil {
				t.Fatalf("%s: %v", b, err)
			}
		}
		return status, rep
	}
	status, rep := run(string(good))
	if status != 200 || rep.Cases == 0 || rep.Passed != rep.Cases || strings.Contains(rep.Results[0].Place, dir) {
		t.Fatalf("the published script's cases: %d %+v", status, rep)
	}
	// the identified outcome becomes refused: the cases expecting it fail
	changed := strings.Replace(string(good), "end: identified}", "end: refused}", 1)
	if status, rep2 := run(changed); status != 200 || rep2.Passed >= rep.Passed {
		t.Fatalf("a draft that changes an outcome: %d passed %d of %d, want fewer than %d", status, rep2.Passed, rep2.Cases, rep.Passed)
	}
	if status, b := rg.do(supervisor, "POST", "/api/v1/scripts/phrases/test", "application/yaml", good); status != 404 {
		t.Fatalf("no case file: %d %s", status, b)
	}
}
