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
	dec := run(true)
	if dec == nil || dec.Class != detect.Silence {
		t.Fatalf("with the reference: decision %+v, want silence (the line only echoed the robot)", dec)
	}
	// no sooner than a line with no echo: the greeting, then the live
	// robot-quiet time (round 9 addendum; before, 6 s after the first echo)
	if quietBy := 4*time.Second + liveInitialSilence; dec.At < quietBy {
		t.Errorf("silence at %v, before the greeting's end plus the live quiet time (%v): %v", dec.At, quietBy, dec.Evidence)
	}
	if dec := run(false); dec != nil && dec.Class == detect.Silence {
		t.Fatalf("without the reference the echo line was already silence (%+v): the test shows nothing", dec)
	}
}

// TestEchoedLineListenerAnswersLate: on the same echoed line, a callee who
// listens to the whole greeting in silence and answers 3 s after it ends
// (within the live quiet time) is a person, not a silent line called while
// they were still listening.
func TestEchoedLineListenerAnswersLate(t *testing.T) {
	const frame = detect.SampleRate / 50
	greeting := voiceLike(4 * time.Second)
	delay := 6 * frame // 120 ms
	answerAt := 7 * detect.SampleRate
	answer := voiceLike(800 * time.Millisecond)
	line := make([]int16, 12*detect.SampleRate)
	for i, s := range greeting {
		line[i+delay] = s / 4 // -12 dB
	}
	copy(line[answerAt:], answer)
	textAt := answerAt + len(answer)
	fp := newFirstPhrase(FirstPhraseConfig{}, NonHumanPolicy{}, nil, func() {}, slog.New(slog.DiscardHandler))
	silence := make([]int16, frame)
	for i := 0; (i+1)*frame <= len(line); i++ {
		out := silence
		if i*frame+frame <= len(greeting) {
			out = greeting[i*frame : i*frame+frame]
		}
		fp.sent(out)
		fp.frame(line[i*frame:i*frame+frame], 0, i*frame < len(greeting))
		if i*frame == textAt {
			fp.text("алло", true)
		}
	}
	_, dec, _ := fp.finish()
	if dec == nil || dec.Class != detect.Human {
		t.Fatalf("decision %+v, want a person (they answered 3 s after the greeting)", dec)
	}
}
