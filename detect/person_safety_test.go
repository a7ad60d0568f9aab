package detect

import (
	"testing"
	"time"
)

// Issue 16: uncertainty resolves to a person, and the verdict on a person
// does not wait for a pause that may never come. Times are audio time since
// answer, so these checks do not depend on the machine.
func TestUncertaintyResolvesToAPerson(t *testing.T) {
	t.Parallel()
	ms := time.Millisecond
	tests := []struct {
		name     string
		answered []int16
		texts    []textAt
		want     Class
		maxAt    time.Duration // 0: not checked
	}{
		{
			// a rude question back said in one breath: 1.7 s of talk and no
			// answering word until its last one ("кто … звонит")
			name:     "question back",
			answered: newSignal().silence(300 * ms).speech(1700 * ms).silence(3 * time.Second).s,
			texts:    []textAt{{900 * ms, "ну кто", false}, {1600 * ms, "ну кто там опять", false}, {2700 * ms, "ну кто там опять звонит", true}},
			want:     Human,
		},
		{
			// "алло… слушаю" with a relative talking in the room: the line
			// never falls quiet, the words are all a person's
			name:     "answer over background talk",
			answered: newSignal().silence(400 * ms).speech(4 * time.Second).silence(2 * time.Second).s,
			texts:    []textAt{{900 * ms, "алло", false}, {1800 * ms, "алло слушаю", false}},
			want:     Human,
			maxAt:    2500 * ms,
		},
		{
			// words the recognizer found where the level test heard
			// nothing (a clipped or reverberant line): a callee, not a
			// silent line
			name:     "words without detected speech",
			answered: newSignal().silence(6 * time.Second).s,
			texts:    []textAt{{1200 * ms, "алло", false}, {1800 * ms, "алло да говорите же", true}},
			want:     Human,
			maxAt:    2500 * ms,
		},
		{
			// a click or a syllable of echo, nothing recognised: no greeting
			name:     "blip",
			answered: newSignal().silence(400 * ms).speech(80 * ms).silence(5 * time.Second).s,
			want:     Silence,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := run(t, nil, tt.answered, tt.texts)
			if d.Class != tt.want {
				t.Errorf("decision %s at %v, want %s; %q", d.Class, d.At, tt.want, d.Evidence)
			}
			if tt.maxAt > 0 && d.At > tt.maxAt {
				t.Errorf("decided at %v, want by %v; %q", d.At, tt.maxAt, d.Evidence)
			}
		})
	}
}
