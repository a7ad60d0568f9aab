package detect

import (
	"math"
	"testing"
	"time"
)

// quieter returns s attenuated by db decibels: a voice further from the
// phone than the callee's.
func quieter(s []int16, db float64) []int16 {
	g := math.Pow(10, -db/20)
	out := make([]int16, len(s))
	for i, x := range s {
		out[i] = int16(float64(x) * g)
	}
	return out
}

// Issue 16, round 3: people who name themselves first and people with a
// room talking behind them are persons; a monologue of a recording is still
// not one, before its class is known. Times are audio time since answer.
func TestSelfIntroductionAndBackgroundTalk(t *testing.T) {
	t.Parallel()
	ms := time.Millisecond
	room := quieter(newSignal().speech(4*time.Second).s, 18)
	answerOverRoom := append(newSignal().silence(400*ms).speech(time.Second).s, room...)
	tests := []struct {
		name     string
		answered []int16
		texts    []textAt
		want     Class
		notHuman time.Duration // the first verdict is "not a person" by then (0: not checked)
		maxAt    time.Duration // the person verdict by then (0: not checked)
	}{
		{
			// 1.8 s of talk, the answering word last: no cue, three words
			// before it — a workplace and a name, not a recording
			name:     "workplace and name first, the answering word last",
			answered: newSignal().silence(400 * ms).speech(1800 * ms).silence(3 * time.Second).s,
			texts: []textAt{{1200 * ms, "отдел кадров", false}, {1900 * ms, "отдел кадров смирнова", false},
				{2500 * ms, "отдел кадров смирнова слушаю", true}},
			want: Human,
		},
		{
			// a short answer, then a room talking 18 dB under it: the
			// nearest voice has paused, the line has not
			name:     "a name over a room talking",
			answered: answerOverRoom,
			texts:    []textAt{{1100 * ms, "склад", false}, {1600 * ms, "склад белов", false}},
			want:     Human,
			maxAt:    2500 * ms,
		},
		{
			// four words that are not answering the phone by 1.8 s, talk
			// going on: a recording, decided before its class
			name:     "an uncued monologue",
			answered: newSignal().silence(300 * ms).speech(4 * time.Second).s,
			texts: []textAt{{1200 * ms, "добро пожаловать", false}, {1800 * ms, "добро пожаловать в компанию", false},
				{4000 * ms, "добро пожаловать в компанию ромашка оставьте сообщение", false}},
			want:     Machine,
			notHuman: 2000 * ms,
		},
		{
			// two words that are not answering the phone, and the voice
			// talks on without a pause past longMonologueTalk (a name and
			// patronymic over a television ran to 2.2 s)
			name:     "a monologue with few words recognised",
			answered: newSignal().silence(300 * ms).speech(4 * time.Second).s,
			texts: []textAt{{1500 * ms, "компания", false}, {2200 * ms, "компания ромашка", false},
				{4000 * ms, "компания ромашка оставьте сообщение", false}},
			want:     Machine,
			notHuman: 3000 * ms,
		},
		{
			// three such words by monologueTalk are enough at once
			name:     "a monologue with three words recognised",
			answered: newSignal().silence(300 * ms).speech(4 * time.Second).s,
			texts: []textAt{{1500 * ms, "компания", false}, {2200 * ms, "компания ромашка приветствует", false},
				{4000 * ms, "компания ромашка приветствует вас оставьте сообщение", false}},
			want:     Machine,
			notHuman: 2600 * ms,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			first, d := feed(t, tt.answered, "", 0, tt.texts)
			if d.Class != tt.want {
				t.Errorf("decision %s at %v, want %s; %q", d.Class, d.At, tt.want, d.Evidence)
			}
			if tt.maxAt > 0 && d.At > tt.maxAt {
				t.Errorf("decided at %v, want by %v; %q", d.At, tt.maxAt, d.Evidence)
			}
			if tt.notHuman > 0 && (first.Class == Human || first.At > tt.notHuman) {
				t.Errorf("first verdict %s at %v, want not a person by %v; %q", first.Class, first.At, tt.notHuman, first.Evidence)
			}
		})
	}
}

// TestForegroundFollowsTheNearestVoice: a louder voice after a faint one
// restarts the stretch (the faint one was the robot's echo or the room), and
// a faint voice after a loud one does not lengthen the loud one's talk.
func TestForegroundFollowsTheNearestVoice(t *testing.T) {
	ms := time.Millisecond
	var f foreground
	step := 20 * ms
	at := 0 * ms
	talk := func(d time.Duration, level float64) {
		for end := at + d; at < end; {
			at += step
			f.push(at, step, level)
		}
	}
	talk(800*ms, -45) // the robot's echo, faint
	talk(600*ms, -20) // the callee, 25 dB louder
	if f.longest != 600*ms || f.start != 800*ms {
		t.Fatalf("after a louder voice: stretch from %v, longest %v; want from 800ms, 600ms", f.start, f.longest)
	}
	talk(2*time.Second, -38) // the room under the callee
	if f.longest != 600*ms || f.last != 1400*ms {
		t.Errorf("faint talk after the callee: longest %v, last %v; want 600ms, 1.4s", f.longest, f.last)
	}
}
