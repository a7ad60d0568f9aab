package media

import (
	"testing"
	"time"
)

// TestLatenessPastTheFineRange: latenesses past 64 ms land in 16 ms buckets
// up to Top, and the quantiles and the maximum read them there; a merge
// keeps them.
func TestLatenessPastTheFineRange(t *testing.T) {
	var h LatenessHistogram
	for range 90 {
		h.Add(5 * time.Millisecond)
	}
	for range 9 {
		h.Add(200 * time.Millisecond)
	}
	h.Add(3 * time.Second)
	var m LatenessHistogram
	m.Merge(&h)
	for _, x := range []*LatenessHistogram{&h, &m} {
		if got := x.Quantile(0.5); got != 5250*time.Microsecond {
			t.Errorf("p50 %v, want 5.25ms", got)
		}
		if got := x.Quantile(0.95); got != 208*time.Millisecond {
			t.Errorf("p95 %v, want 208ms (the 16 ms bucket from 192 ms)", got)
		}
		if got := x.Quantile(0.995); got != Top {
			t.Errorf("p99.5 %v, want %v (the open top)", got, Top)
		}
		if got := x.Max(); got != Top {
			t.Errorf("max %v, want %v", got, Top)
		}
		if x.Buckets[len(x.Buckets)-1] != 10 || x.N != 100 {
			t.Errorf("last fine bucket %d, N %d: want 10 and 100", x.Buckets[len(x.Buckets)-1], x.N)
		}
	}
}
