package clock

import (
	"sync"
	"time"
)

// Clock tells the time.
type Clock interface{ Now() time.Time }

// System is the wall clock.
type System struct{}

// Now returns time.Now().
func (System) Now() time.Time { return time.Now() }

// Or returns c, or the wall clock when c is nil.
func Or(c Clock) Clock {
	if c == nil {
		return System{}
	}
	return c
}

// Sim is a clock for simulations and the demo: it stands still while calls
// are in flight and jumps to the next due time when the scheduler is idle, so
// retries, callbacks and next-day windows play out in seconds. Calls
// themselves run on real SIP/RTP time (see Stopwatch).
type Sim struct {
	mu  sync.Mutex
	now time.Time
}

// NewSim returns a simulated clock reading start.
func NewSim(start time.Time) *Sim { return &Sim{now: start} }

// Now reads the clock.
func (c *Sim) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// JumpTo moves the clock forward to t (never back).
func (c *Sim) JumpTo(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if t.After(c.now) {
		c.now = t
	}
}

// Fixed is a clock that always reads the same instant (tests, one-off checks).
type Fixed time.Time

// Now returns the fixed instant.
func (f Fixed) Now() time.Time { return time.Time(f) }

// Stopwatch stamps the moments of one call: it reads the Clock once at the
// start and adds the real (monotonic) time elapsed since. On the wall clock
// its stamps are wall times; on a simulated clock that stands still during a
// call they still advance by the call's real durations, so a record's
// started ≤ answered ≤ ended and its talk time is the call's.
type Stopwatch struct {
	base  time.Time
	start time.Time // monotonic reading at base
}

// Start starts a stopwatch on c.
func Start(c Clock) Stopwatch {
	return Stopwatch{base: Or(c).Now(), start: time.Now()}
}

// Started is the clock's reading when the stopwatch started.
func (s Stopwatch) Started() time.Time { return s.base }

// Now is the clock's start reading plus the real time elapsed since.
func (s Stopwatch) Now() time.Time { return s.base.Add(time.Since(s.start)) }

// At maps a wall-clock instant taken during the call (e.g. telephony's
// answer time) onto the stopwatch's clock; a zero instant stays zero.
func (s Stopwatch) At(wall time.Time) time.Time {
	if wall.IsZero() {
		return time.Time{}
	}
	return s.base.Add(wall.Sub(s.start))
}
