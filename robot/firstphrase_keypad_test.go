package robot

import (
	"log/slog"
	"testing"

	"github.com/dozvon/dozvon/detect"
)

// TestFirstPhraseKeypadCaller: a callee who answers the robot with a key
// and then waits in silence (a keypad campaign, the ask's own timeout
// running) is a person, and the dialogue goes on; the same quiet line with
// no key is stopped as silence. Before keys reached first-phrase detection,
// the keypad caller was hung up on as silence 6 s into the robot's quiet.
func TestFirstPhraseKeypadCaller(t *testing.T) {
	tests := []struct {
		name    string
		key     bool
		stopped bool
		verdict detect.Class
	}{
		{"a key, then quiet", true, false, detect.Human},
		{"quiet, no key", false, true, detect.Silence},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stops := 0
			fp := newFirstPhrase(FirstPhraseConfig{}, NonHumanPolicy{}, fpVars, func() { stops++ }, slog.New(slog.DiscardHandler))
			feedFrames(fp, make([]int16, 2*detect.SampleRate), true) // the robot's greeting and question
			if tt.key {
				fp.keypad()
			}
			feedFrames(fp, make([]int16, 10*detect.SampleRate), false) // the callee waits: 10 s of quiet line
			stop, dec, _ := fp.finish()
			if (stop != nil) != tt.stopped || (stops > 0) != tt.stopped {
				t.Errorf("stopped: %+v (%d cancels), want %v", stop, stops, tt.stopped)
			}
			if dec == nil || !dec.Settled || dec.Class != tt.verdict {
				t.Fatalf("verdict %+v, want %s", dec, tt.verdict)
			}
		})
	}
}
