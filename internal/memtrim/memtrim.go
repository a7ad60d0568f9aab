package memtrim

import (
	"context"
	"log/slog"
	"runtime/debug"
	"time"
)

// Config says what "quiet" means and what to do then.
type Config struct {
	Busy  func() int    // calls in flight now
	Quiet time.Duration // idle this long after activity before trimming (default 10 s)
	Every time.Duration // how often Busy is looked at (default 1 s)
	// Trim runs once per quiet spell; default debug.FreeOSMemory (a full
	// collection, then unused pages returned to the system).
	Trim func()
	Log  *slog.Logger
}

// Run watches cfg.Busy until ctx ends and trims once after each spell of
// activity is followed by cfg.Quiet of idleness. A service that stays idle
// is not trimmed again: nothing new was allocated.
func Run(ctx context.Context, cfg Config) {
	if cfg.Quiet <= 0 {
		cfg.Quiet = 10 * time.Second
	}
	if cfg.Every <= 0 {
		cfg.Every = time.Second
	}
	if cfg.Trim == nil {
		cfg.Trim = debug.FreeOSMemory
	}
	t := time.NewTicker(cfg.Every)
	defer t.Stop()
	w := watcher{quiet: cfg.Quiet}
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			if w.look(now, cfg.Busy()) {
				cfg.Trim()
				if cfg.Log != nil {
					cfg.Log.Debug("memory returned after calls ended")
				}
			}
		}
	}
}

// watcher decides, look by look, when a quiet spell after activity is long
// enough to trim.
type watcher struct {
	quiet     time.Duration
	dirty     bool      // calls ran since the last trim
	idleSince time.Time // zero while busy
}

// look takes one observation and reports whether to trim now.
func (w *watcher) look(now time.Time, busy int) bool {
	if busy > 0 {
		w.dirty, w.idleSince = true, time.Time{}
		return false
	}
	if !w.dirty {
		return false
	}
	if w.idleSince.IsZero() {
		w.idleSince = now
	}
	if now.Sub(w.idleSince) < w.quiet {
		return false
	}
	w.dirty, w.idleSince = false, time.Time{}
	return true
}
