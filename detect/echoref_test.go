package detect

import (
	"testing"
	"time"
)

// Round 8: given what the robot played, its echo on the line (later and
// quieter) is not the callee's speech, and the callee's own voice — over the
// robot or in its pauses — still is.
func TestEchoReferenceTellsEchoFromCallee(t *testing.T) {
	t.Parallel()
	ms := time.Millisecond
	robot := newSignal().speech(3 * time.Second).silence(2 * time.Second).s
	delayed := func(s []int16, d time.Duration) []int16 {
		return append(make([]int16, samplesOf(d)), s...)[:len(s)]
	}
	mix := func(a, b []int16) []int16 {
		out := make([]int16, len(a))
		for i := range a {
			out[i] = int16(max(-32768, min(32767, int(a[i])+int(b[i]))))
		}
		return out
	}
	echo := quieter(delayed(robot, 150*ms), 14)
	callee := newSignal().silence(500 * ms).speech(1200 * ms).silence(3300 * ms).s
	afterRobot := newSignal().silence(3300 * ms).speech(1200 * ms).silence(500 * ms).s
	// Round 9: a voice on a line with no echo, 10 dB under the robot, talking
	// in bursts of its own while the robot speaks. Before, the prior (a frame
	// 10 dB under the robot is echo) and a loss that looked steady took all
	// of it for echo: nothing was heard (bench detect, holdout m03).
	other := newSignal().silence(300 * ms).speech(400 * ms).silence(350 * ms).speech(900 * ms).silence(250 * ms).speech(600 * ms).silence(2200 * ms).s
	tests := []struct {
		name      string
		line      []int16
		ref       bool
		wantEcho  bool // most voiced frames are taken for echo
		wantHeard bool // the classifier heard the callee speak
	}{
		{name: "echo alone, reference given", line: echo, ref: true, wantEcho: true},
		{name: "echo alone, no reference", line: echo, ref: false, wantHeard: true},
		{name: "a callee over the robot, as loud as the robot", line: mix(echo, callee), ref: true, wantHeard: true},
		{name: "a callee after the robot", line: mix(echo, afterRobot), ref: true, wantHeard: true},
		{name: "a quieter voice over the robot, no echo", line: quieter(other, 10), ref: true, wantHeard: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := New(Config{})
			c.RobotSays("здравствуйте это робот")
			for i := 0; i+evalFrame <= len(tc.line); i += evalFrame {
				if tc.ref {
					c.RobotFrame(robot[i : i+evalFrame])
				}
				c.Frame(tc.line[i:i+evalFrame], i < 3*SampleRate)
				if c.decision != nil {
					break
				}
			}
			gotEcho := c.echoFrames > 0 && !c.heardSpeech
			if gotEcho != tc.wantEcho {
				t.Errorf("echo frames %d, heard speech %v: want all echo %v", c.echoFrames, c.heardSpeech, tc.wantEcho)
			}
			if c.heardSpeech != tc.wantHeard {
				t.Errorf("heard speech %v, want %v (echo frames %d)", c.heardSpeech, tc.wantHeard, c.echoFrames)
			}
		})
	}
}
