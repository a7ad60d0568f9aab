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

// TestHighPassSilenceShortcut checks the at-rest shortcut on digital
// silence against the plain recursion, frame by frame, through sound,
// its decay, silence and sound again.
func TestHighPassSilenceShortcut(t *testing.T) {
	ref := func(h *HighPass, frame []int16) []float64 {
		out := make([]float64, 0, len(frame))
		for _, v := range frame {
			x := float64(v)
			y := h.b0*x + h.b1*h.x1 + h.b2*h.x2 - h.a1*h.y1 - h.a2*h.y2
			h.x2, h.x1 = h.x1, x
			h.y2, h.y1 = h.y1, y
			out = append(out, y)
		}
		if math.Abs(h.x1)+math.Abs(h.x2)+math.Abs(h.y1)+math.Abs(h.y2) < 1e-9 {
			h.x1, h.x2, h.y1, h.y2 = 0, 0, 0, 0
		}
		return out
	}
	loud := make([]int16, 160)
	for i := range loud {
		loud[i] = int16(10000 * math.Sin(float64(i)))
	}
	quiet := make([]int16, 160)
	click := make([]int16, 160)
	click[159] = 1
	var frames [][]int16
	frames = append(frames, quiet, quiet, loud)
	for range 200 { // long enough for the state to decay to rest
		frames = append(frames, quiet)
	}
	frames = append(frames, click, quiet, loud, quiet)
	got, want := NewHighPass(200, 8000), NewHighPass(200, 8000)
	var out []float64
	for i, f := range frames {
		out = got.Filter(f, out)
		w := ref(want, f)
		if len(out) != len(w) {
			t.Fatalf("frame %d: %d samples out, want %d", i, len(out), len(w))
		}
		for k := range w {
			if out[k] != w[k] {
				t.Fatalf("frame %d sample %d: %v, the recursion gives %v", i, k, out[k], w[k])
			}
		}
		if *got != *want {
			t.Fatalf("frame %d: state %+v, the recursion leaves %+v", i, *got, *want)
		}
	}
}
