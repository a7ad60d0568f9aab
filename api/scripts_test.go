package api

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dozvon/dozvon/scripts"
)

// scriptsDirForTests is a scripts directory holding the shipped phrase base
// and verification script.
func scriptsDirForTests(t *testing.T) (dir string, script []byte) {
	t.Helper()
	dir = t.TempDir()
	for _, f := range []string{"phrases.yaml", "verify_contact.yaml"} {
		b, err := os.ReadFile(filepath.Join("..", "scripts", f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
		script = b
	}
	return dir, script
}

// TestPutScript: a script that lints is written where the flow's registry
// finds it on its next call; one that does not lint is a 422 naming
// file:line, and leaves the old file (and no temporary file) behind.
func TestPutScript(t *testing.T) {
	t.Parallel()
	dir, good := scriptsDirForTests(t)
	rg := newRig(t, func(c *Config) { c.ScriptsDir = dir })
	path := filepath.Join(dir, "verify_contact.yaml")
	reg := scripts.NewRegistry()
	before, err := reg.Get(path)
	if err != nil {
		t.Fatal(err)
	}

	v2 := []byte(strings.Replace(string(good), `version: "1.0"`, `version: "2.0"`, 1))
	status, body := rg.do(supervisor, "PUT", "/api/v1/scripts/verify_contact", "application/yaml", v2)
	if status != http.StatusOK {
		t.Fatalf("good script: %d %s", status, body)
	}
	after, err := reg.Get(path)
	if err != nil || after.Version != "2.0" || before.Version != "1.0" {
		t.Fatalf("registry after the PUT: version %q (before %q), err %v", after.Version, before.Version, err)
	}
	var info ScriptInfo
	if err := json.Unmarshal(body, &info); err != nil || info.Kind != "script" || info.Version != after.VersionString() {
		t.Fatalf("answer %s (%v), want the registry's version %s", body, err, after.VersionString())
	}

	broken := []byte(strings.Replace(string(v2), "next: identify", "next: nowhere", 1))
	line := 1 + strings.Count(string(broken[:strings.Index(string(broken), "next: nowhere")]), "\n")
	status, body = rg.do(admin, "PUT", "/api/v1/scripts/verify_contact", "application/yaml", broken)
	e := envelopeOf(t, status, body)
	if status != http.StatusUnprocessableEntity || e.Code != "lint" || !strings.HasPrefix(e.Field, "line:") ||
		!strings.Contains(e.Message, "verify_contact.yaml:") || !strings.Contains(e.Message, "nowhere") || strings.Contains(e.Message, dir) {
		t.Fatalf("broken script: %d %+v (the bad line is %d)", status, e, line)
	}
	if e.Field != "line:"+itoa(line) {
		t.Errorf("field %q, want line:%d", e.Field, line)
	}
	if got, _ := reg.Get(path); got.Version != "2.0" {
		t.Errorf("a rejected script replaced the good one: version %q", got.Version)
	}

	status, body = rg.do(admin, "PUT", "/api/v1/scripts/second", "text/yaml", good)
	if status != http.StatusCreated {
		t.Fatalf("new script: %d %s", status, body)
	}
	for _, tc := range []struct {
		name, ctype string
		want        int
	}{
		{"..hidden", "application/yaml", http.StatusBadRequest},
		{"Upper", "application/yaml", http.StatusBadRequest},
		{"ok", "application/json", http.StatusUnsupportedMediaType},
	} {
		status, body := rg.do(admin, "PUT", "/api/v1/scripts/"+tc.name, tc.ctype, good)
		if status != tc.want {
			t.Errorf("%s %s: %d %s, want %d", tc.name, tc.ctype, status, body, tc.want)
		}
		envelopeOf(t, status, body)
	}
	left, _ := filepath.Glob(filepath.Join(dir, ".*.yaml")) // the hidden .history directory is kept on purpose
	if len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}

	status, body = rg.do(supervisor, "GET", "/api/v1/scripts", "", nil)
	var list struct{ Scripts []ScriptInfo }
	if err := json.Unmarshal(body, &list); status != http.StatusOK || err != nil {
		t.Fatalf("list: %d %s %v", status, body, err)
	}
	kinds := map[string]string{}
	for _, s := range list.Scripts {
		kinds[s.Name] = s.Kind
	}
	if len(kinds) != 3 || kinds["phrases"] != "phrases" || kinds["verify_contact"] != "script" || kinds["second"] != "script" {
		t.Errorf("list %s", body)
	}
}
