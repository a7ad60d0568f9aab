package scheduler

import (
	"sync"
	"time"
)

// SimClock is a clock for simulations and the demo: it stands still while
// calls are in flight and jumps to the next due time when the scheduler is
// idle, so retries, callbacks and next-day windows play out in seconds.
// Calls themselves run on real SIP/RTP time.
type SimClock struct {
	mu  sync.Mutex
	now time.Time
}

// NewSimClock returns a clock reading start.
func NewSimClock(start time.Time) *SimClock { return &SimClock{now: start} }

// Now reads the clock.
func (c *SimClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// JumpTo moves the clock forward to t (never back).
func (c *SimClock) JumpTo(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if t.After(c.now) {
		c.now = t
	}
}
