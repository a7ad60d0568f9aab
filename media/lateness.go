package media

import "time"

// LatenessHistogram counts how late frames left against the media clock (or
// any other small duration, such as arrival jitter), in 250 µs buckets up to
// 64 ms (the last bucket holds everything later). It is a fixed array so that
// adding to it in the media loop never allocates.
type LatenessHistogram struct {
	Buckets [257]int64
	N       int64
}

const latenessBucket = 250 * time.Microsecond

// Add records one lateness; a negative one counts as zero.
func (h *LatenessHistogram) Add(d time.Duration) {
	if d < 0 {
		d = 0
	}
	i := int(d / latenessBucket)
	if i >= len(h.Buckets) {
		i = len(h.Buckets) - 1
	}
	h.Buckets[i]++
	h.N++
}

// Merge adds another histogram's counts.
func (h *LatenessHistogram) Merge(o *LatenessHistogram) {
	for i, v := range o.Buckets {
		h.Buckets[i] += v
	}
	h.N += o.N
}

// Quantile returns the upper edge of the bucket holding quantile q (0..1).
func (h *LatenessHistogram) Quantile(q float64) time.Duration {
	if h.N == 0 {
		return 0
	}
	target := int64(q * float64(h.N))
	var acc int64
	for i, v := range h.Buckets {
		acc += v
		if acc > target {
			return time.Duration(i+1) * latenessBucket
		}
	}
	return time.Duration(len(h.Buckets)) * latenessBucket
}
