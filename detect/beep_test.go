package detect

import (
	"math"
	"testing"
	"time"
)

func TestBeepDetector(t *testing.T) {
	tests := []struct {
		name  string
		audio []int16
		want  bool
	}{
		{"greeting then a 1 kHz beep", newSignal().speech(time.Second).silence(300*time.Millisecond).tone(1000, 400*time.Millisecond).silence(400 * time.Millisecond).s, true},
		{"speech only", newSignal().speech(2 * time.Second).silence(300 * time.Millisecond).s, false},
		{"425 Hz ringback is not a beep", newSignal().tone(425, time.Second).silence(300 * time.Millisecond).s, false},
		{"silence", newSignal().silence(time.Second).s, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := NewBeepDetector()
			var got bool
			for i := 0; i+evalFrame <= len(tt.audio); i += evalFrame {
				got = b.Frame(tt.audio[i : i+evalFrame])
			}
			if got != tt.want {
				t.Errorf("beep heard = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestHarmonicVoiceIsNoBeep (round 11): a vowel whose 3rd harmonic holds
// most of the energy (503 Hz over a 168 Hz pitch, as a muffled handset
// leaves it) is a voice's, with neighbours at 335 and 671 Hz; a pure tone,
// and two unrelated tones (a DTMF key), are not.
func TestHarmonicVoiceIsNoBeep(t *testing.T) {
	frame := func(parts ...[2]float64) []int16 {
		out := make([]int16, evalFrame)
		for i := range out {
			var v float64
			for _, p := range parts {
				v += p[1] * math.Sin(2*math.Pi*p[0]*float64(i)/SampleRate+p[0])
			}
			out[i] = int16(v)
		}
		return out
	}
	tests := []struct {
		name  string
		frame []int16
		f     float64
		want  bool
	}{
		{"pure 503 Hz tone", frame([2]float64{503, 8000}), 503, false},
		{"vowel: 503 Hz the 3rd harmonic of 168 Hz", frame([2]float64{168, 600}, [2]float64{335, 1500}, [2]float64{503, 8000}, [2]float64{671, 1500}, [2]float64{838, 700}), 503, true},
		{"DTMF 5: 770 and 1336 Hz", frame([2]float64{770, 6000}, [2]float64{1336, 6000}), 770, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := harmonicVoice(tt.frame, tt.f); got != tt.want {
				t.Errorf("harmonicVoice = %v, want %v", got, tt.want)
			}
		})
	}
	// and the tracker: a held vowel of 400 ms is no beep
	var s []int16
	for range 20 {
		s = append(s, frame([2]float64{168, 600}, [2]float64{335, 1500}, [2]float64{503, 8000}, [2]float64{671, 1500})...)
	}
	s = append(s, make([]int16, SampleRate/2)...)
	b := NewBeepDetector()
	for i := 0; i+evalFrame <= len(s); i += evalFrame {
		if b.Frame(s[i : i+evalFrame]) {
			t.Fatal("a held vowel (503 Hz, the 3rd harmonic of 168 Hz) was heard as a beep")
		}
	}
}
