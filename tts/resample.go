package tts

import "math"

// This file holds a hand-written windowed-sinc resampler. No maintained
// pure-Go resampler is available as a module here (the known one, zaf/resample,
// needs cgo and libsoxr), and the cache path must not fork sox for every
// phrase. A polyphase Blackman-windowed sinc with the cut-off below the lower
// Nyquist frequency is the textbook band-limited method: it removes the
// 4–11 kHz band of a 22.05 kHz synthesiser instead of folding it into the
// telephone band the way linear interpolation would.

const (
	// sincZeroCrossings is the number of sinc zero crossings on each side of
	// the kernel centre; 8 gives ~70 dB stop-band with a Blackman window.
	sincZeroCrossings = 8
	// cutoffMargin places the cut-off a little below Nyquist to leave room
	// for the transition band.
	cutoffMargin = 0.92
	// maxPrecomputedPhases bounds the polyphase table; rate pairs with a
	// larger reduced ratio compute the kernel per output sample instead.
	maxPrecomputedPhases = 4096
)

// resample converts mono PCM from inRate to outRate. It returns a new slice;
// in is not modified.
func resample(in []int16, inRate, outRate int) []int16 {
	if inRate == outRate || len(in) == 0 {
		return append([]int16(nil), in...)
	}
	g := gcd(inRate, outRate)
	up, down := outRate/g, inRate/g // output step is down/up input samples

	// Cut-off in cycles per input sample: below the lower of the two Nyquists.
	fc := 0.5 * cutoffMargin
	if outRate < inRate {
		fc *= float64(outRate) / float64(inRate)
	}
	half := int(math.Ceil(sincZeroCrossings / (2 * fc))) // taps each side
	taps := 2 * half

	kernel := func(phase int, w []float64) {
		frac := float64(phase) / float64(up)
		sum := 0.0
		for d := 0; d < taps; d++ {
			// input index offset relative to floor(t): -half+1 … half
			x := frac - float64(d-half+1)
			v := 2 * fc * sinc(2*fc*x) * blackman(x, float64(half))
			w[d] = v
			sum += v
		}
		if sum != 0 {
			for d := range w {
				w[d] /= sum
			}
		}
	}

	var table [][]float64
	if up <= maxPrecomputedPhases {
		table = make([][]float64, up)
		for p := range table {
			table[p] = make([]float64, taps)
			kernel(p, table[p])
		}
	}
	scratch := make([]float64, taps)

	n := int((int64(len(in))*int64(up) + int64(down) - 1) / int64(down))
	out := make([]int16, n)
	for j := range out {
		pos := int64(j) * int64(down)
		i := int(pos / int64(up))
		p := int(pos % int64(up))
		w := scratch
		if table != nil {
			w = table[p]
		} else {
			kernel(p, w)
		}
		acc := 0.0
		base := i - half + 1
		for d, wd := range w {
			k := base + d
			if k < 0 || k >= len(in) {
				continue
			}
			acc += wd * float64(in[k])
		}
		out[j] = clip16(acc)
	}
	return out
}

func sinc(x float64) float64 {
	if x == 0 {
		return 1
	}
	return math.Sin(math.Pi*x) / (math.Pi * x)
}

// blackman is the Blackman window centred on 0 with half-width half.
func blackman(x, half float64) float64 {
	if x <= -half || x >= half {
		return 0
	}
	t := (x + half) / (2 * half) // 0..1
	return 0.42 - 0.5*math.Cos(2*math.Pi*t) + 0.08*math.Cos(4*math.Pi*t)
}

func clip16(v float64) int16 {
	v = math.Round(v)
	switch {
	case v > math.MaxInt16:
		return math.MaxInt16
	case v < math.MinInt16:
		return math.MinInt16
	}
	return int16(v)
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}
