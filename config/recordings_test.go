package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dozvon/dozvon/recordings"
)

// TestRecordingsSection: the retention policy, the archive folder, the
// free-space floor and the sweep period come from the file, with defaults
// that keep three years; a policy that cannot work names itself and the file.
func TestRecordingsSection(t *testing.T) {
	dir := t.TempDir()
	t.Parallel()
	for _, tt := range []struct {
		name, file, wantErr string
		want                func(c Config) bool
	}{
		{name: "defaults keep three years", want: func(c Config) bool {
			r := c.Recordings
			return r.Policy == recordings.DefaultPolicy && r.KeepDays >= 3*365 && r.MinFreeMB == 1024 && r.SweepEvery == 6*time.Hour
		}},
		{name: "set in the file", file: "recordings:\n  archive_after_days: 7\n  keep_days: 2000\n  archive_dir: /mnt/cold\n  min_free_mb: 0\n  sweep_every: 1h\n",
			want: func(c Config) bool {
				r := c.Recordings
				return r.ArchiveAfterDays == 7 && r.KeepDays == 2000 && r.ArchiveDir == "/mnt/cold" && r.MinFreeMB == 0 && r.SweepEvery == time.Hour
			}},
		{name: "keep shorter than the archive step", file: "recordings: {archive_after_days: 30, keep_days: 10}\n", wantErr: "keep_days 10"},
		{name: "negative floor", file: "recordings: {min_free_mb: -1}\n", wantErr: "min_free_mb -1"},
		{name: "unknown key", file: "recordings: {keep_years: 3}\n", wantErr: "keep_years"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "_")+".yaml")
			if err := os.WriteFile(path, []byte(tt.file), 0o600); err != nil {
				t.Fatal(err)
			}
			c, err := Load(path, func(string) string { return "" })
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), path) {
					t.Fatalf("error %v, want one naming %q and the file", err, tt.wantErr)
				}
				return
			}
			if err != nil || !tt.want(c) {
				t.Fatalf("%+v %v", c.Recordings, err)
			}
		})
	}
}
