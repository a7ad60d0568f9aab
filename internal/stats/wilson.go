package stats

import "math"

// Wilson is the 95 % Wilson score interval of k successes in n trials: it
// stays inside [0, 1] and is honest at 100 % on a few dozen cases, where
// the normal approximation claims certainty. With no trials nothing is
// known: [0, 1].
func Wilson(k, n int) (lo, hi float64) {
	if n <= 0 {
		return 0, 1
	}
	const z = 1.959963984540054
	p, nf := float64(k)/float64(n), float64(n)
	den := 1 + z*z/nf
	mid := (p + z*z/(2*nf)) / den
	half := z * math.Sqrt(p*(1-p)/nf+z*z/(4*nf*nf)) / den
	return max(0, mid-half), min(1, mid+half)
}
