package robot

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/dozvon/dozvon/asr"
	"github.com/dozvon/dozvon/detect"
	"github.com/dozvon/dozvon/telephony"
)

// fixedTextRecognizer is a test double: every stream's final result is text.
type fixedTextRecognizer struct{ text string }

func (r fixedTextRecognizer) NewStream(context.Context, asr.StreamConfig) (asr.Stream, error) {
	return &fixedTextStream{text: r.text}, nil
}

type fixedTextStream struct {
	text string
	fed  int
}

func (s *fixedTextStream) Accept(pcm []int16) error { s.fed += len(pcm); return nil }
func (s *fixedTextStream) Partial() (string, error) { return "", nil }
func (s *fixedTextStream) Final() (asr.Result, error) {
	if s.fed == 0 {
		return asr.Result{}, nil
	}
	return asr.Result{Text: s.text}, nil
}
func (s *fixedTextStream) Close() error { return nil }

func toneOf(hz float64, d time.Duration) []int16 {
	out := make([]int16, int(d*detect.SampleRate/time.Second))
	for i := range out {
		out[i] = int16(6000 * math.Sin(2*math.Pi*hz*float64(i)/detect.SampleRate))
	}
	return out
}

func TestEarlyAnnouncement(t *testing.T) {
	ms := time.Millisecond
	quiet := make([]int16, detect.SampleRate)
	sit := append(append(append(append([]int16{}, quiet...), toneOf(913.8, 274*ms)...), toneOf(1370.6, 274*ms)...), toneOf(1776.7, 380*ms)...)
	sit = append(sit, voiceLike(2*time.Second)...)
	ringback := append(append(toneOf(425, time.Second), quiet...), quiet...)
	speechOnly := append(append([]int16{}, quiet[:4000]...), voiceLike(3*time.Second)...)
	tests := []struct {
		name string
		info telephony.DialInfo
		rec  asr.Recognizer
		want bool
	}{
		{"SIT tones, ring timeout", telephony.DialInfo{Result: telephony.NoAnswer, EarlyAudio: sit}, nil, true},
		{"carrier words, no SIT, recognised", telephony.DialInfo{Result: telephony.NoAnswer, EarlyAudio: speechOnly},
			fixedTextRecognizer{"аппарат абонента выключен или находится вне зоны действия сети"}, true},
		{"the same audio without a recognizer", telephony.DialInfo{Result: telephony.NoAnswer, EarlyAudio: speechOnly}, nil, false},
		{"music instead of ringback", telephony.DialInfo{Result: telephony.NoAnswer, EarlyAudio: speechOnly}, fixedTextRecognizer{"ля ля ля"}, false},
		{"ringback only", telephony.DialInfo{Result: telephony.NoAnswer, EarlyAudio: ringback}, nil, false},
		{"busy says more than the audio", telephony.DialInfo{Result: telephony.Busy, EarlyAudio: sit}, nil, false},
		{"no early media", telephony.DialInfo{Result: telephony.NoAnswer}, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, ok := EarlyAnnouncement(t.Context(), tt.info, tt.rec)
			if ok != tt.want {
				t.Fatalf("announcement = %v (%+v), want %v", ok, d, tt.want)
			}
			if ok && (d.Class != detect.Announcement || len(d.Evidence) == 0) {
				t.Errorf("decision %+v, want an announcement with evidence", d)
			}
		})
	}
}
