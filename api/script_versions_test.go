package api

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestScriptVersionsKept: every PUT keeps the version it replaces, listed
// newest first and readable as it ran, and the history is no script the
// scripts list shows; a script written for the first time keeps nothing.
func TestScriptVersionsKept(t *testing.T) {
	t.Parallel()
	dir, v1 := scriptsDirForTests(t)
	rg := newRig(t, func(c *Config) { c.ScriptsDir = dir })
	v2 := []byte(strings.Replace(string(v1), `version: "1.0"`, `version: "2.0"`, 1))
	v3 := []byte(strings.Replace(string(v1), `version: "1.0"`, `version: "3.0"`, 1))
	for _, body := range [][]byte{v2, v3} {
		if status, b := rg.do(supervisor, "PUT", "/api/v1/scripts/verify_contact", "application/yaml", body); status != http.StatusOK {
			t.Fatalf("put: %d %s", status, b)
		}
	}
	if status, b := rg.do(admin, "PUT", "/api/v1/scripts/fresh", "application/yaml", v1); status != http.StatusCreated {
		t.Fatalf("put fresh: %d %s", status, b)
	}
	status, body := rg.do(supervisor, "GET", "/api/v1/scripts/verify_contact/versions", "", nil)
	var list struct {
		Versions []ScriptVersion `json:"versions"`
	}
	if err := json.Unmarshal(body, &list); status != http.StatusOK || err != nil || len(list.Versions) != 2 {
		t.Fatalf("versions: %d %s (%v), want 2 kept", status, body, err)
	}
	for i, want := range [][]byte{v2, v1} { // newest first: v2 was replaced by v3 last
		status, got := rg.do(supervisor, "GET", "/api/v1/scripts/verify_contact/versions/"+list.Versions[i].ID, "", nil)
		if status != http.StatusOK || string(got) != string(want) {
			t.Errorf("version %d (%s): %d, content differs from what it replaced", i, list.Versions[i].ID, status)
		}
	}
	if status, body := rg.do(supervisor, "GET", "/api/v1/scripts/fresh/versions", "", nil); status != http.StatusOK || !strings.Contains(string(body), `"versions":[]`) {
		t.Errorf("a new script's versions: %d %s, want none", status, body)
	}
	if status, _ := rg.do(supervisor, "GET", "/api/v1/scripts/verify_contact/versions/20260101T000000.000000000Z-000000000000", "", nil); status != http.StatusNotFound {
		t.Errorf("unknown version: %d, want 404", status)
	}
	if status, _ := rg.do(supervisor, "GET", "/api/v1/scripts/verify_contact/versions/..%2f..%2fphrases", "", nil); status != http.StatusBadRequest && status != http.StatusNotFound {
		t.Errorf("a path as a version id: %d, want 400 or 404", status)
	}
	_, body = rg.do(supervisor, "GET", "/api/v1/scripts", "", nil)
	if strings.Contains(string(body), "history") || strings.Count(string(body), `"name"`) != 3 {
		t.Errorf("scripts list %s: want phrases, verify_contact and fresh only", body)
	}
	if _, err := os.Stat(filepath.Join(dir, historyDir, "fresh")); !os.IsNotExist(err) {
		t.Errorf("a first write kept a version: %v", err)
	}
}
