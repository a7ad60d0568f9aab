package detect

import "math"

// A voice's vowels are periodic at its pitch; line noise is not. Crackle,
// wind, rain, a fan, packet-loss bursts and comfort-noise steps lift frames
// over the noise floor as a voice does, but none of them repeats itself every
// 2.5-12.5 ms. The first difference of the frame is used: it whitens the
// low-frequency noises (brown, pink, rumble) whose plain autocorrelation
// stays high at every short lag, and keeps a vowel's period.
const (
	pitchMinLag     = SampleRate / 400 // 400 Hz
	pitchMaxLag     = SampleRate / 80  // 80 Hz
	pitchCorrMin    = 0.5              // normalised autocorrelation at the period
	pitchMinOverlap = 60               // samples
)

// voicePitch reports whether a frame has a voice's pitch: the normalised
// autocorrelation of its first difference has a local peak of at least
// pitchCorrMin at a lag of an 80-400 Hz period, the lag overlapping at least
// pitchMinOverlap samples (a 20 ms frame reaches about 82 Hz). Shorter frames
// report false.
func voicePitch(frame []int16) bool {
	n := len(frame) - 1
	maxLag := min(pitchMaxLag, n-pitchMinOverlap)
	if maxLag <= pitchMinLag {
		return false
	}
	// d is the first difference, computed in place (no allocation per
	// frame: this runs on every speech frame of every call)
	d := func(i int) float64 { return float64(frame[i+1]) - float64(frame[i]) }
	corr := func(lag int) float64 {
		var xy, xx, yy float64
		for i := 0; i+lag < n; i++ {
			x, y := d(i), d(i+lag)
			xy += x * y
			xx += x * x
			yy += y * y
		}
		if xx == 0 || yy == 0 {
			return 0
		}
		return xy / math.Sqrt(xx*yy)
	}
	prev, cur := corr(pitchMinLag-1), corr(pitchMinLag)
	for lag := pitchMinLag; lag < maxLag; lag++ {
		next := corr(lag + 1)
		if cur >= pitchCorrMin && cur > prev && cur >= next {
			return true
		}
		prev, cur = cur, next
	}
	return false
}
