package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dozvon/dozvon/store"
)

// TestBackupCommand: `dozvon backup PATH` copies the configured store
// (its debtor is in the copy); a second backup onto the same file is
// refused rather than overwriting it; no path is a usage error.
func TestBackupCommand(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	t.Parallel()
	dsn := "sqlite:" + filepath.Join(dir, "live.db")
	db, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.UpsertDebtor(ctx, store.Debtor{ID: "d1", Region: "г. Москва", Phones: []string{"+79161234567"}}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	cfg := filepath.Join(dir, "dozvon.yaml")
	if err := os.WriteFile(cfg, []byte(fmt.Sprintf("store: {dsn: %q}\n", dsn)), 0o600); err != nil {
		t.Fatal(err)
	}
	copyPath := filepath.Join(dir, "b", "copy.db")
	if code, out, errOut := runCmd(t, run1, "", nil, "backup", "--config", cfg, copyPath); code != 0 || !strings.Contains(out, copyPath) {
		t.Fatalf("backup: exit %d\n%s%s", code, out, errOut)
	}
	cp, err := store.Open(ctx, "sqlite:"+copyPath)
	if err != nil {
		t.Fatal(err)
	}
	defer cp.Close()
	if d, err := cp.Debtor(ctx, "d1"); err != nil || d.Region != "г. Москва" {
		t.Errorf("debtor in the copy: %+v %v", d, err)
	}
	if code, _, errOut := runCmd(t, run1, "", map[string]string{"DOZVON_DB": dsn}, "backup", copyPath); code != 1 || !strings.Contains(errOut, "exists") {
		t.Errorf("backup over an existing file: exit %d, %s", code, errOut)
	}
	if code, _, _ := runCmd(t, run1, "", nil, "backup"); code != 2 {
		t.Errorf("no path: exit %d, want 2", code)
	}
}

// TestRecordingsSweepCommand: `dozvon recordings sweep` applies the
// configured policy to sip.record_dir: a day folder older than
// archive_after_days ends in the archive.
func TestRecordingsSweepCommand(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	rec := filepath.Join(dir, "rec")
	old := time.Now().AddDate(0, 0, -10).Format("2006-01-02")
	if err := os.MkdirAll(filepath.Join(rec, old), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(rec, old, "out-1.wav"), []byte("RIFF"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "dozvon.yaml")
	if err := os.WriteFile(cfg, []byte(fmt.Sprintf("sip: {record_dir: %q}\nrecordings: {archive_after_days: 7}\n", rec)), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCmd(t, run1, "", nil, "recordings", "sweep", "--config", cfg)
	if code != 0 || !strings.Contains(out, "archived days ["+old+"]") {
		t.Fatalf("sweep: exit %d\n%s%s", code, out, errOut)
	}
	if _, err := os.Stat(filepath.Join(rec, "archive", old[:7], old+".zip")); err != nil {
		t.Error(err)
	}
	if code, _, _ := runCmd(t, run1, "", nil, "recordings"); code != 2 {
		t.Errorf("no subcommand: exit %d, want 2", code)
	}
}

// run1 runs the whole command line, as main does.
func run1(ctx context.Context, e env, args []string) int { return run(ctx, e, args) }
