package report

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSaveCSV: the results file is written with its directory, and a path
// that cannot be created is an error naming it.
func TestSaveCSV(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sub", "results.csv")
	if err := SaveCSV(path, nil, nil); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(path); err != nil || !strings.HasPrefix(string(b), "debtor") {
		t.Fatalf("read %q, %v", b, err)
	}
	blocker := filepath.Join(dir, "file")
	if err := os.WriteFile(blocker, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := SaveCSV(filepath.Join(blocker, "results.csv"), nil, nil); err == nil || !strings.Contains(err.Error(), blocker) {
		t.Fatalf("got %v, want an error naming %s", err, blocker)
	}
}
