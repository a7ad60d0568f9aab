package scheduler_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dozvon/dozvon/scheduler"
)

// TestReadConfigFile: `dozvon sweep --campaign FILE` reads a campaign's
// settings as a stored campaign's, with the dialer's checks, and says which
// file when it cannot.
func TestReadConfigFile(t *testing.T) {
	dir := t.TempDir()
	good, typo := filepath.Join(dir, "good.json"), filepath.Join(dir, "typo.json")
	err := errors.Join(os.WriteFile(good, []byte(`{"script":"scripts/verify_contact.yaml","creditor":"ООО «Вектор»"}`), 0o644),
		os.WriteFile(typo, []byte(`{"script":"s","chanels":3}`), 0o644))
	if err != nil {
		t.Fatal(err)
	}
	refuse := func(scheduler.Config) error { return errors.New("the dialer refuses") }
	tests := []struct {
		name, path string
		checks     []func(scheduler.Config) error
		err        string
	}{
		{"good", good, nil, ""},
		{"an unknown key", typo, nil, `unknown field "chanels"`},
		{"a check fails", good, []func(scheduler.Config) error{refuse}, "the dialer refuses"},
		{"no file", filepath.Join(dir, "none.json"), nil, "campaign settings: open " + filepath.Join(dir, "none.json")},
	}
	for _, tt := range tests {
		c, err := scheduler.ReadConfigFile(tt.path, tt.checks...)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) || !strings.HasPrefix(err.Error(), "campaign settings: ") {
				t.Errorf("%s: error %v, want %q", tt.name, err, tt.err)
			}
			continue
		}
		if err != nil || c.Creditor != "ООО «Вектор»" || c.Script != "scripts/verify_contact.yaml" {
			t.Errorf("%s: %+v, %v", tt.name, c, err)
		}
	}
}
