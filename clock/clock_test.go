package clock_test

import (
	"testing"
	"time"

	"github.com/dozvon/dozvon/clock"
)

func TestSimJumpsForwardOnly(t *testing.T) {
	start := time.Date(2026, 11, 24, 5, 0, 0, 0, time.UTC)
	c := clock.NewSim(start)
	c.JumpTo(start.Add(-time.Hour))
	if got := c.Now(); !got.Equal(start) {
		t.Fatalf("jump back moved the clock to %v", got)
	}
	c.JumpTo(start.Add(2 * time.Hour))
	if got := c.Now(); !got.Equal(start.Add(2 * time.Hour)) {
		t.Fatalf("jump forward: %v", got)
	}
}

func TestStopwatchOnAStillClock(t *testing.T) {
	start := time.Date(2026, 11, 24, 5, 0, 0, 0, time.UTC)
	sw := clock.Start(clock.Fixed(start))
	wall := time.Now().Add(1500 * time.Millisecond)
	if got := sw.At(wall); got.Sub(start) < 1400*time.Millisecond || got.Sub(start) > 1600*time.Millisecond {
		t.Fatalf("At(+1.5 s) = %v after start", got.Sub(start))
	}
	if !sw.At(time.Time{}).IsZero() {
		t.Fatal("a zero instant must stay zero")
	}
	if sw.Now().Before(start) || !sw.Started().Equal(start) {
		t.Fatal("stopwatch runs from the clock's reading")
	}
}
