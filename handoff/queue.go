package handoff

import (
	"slices"
	"sync"
)

// Lines is who is on a call dozvon bridged them to (busy collectors are not
// rung again) and the line of inbound callers waiting for a free collector,
// first come first served. Safe for concurrent use.
type Lines struct {
	mu      sync.Mutex
	busy    map[string]bool
	line    []*Place
	changed chan struct{} // closed on every change, then replaced
}

// NewLines returns lines with nobody busy and nobody waiting.
func NewLines() *Lines {
	return &Lines{busy: map[string]bool{}, changed: make(chan struct{})}
}

// Busy reports whether login is on a call (or being rung for one) now.
func (l *Lines) Busy(login string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.busy[login]
}

// Claim marks the targets whose collectors are free as busy and returns
// them, so that two calls never ring one phone at once. Every claimed login
// must be given back with Free.
func (l *Lines) Claim(ts []Target) []Target {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []Target
	for _, t := range ts {
		if !l.busy[t.Login] {
			l.busy[t.Login] = true
			out = append(out, t)
		}
	}
	return out
}

// Free gives claimed collectors back: their call ended, or their phone
// stopped ringing. A waiting caller hears of it through Changed.
func (l *Lines) Free(logins ...string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, login := range logins {
		delete(l.busy, login)
	}
	l.notify()
}

// Changed is closed at the next change: a collector freed, a caller joined
// or left the line. Take it again after it fires.
func (l *Lines) Changed() <-chan struct{} {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.changed
}

// notify wakes every waiter (l.mu held).
func (l *Lines) notify() {
	close(l.changed)
	l.changed = make(chan struct{})
}

// Waiting is how many callers are in the line.
func (l *Lines) Waiting() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.line)
}

// Place is one caller's place in the line.
type Place struct{ l *Lines }

// Join puts a caller at the end of the line.
func (l *Lines) Join() *Place {
	p := &Place{l: l}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.line = append(l.line, p)
	l.notify()
	return p
}

// Position is the caller's place: 1 is next, 0 once they left.
func (p *Place) Position() int {
	p.l.mu.Lock()
	defer p.l.mu.Unlock()
	return slices.Index(p.l.line, p) + 1
}

// Leave takes the caller out of the line (a collector took the call, the
// caller hung up or waited too long); those behind move up. Leaving twice
// is harmless.
func (p *Place) Leave() {
	p.l.mu.Lock()
	defer p.l.mu.Unlock()
	if i := slices.Index(p.l.line, p); i >= 0 {
		p.l.line = slices.Delete(p.l.line, i, i+1)
		p.l.notify()
	}
}
