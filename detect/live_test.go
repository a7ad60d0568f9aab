package detect

import (
	"testing"
	"time"
)

// TestRobotGreetsAtOnce drives the classifier as a live call does: the robot
// plays its greeting from the answer on (robotSpeaking for the first
// robotFor), the callee's audio arrives at the same time.
func TestRobotGreetsAtOnce(t *testing.T) {
	const robotFor = 4 * time.Second
	tests := []struct {
		name        string
		callee      []int16
		want        Class // "" means no verdict within the run
		pendingWhen time.Duration
		wantPending bool
	}{
		{"a person says алло over the robot's greeting, then listens",
			newSignal().silence(300 * time.Millisecond).speech(500 * time.Millisecond).s, Human, 500 * time.Millisecond, true},
		{"a person listens in silence: no verdict while the robot talks",
			nil, "", 2 * time.Second, false},
		{"a recording keeps talking over the robot",
			newSignal().silence(200 * time.Millisecond).speech(3500 * time.Millisecond).s, Machine, time.Second, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := New(Config{})
			silent := make([]int16, evalFrame)
			var now time.Duration
			var got *Decision
			for i := 0; now < robotFor; i += evalFrame {
				frame := silent
				if i+evalFrame <= len(tt.callee) {
					frame = tt.callee[i : i+evalFrame]
				}
				c.Frame(frame, true)
				now += frameDur(evalFrame)
				if now == tt.pendingWhen && c.Pending() != tt.wantPending {
					t.Errorf("Pending() = %v at %v, want %v", c.Pending(), now, tt.wantPending)
				}
				if d, ok := c.Decision(); ok && got == nil {
					got = &d
				}
			}
			if tt.want == "" {
				if got != nil {
					t.Fatalf("decided %s while the robot was talking and the callee silent: %q", got.Class, got.Evidence)
				}
				// once the robot is quiet, a dead line is silence
				for range 200 {
					c.Frame(silent, false)
				}
				if d, ok := c.Decision(); !ok || d.Class != Silence {
					t.Fatalf("after the robot stopped: decision %+v, %v; want silence", d, ok)
				}
				return
			}
			for range 400 {
				if got != nil {
					break
				}
				c.Frame(silent, false)
				if d, ok := c.Decision(); ok {
					got = &d
				}
			}
			if got == nil || got.Class != tt.want {
				t.Fatalf("decision %+v, want %s", got, tt.want)
			}
			if c.Pending() {
				t.Error("Pending() after a decision")
			}
		})
	}
}
