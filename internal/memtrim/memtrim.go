package memtrim

import (
	"context"
	"log/slog"
	"runtime/debug"
	"slices"
	"time"
)

// Config says what "quiet" means and what to do then.
type Config struct {
	Busy func() int // calls in flight now
	// Quiet lists how long after the last call ended to trim (default
	// 10 s and 45 s): once when the calls' own memory is garbage, once more
	// after the SIP layer's transactions have lingered out (an answered
	// INVITE's server transaction waits 64×T1 = 32 s for stray ACKs).
	Quiet []time.Duration
	Every time.Duration // how often Busy is looked at (default 1 s)
	// Trim runs once per quiet spell; default debug.FreeOSMemory (a full
	// collection, then unused pages returned to the system).
	Trim func()
	Log  *slog.Logger
}

// Run watches cfg.Busy until ctx ends and, after each spell of activity,
// trims at each of cfg.Quiet's marks of idleness. A service that stays idle
// is not trimmed again: nothing new was allocated.
func Run(ctx context.Context, cfg Config) {
	if len(cfg.Quiet) == 0 {
		cfg.Quiet = []time.Duration{10 * time.Second, 45 * time.Second}
	}
	if cfg.Every <= 0 {
		cfg.Every = time.Second
	}
	if cfg.Trim == nil {
		cfg.Trim = debug.FreeOSMemory
	}
	t := time.NewTicker(cfg.Every)
	defer t.Stop()
	w := watcher{quiet: slices.Sorted(slices.Values(cfg.Quiet)), next: len(cfg.Quiet)}
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

// watcher decides, look by look, when a quiet spell after activity has
// reached its next mark.
type watcher struct {
	quiet     []time.Duration // ascending
	next      int             // the mark to reach; len(quiet): none left
	idleSince time.Time       // zero while busy
}

// look takes one observation and reports whether to trim now.
func (w *watcher) look(now time.Time, busy int) bool {
	if busy > 0 {
		w.next, w.idleSince = 0, time.Time{}
		return false
	}
	if w.next >= len(w.quiet) {
		return false // idle since the last mark, or never busy
	}
	if w.idleSince.IsZero() {
		w.idleSince = now
	}
	if now.Sub(w.idleSince) < w.quiet[w.next] {
		return false
	}
	for w.next < len(w.quiet) && now.Sub(w.idleSince) >= w.quiet[w.next] {
		w.next++
	}
	return true
}
