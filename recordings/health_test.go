package recordings

import (
	"bytes"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dozvon/dozvon/clock"
)

// logBuffer is a concurrency-safe log sink for checking what was logged.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// count is how many lines hold every one of parts.
func (b *logBuffer) count(parts ...string) int {
	n := 0
	for _, line := range strings.Split(b.String(), "\n") {
		all := line != ""
		for _, p := range parts {
			all = all && strings.Contains(line, p)
		}
		if all {
			n++
		}
	}
	return n
}

func newLog() (*slog.Logger, *logBuffer) {
	b := &logBuffer{}
	return slog.New(slog.NewTextHandler(b, &slog.HandlerOptions{Level: slog.LevelDebug})), b
}

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
			log, lb := newLog()
			h := NewHealth(HealthConfig{Dir: tt.dir, Clock: clk, Log: log})
			if err := h.Ready(); err != nil {
				t.Fatalf("fresh: %v", err)
			}
			h.Fault(errors.New("write wav out-1.wav: no space left on device"))
			h.Fault(errors.New("a second failing call"))
			if err := h.Ready(); !errors.Is(err, ErrDown) || !strings.Contains(err.Error(), "no space left") {
				t.Fatalf("after a fault: %v, want ErrDown with the cause", err)
			}
			if n := lb.count("level=ERROR", "recorder down"); n != 1 {
				t.Errorf("%d error-level alarms, want 1:\n%s", n, lb)
			}
			clk.JumpTo(t0.Add(time.Minute - time.Second))
			if err := h.Ready(); !errors.Is(err, ErrDown) {
				t.Fatalf("before the retry: %v", err)
			}
			clk.JumpTo(t0.Add(time.Minute))
			err := h.Ready()
			if tt.backLate {
				if !errors.Is(err, ErrDown) || lb.count("level=ERROR", "test write failed") != 1 {
					t.Fatalf("unwritable folder after the retry: %v\n%s", err, lb)
				}
				return
			}
			if err != nil || lb.count("level=INFO", "recorder back") != 1 {
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
	var mu sync.Mutex
	free, ferr := uint64(2<<30), error(nil)
	set := func(n uint64, err error) { mu.Lock(); free, ferr = n, err; mu.Unlock() }
	log, lb := newLog()
	h := NewHealth(HealthConfig{Dir: t.TempDir(), MinFreeBytes: 1 << 30, Log: log,
		FreeBytes: func(string) (uint64, error) { mu.Lock(); defer mu.Unlock(); return free, ferr }})
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
		set(step.free, step.err)
		err := h.Ready()
		if errors.Is(err, ErrDown) != step.down || (err != nil) != step.down {
			t.Errorf("step %d (%d MiB free): %v, want down=%v", i, step.free>>20, err, step.down)
		}
		if n := lb.count("level=ERROR", "low disk space"); n != step.errors {
			t.Errorf("step %d: %d alarms, want %d", i, n, step.errors)
		}
	}
	if lb.count("level=INFO", "recorder back") != 1 {
		t.Errorf("no line saying the recorder is back:\n%s", lb)
	}
	// The real statfs on a folder that does not exist yet looks at its parent.
	if h := NewHealth(HealthConfig{Dir: filepath.Join(t.TempDir(), "not", "yet"), MinFreeBytes: 1}); h.Ready() != nil {
		t.Errorf("statfs of a missing folder's parent: %v", h.Ready())
	}
}
