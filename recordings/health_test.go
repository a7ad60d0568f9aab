package recordings

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/dozvon/dozvon/clock"
	"github.com/dozvon/dozvon/internal/logsink"
)

var t0 = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

// TestHealthFaultStopsNewCalls: one failed recording write stops new calls
// with an error-level alarm; after RetryEvery a test write decides — a
// folder that cannot be written keeps it down, a good one brings it back.
func TestHealthFaultStopsNewCalls(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	blocked := filepath.Join(dir, "file")
	if err := os.WriteFile(blocked, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name     string
		dir      string
		backLate bool // still down after the retry period
	}{
		{"writable folder", filepath.Join(dir, "rec"), false},
		{"folder under a file", filepath.Join(blocked, "rec"), true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			clk := clock.NewSim(t0)
			log, lb := logsink.New()
			h := NewHealth(HealthConfig{Dir: tt.dir, Clock: clk, Log: log})
			if err := h.Ready(); err != nil {
				t.Fatalf("fresh: %v", err)
			}
			full := errors.New("write wav out-1.wav: no space left on device")
			h.Fault(full)
			h.Fault(errors.New("a second failing call"))
			if err := h.Ready(); !errors.Is(err, ErrDown) || !errors.Is(err, full) {
				t.Fatalf("after a fault: %v, want ErrDown with the cause", err)
			}
			if n := lb.Count("level=ERROR", "recorder down"); n != 1 {
				t.Errorf("%d error-level alarms, want 1:\n%s", n, lb)
			}
			clk.JumpTo(t0.Add(time.Minute - time.Second))
			if err := h.Ready(); !errors.Is(err, ErrDown) {
				t.Fatalf("before the retry: %v", err)
			}
			clk.JumpTo(t0.Add(time.Minute))
			err := h.Ready()
			if tt.backLate {
				if !errors.Is(err, ErrDown) || lb.Count("level=ERROR", "test write failed") != 1 {
					t.Fatalf("unwritable folder after the retry: %v\n%s", err, lb)
				}
				return
			}
			if err != nil || lb.Count("level=INFO", "recorder back") != 1 {
				t.Fatalf("after a good test write: %v\n%s", err, lb)
			}
			if left, _ := os.ReadDir(tt.dir); len(left) != 0 {
				t.Errorf("the test write left %v behind", left)
			}
		})
	}
}

// TestHealthDiskFloor: below the free-space floor new calls are refused
// (one alarm, not one per call); above it again they are taken.
func TestHealthDiskFloor(t *testing.T) {
	t.Parallel()
	// Ready asks FreeBytes on the caller's goroutine: plain variables do.
	var free uint64
	var ferr error
	log, lb := logsink.New()
	h := NewHealth(HealthConfig{Dir: t.TempDir(), MinFreeBytes: 1 << 30, Log: log,
		FreeBytes: func(string) (uint64, error) { return free, ferr }})
	for i, step := range []struct {
		free   uint64
		err    error
		down   bool
		errors int // error-level lines so far
	}{
		{2 << 30, nil, false, 0},
		{512 << 20, nil, true, 1},
		{100 << 20, nil, true, 1},
		{3 << 30, nil, false, 1},
		{0, errors.New("statfs: input/output error"), true, 2},
	} {
		free, ferr = step.free, step.err
		err := h.Ready()
		if errors.Is(err, ErrDown) != step.down || (err != nil) != step.down {
			t.Errorf("step %d (%d MiB free): %v, want down=%v", i, step.free>>20, err, step.down)
		}
		if n := lb.Count("level=ERROR", "low disk space"); n != step.errors {
			t.Errorf("step %d: %d alarms, want %d", i, n, step.errors)
		}
	}
	if lb.Count("level=INFO", "recorder back") != 1 {
		t.Errorf("no line saying the recorder is back:\n%s", lb)
	}
	// The real statfs on a folder that does not exist yet looks at its parent.
	if h := NewHealth(HealthConfig{Dir: filepath.Join(t.TempDir(), "not", "yet"), MinFreeBytes: 1}); h.Ready() != nil {
		t.Errorf("statfs of a missing folder's parent: %v", h.Ready())
	}
}
