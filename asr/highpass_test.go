package asr

import (
	"math"
	"testing"
)

func TestHighPass(t *testing.T) {
	level := func(hz float64) float64 {
		h := NewHighPass(200, 8000)
		in := make([]int16, 8000)
		for i := range in {
			in[i] = int16(10000 * math.Sin(2*math.Pi*hz*float64(i)/8000))
		}
		out := h.Filter(in, nil)
		var sum float64
		for _, v := range out[4000:] { // after the filter settles
			sum += v * v
		}
		return 10 * math.Log10(sum/4000/(10000*10000/2))
	}
	tests := []struct {
		hz       float64
		min, max float64 // dB of gain
	}{
		{50, -30, -20}, // rumble: 12 dB/octave below the cut-off
		{100, -15, -10},
		{200, -4, -2},     // -3 dB at the cut-off
		{425, -1, 0.1},    // call-progress tone kept
		{1000, -0.1, 0.1}, // speech band untouched
		{3000, -0.1, 0.1},
	}
	for _, tt := range tests {
		if g := level(tt.hz); g < tt.min || g > tt.max {
			t.Errorf("%v Hz: gain %.1f dB, want %v..%v", tt.hz, g, tt.min, tt.max)
		}
	}
}

// BenchmarkHighPassSilence: the filter on silent frames after sound, where
// an unflushed state decays through subnormal floats.
func BenchmarkHighPassSilence(b *testing.B) {
	h := NewHighPass(200, 8000)
	loud := make([]int16, 160)
	for i := range loud {
		loud[i] = int16(10000 * math.Sin(float64(i)))
	}
	out := h.Filter(loud, nil)
	quiet := make([]int16, 160)
	for b.Loop() {
		out = h.Filter(quiet, out)
	}
}
