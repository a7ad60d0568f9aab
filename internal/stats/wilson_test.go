package stats

import (
	"math"
	"testing"
)

func TestWilson(t *testing.T) {
	t.Parallel()
	tests := []struct {
		k, n   int
		lo, hi float64
	}{
		{0, 0, 0, 1},
		{10, 10, 0.7225, 1},
		{5, 10, 0.2366, 0.7634},
		{68, 73, 0.8490, 0.9703},
		{0, 20, 0, 0.1611},
		{81, 100, 0.7222, 0.8749},
	}
	for _, tc := range tests {
		lo, hi := Wilson(tc.k, tc.n)
		if math.Abs(lo-tc.lo) > 5e-4 || math.Abs(hi-tc.hi) > 5e-4 {
			t.Errorf("Wilson(%d, %d) = %.4f–%.4f, want %.4f–%.4f", tc.k, tc.n, lo, hi, tc.lo, tc.hi)
		}
	}
}
