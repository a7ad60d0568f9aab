package robot

import (
	"log/slog"
	"testing"
	"time"

	"github.com/dozvon/dozvon/detect"
)

// TestEchoOfTheRobotIsNotTheCallee: a line that only returns the robot's
// own greeting (12 dB down, 120 ms late) and is otherwise quiet is a silent
// line once the call reports what it sends (sent, the SentHandler); the
// same line without the reference is not called silent, as the echo sounds
// like a voice over the robot.
func TestEchoOfTheRobotIsNotTheCallee(t *testing.T) {
	const frame = detect.SampleRate / 50
	greeting := voiceLike(4 * time.Second)
	delay := 6 * frame // 120 ms
	echo := make([]int16, len(greeting)+delay)
	for i, s := range greeting {
		echo[i+delay] = s / 4 // -12 dB
	}
	run := func(wired bool) *detect.Decision {
		fp := newFirstPhrase(FirstPhraseConfig{}, NonHumanPolicy{}, nil, func() {}, slog.New(slog.DiscardHandler))
		silence := make([]int16, frame)
		for i := 0; i < 600; i++ { // 4 s of greeting, then 8 s of quiet
			out, in := silence, silence
			if i*frame+frame <= len(greeting) {
				out = greeting[i*frame : i*frame+frame]
			}
			if i*frame+frame <= len(echo) {
				in = echo[i*frame : i*frame+frame]
			}
			if wired {
				fp.sent(out)
			}
			fp.frame(in, 0, i*frame < len(greeting))
		}
		_, dec, _ := fp.finish()
		return dec
	}
	if dec := run(true); dec == nil || dec.Class != detect.Silence {
		t.Fatalf("with the reference: decision %+v, want silence (the line only echoed the robot)", dec)
	}
	if dec := run(false); dec != nil && dec.Class == detect.Silence {
		t.Fatalf("without the reference the echo line was already silence (%+v): the test shows nothing", dec)
	}
}
