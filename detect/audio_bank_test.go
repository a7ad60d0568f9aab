package detect

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"
)

// TestStrongestMatchesGoertzelBank checks that the FFT bank finds the same
// strongest frequency, with the same power, as the Goertzel filter bank it
// replaces, on tones on and between the bank's frequencies, noise and speech.
func TestStrongestMatchesGoertzelBank(t *testing.T) {
	tone := func(hz float64, n int) []int16 {
		out := make([]int16, n)
		for i := range out {
			out[i] = int16(8000 * math.Sin(2*math.Pi*hz*float64(i)/SampleRate))
		}
		return out
	}
	rng := rand.New(rand.NewPCG(1, 2))
	noise := make([]int16, 160)
	for i := range noise {
		noise[i] = int16(rng.IntN(4000) - 2000)
	}
	speech := newSignal().speech(time.Second).s
	cases := []struct {
		name  string
		frame []int16
	}{
		{"tone 425 Hz", tone(425, 160)},
		{"tone 1000 Hz", tone(1000, 160)},
		{"tone 1012 Hz between filters", tone(1012, 160)},
		{"tone 3390 Hz", tone(3390, 160)},
		{"tone 950 Hz, 10 ms frame", tone(950, 80)},
		{"noise", noise},
		{"speech frame", speech[4000:4160]},
		{"tone 440 Hz, 60 ms frame (Goertzel path)", tone(440, 480)},
	}
	a := newAnalyzer()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var want, wantHz float64
			for i, coeff := range a.coeffs {
				if p := goertzel(c.frame, coeff); p > want {
					want, wantHz = p, a.freqs[i]
				}
			}
			got, gotHz := a.strongest(c.frame)
			if gotHz != wantHz || math.Abs(got-want) > 1e-9*want {
				t.Fatalf("strongest = %.6g at %v Hz, the Goertzel bank says %.6g at %v Hz", got, gotHz, want, wantHz)
			}
		})
	}
}
