package scripts

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestRegistryReloadsChangedScript(t *testing.T) {
	dir := t.TempDir()
	script := filepath.Join(dir, "verify_contact.yaml")
	copyFile(t, "verify_contact.yaml", script)
	copyFile(t, "phrases.yaml", filepath.Join(dir, "phrases.yaml"))

	reg := NewRegistry()
	v1, err := reg.Get(script)
	if err != nil {
		t.Fatal(err)
	}
	same, err := reg.Get(script)
	if err != nil || same != v1 {
		t.Fatalf("unchanged file: got a new script (%v)", err)
	}

	// a new version: a running call keeps v1, new calls get v2
	data, _ := os.ReadFile(script)
	edited := strings.Replace(string(data), `version: "1.0"`, `version: "1.1"`, 1)
	if err := os.WriteFile(script, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	future := time.Now().Add(2 * time.Second)
	if err := os.Chtimes(script, future, future); err != nil {
		t.Fatal(err)
	}
	v2, err := reg.Get(script)
	if err != nil {
		t.Fatal(err)
	}
	if v2 == v1 || v2.Version != "1.1" || v1.Version != "1.0" || v2.Hash == v1.Hash {
		t.Fatalf("reload: v1 %s, v2 %s", v1.VersionString(), v2.VersionString())
	}

	// a change in the imported phrase base is a new version too
	pb := filepath.Join(dir, "phrases.yaml")
	pdata, _ := os.ReadFile(pb)
	if err := os.WriteFile(pb, []byte(strings.Replace(string(pdata), "До свидания!", "Всего доброго!", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	future = future.Add(2 * time.Second)
	_ = os.Chtimes(pb, future, future)
	v3, err := reg.Get(script)
	if err != nil || v3 == v2 || v3.Hash == v2.Hash {
		t.Fatalf("phrase base change not picked up: %v", err)
	}

	// a broken edit keeps the last good version for new calls
	if err := os.WriteFile(script, []byte("name: [broken"), 0o644); err != nil {
		t.Fatal(err)
	}
	future = future.Add(2 * time.Second)
	_ = os.Chtimes(script, future, future)
	v4, err := reg.Get(script)
	if err == nil || v4 != v3 {
		t.Fatalf("broken edit: got %v, err %v; want the last good version and an error", v4, err)
	}
}
