package recordings

import (
	"archive/zip"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dozvon/dozvon/clock"
	"github.com/dozvon/dozvon/internal/logsink"
)

func writeFile(t *testing.T, path, data string, mode fs.FileMode, mod time.Time) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil { // past the umask
		t.Fatal(err)
	}
	if err := os.Chtimes(path, mod, mod); err != nil {
		t.Fatal(err)
	}
}

func zipContents(t *testing.T, path string) map[string]string {
	t.Helper()
	r, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	out := map[string]string{}
	for _, f := range r.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc) // checks the CRC at EOF
		rc.Close()
		if err != nil {
			t.Fatalf("%s in %s: %v", f.Name, path, err)
		}
		out[f.Name] = string(b)
	}
	return out
}

// TestSweepKeepsArchivesThenDeletes walks a day's recordings through the
// policy on an injected clock: modes narrowed, a loose first-audio file
// moved into its day, the day archived after archive_after_days (and not a
// day sooner), a late file into a second zip, an interrupted sweep's leftover
// removed, and everything deleted exactly keep_days after the day — each
// step logged and journaled by call id.
func TestSweepKeepsArchivesThenDeletes(t *testing.T) {
	t.Parallel()
	msk, err := time.LoadLocation("Europe/Moscow")
	if err != nil {
		t.Fatal(err)
	}
	day := time.Date(2026, 1, 10, 0, 0, 0, 0, msk)
	dir := t.TempDir()
	rec := filepath.Join(dir, "rec")
	writeFile(t, filepath.Join(rec, "2026-01-10", "out-1.wav"), strings.Repeat("RIFF call one ", 500), 0o644, day.Add(10*time.Hour))
	writeFile(t, filepath.Join(rec, "2026-01-10", "out-1.first5s.wav"), "first five seconds", 0o644, day.Add(10*time.Hour))
	writeFile(t, filepath.Join(rec, "inb-7.first5s.wav"), "loose first audio", 0o640, day.Add(15*time.Hour))
	if err := os.Chmod(rec, 0o755); err != nil {
		t.Fatal(err)
	}
	clk := clock.NewSim(day.Add(12 * 24 * time.Hour))
	log, lb := logsink.New()
	s, err := NewSweeper(SweepConfig{Dir: rec, Policy: Policy{ArchiveAfterDays: 30, KeepDays: 1096}, Clock: clk, Log: log})
	if err != nil {
		t.Fatal(err)
	}
	sweep := func(at time.Time) Report {
		t.Helper()
		clk.JumpTo(at)
		rep, err := s.Sweep(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		return rep
	}

	rep := sweep(day.AddDate(0, 0, 29).Add(23 * time.Hour))
	if rep.Tightened != 5 || rep.Sorted != 1 || len(rep.Archived) != 0 {
		t.Fatalf("before the archive day: %+v, want 5 modes narrowed (3 files, 2 folders), 1 file sorted, nothing archived", rep)
	}
	if _, err := os.Stat(filepath.Join(rec, "2026-01-10", "inb-7.first5s.wav")); err != nil {
		t.Fatalf("loose file not in its day: %v", err)
	}
	err = filepath.WalkDir(rec, func(p string, d fs.DirEntry, err error) error {
		if info, _ := d.Info(); err == nil && info.Mode().Perm()&0o077 != 0 {
			t.Errorf("%s: mode %v", p, info.Mode().Perm())
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}

	rep = sweep(day.AddDate(0, 0, 30))
	zip1 := filepath.Join(rec, "archive", "2026-01", "2026-01-10.zip")
	if !slices.Equal(rep.Archived, []string{"2026-01-10"}) {
		t.Fatalf("on the archive day: %+v", rep)
	}
	if _, err := os.Stat(filepath.Join(rec, "2026-01-10")); !os.IsNotExist(err) {
		t.Errorf("day folder still there after archiving: %v", err)
	}
	got := zipContents(t, zip1)
	if len(got) != 3 || got["out-1.wav"] != strings.Repeat("RIFF call one ", 500) || got["inb-7.first5s.wav"] != "loose first audio" {
		t.Errorf("archive holds %d files: %v", len(got), slices.Sorted(func(yield func(string) bool) {
			for k := range got {
				if !yield(k) {
					return
				}
			}
		}))
	}
	if st, err := os.Stat(zip1); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("archive file: %v %v, want mode 0600", st, err)
	}

	// A sweep that died after its rename left the original behind; a call
	// that ended after midnight wrote late into the day.
	writeFile(t, filepath.Join(rec, "2026-01-10", "out-1.first5s.wav"), "first five seconds", 0o600, day.Add(10*time.Hour))
	writeFile(t, filepath.Join(rec, "2026-01-10", "out-9.wav"), "late", 0o600, day.Add(24*time.Hour))
	rep = sweep(day.AddDate(0, 0, 31))
	zip2 := filepath.Join(rec, "archive", "2026-01", "2026-01-10.2.zip")
	if got := zipContents(t, zip2); len(got) != 1 || got["out-9.wav"] != "late" {
		t.Errorf("second zip of the day: %v", got)
	}

	if rep = sweep(day.AddDate(0, 0, 1095)); len(rep.Deleted) != 0 {
		t.Fatalf("deleted a day before the keep period ended: %+v", rep)
	}
	if rep = sweep(day.AddDate(0, 0, 1096)); !slices.Equal(rep.Deleted, []string{"2026-01-10"}) {
		t.Fatalf("on the last day: %+v", rep)
	}
	if _, err := os.Stat(filepath.Join(rec, "archive", "2026-01")); !os.IsNotExist(err) {
		t.Errorf("month folder left after deleting its archives: %v", err)
	}

	j, err := s.Journal()
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range j {
		actions = append(actions, e.Action+":"+strings.Join(e.Calls, ","))
	}
	// The day folder made again above came with mode 0755: narrowed again.
	want := []string{"tighten:", "sort:inb-7", "archive:inb-7,out-1", "tighten:", "archive:out-9", "delete:out-9", "delete:inb-7,out-1"}
	if !slices.Equal(actions, want) {
		t.Errorf("journal\n%q\nwant\n%q", actions, want)
	}
	for _, msg := range []string{"recordings archived", "recordings deleted", "recording moved into its day"} {
		if lb.Count(msg) == 0 {
			t.Errorf("no %q in the log:\n%s", msg, lb)
		}
	}
	if strings.Contains(lb.String(), rec) {
		t.Errorf("log names full paths:\n%s", lb)
	}
}

func TestPolicyValidate(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		p    Policy
		want string // "" ok
	}{
		{DefaultPolicy, ""},
		{Policy{ArchiveAfterDays: 1, KeepDays: 1096}, "archive_after_days 1"},
		{Policy{ArchiveAfterDays: 30, KeepDays: 10}, "keep_days 10"},
	} {
		err := tt.p.Validate()
		if (tt.want == "") != (err == nil) || err != nil && !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%+v: %v, want %q", tt.p, err, tt.want)
		}
	}
	if DefaultPolicy.KeepDays < 3*365 {
		t.Errorf("default keep %d days: less than three years", DefaultPolicy.KeepDays)
	}
}
