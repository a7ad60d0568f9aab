package recordings

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"github.com/dozvon/dozvon/clock"
)

// ErrDown marks a recorder that cannot record: new calls must not start.
var ErrDown = errors.New("recorder down")

// HealthConfig configures a Health.
type HealthConfig struct {
	// Dir is the recordings folder; the free space of its file system is
	// watched and test writes go there.
	Dir string
	// MinFreeBytes is the free-space floor (0: none). Below it new calls are
	// refused: a disk that fills mid-call would cut that call's recording.
	MinFreeBytes uint64
	// RetryEvery is how long a failed recorder stays down before a test
	// write may bring it back (default one minute).
	RetryEvery time.Duration
	Clock      clock.Clock  // nil: the wall clock
	Log        *slog.Logger // nil: discard
	// FreeBytes reports the bytes an unprivileged writer may still use on
	// dir's file system (nil: statfs).
	FreeBytes func(dir string) (uint64, error)
}

// Health says whether recording works. The recorder reports its failures
// (Fault); the call path asks Ready before every new call. A fault holds
// for RetryEvery, then a test write in Dir decides; low disk space holds as
// long as it lasts. Going down is logged at error level once, coming back at
// info. Safe for concurrent use.
type Health struct {
	cfg HealthConfig
	clk clock.Clock
	log *slog.Logger

	mu      sync.Mutex
	fault   error // the recorder's failure (nil: none)
	faultAt time.Time
	low     bool // below the free-space floor at the last look
}

// NewHealth returns a Health for cfg.
func NewHealth(cfg HealthConfig) *Health {
	if cfg.RetryEvery <= 0 {
		cfg.RetryEvery = time.Minute
	}
	if cfg.FreeBytes == nil {
		cfg.FreeBytes = statfsFree
	}
	log := cfg.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Health{cfg: cfg, clk: clock.Or(cfg.Clock), log: log}
}

// Fault reports that a recording failed (could not be created, written or
// finished). The call it belongs to goes on; new calls are refused.
func (h *Health) Fault(err error) {
	if err == nil {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.fault == nil {
		h.log.Error("recorder down: a recording failed; new calls are refused", "err", err, "retry_in", h.cfg.RetryEvery)
		h.fault = err
	}
	h.faultAt = h.clk.Now()
}

// Ready returns nil when a new call may start, or an error wrapping ErrDown
// that says why not.
func (h *Health) Ready() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	now := h.clk.Now()
	if h.fault != nil {
		if now.Sub(h.faultAt) < h.cfg.RetryEvery {
			return fmt.Errorf("%w: %w", ErrDown, h.fault)
		}
		if err := probe(h.cfg.Dir); err != nil {
			h.fault, h.faultAt = fmt.Errorf("test write: %w", err), now
			h.log.Error("recorder still down: a test write failed", "err", err, "retry_in", h.cfg.RetryEvery)
			return fmt.Errorf("%w: %w", ErrDown, h.fault)
		}
		h.fault = nil
		h.log.Info("recorder back: a test write succeeded; new calls are accepted")
	}
	if h.cfg.MinFreeBytes == 0 {
		return nil
	}
	var low error
	free, err := h.cfg.FreeBytes(existing(h.cfg.Dir))
	switch {
	case err != nil:
		low = fmt.Errorf("free space unknown: %w", err)
	case free < h.cfg.MinFreeBytes:
		low = fmt.Errorf("%d MiB free on the recordings' disk, below the floor of %d MiB", free>>20, h.cfg.MinFreeBytes>>20)
	}
	switch {
	case low != nil && !h.low:
		h.log.Error("recorder down: low disk space; new calls are refused", "err", low, "dir", h.cfg.Dir)
	case low == nil && h.low:
		h.log.Info("recorder back: free space above the floor; new calls are accepted", "free_mib", free>>20)
	}
	h.low = low != nil
	if low != nil {
		return fmt.Errorf("%w: %w", ErrDown, low)
	}
	return nil
}

// statfsFree is the space left for unprivileged writers (Bavail, not Bfree:
// the root reserve is not ours to count on).
func statfsFree(dir string) (uint64, error) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return 0, fmt.Errorf("statfs %s: %w", dir, err)
	}
	return st.Bavail * uint64(st.Bsize), nil
}

// existing is dir or its nearest existing parent: the recordings folder may
// not have been made yet, and the disk it will be on is its parent's.
func existing(dir string) string {
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(d); err == nil || d == filepath.Dir(d) {
			return d
		}
	}
}

// probeSize is a test write's size: a few seconds of a call's audio, so a
// disk that takes a header but not a call does not pass.
const probeSize = 64 << 10

// probe writes, syncs and removes a small file in dir (made 0700 if missing).
func probe(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, ".probe-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	_, err = f.Write(make([]byte, probeSize))
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
