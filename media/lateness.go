package media

import "time"

// LatenessHistogram counts how late frames left against the media clock (or
// any other small duration, such as arrival jitter), in 250 µs buckets up to
// 64 ms (the last bucket holds everything later). It is a fixed array so that
// adding to it in the media loop never allocates.
type LatenessHistogram struct {
	Buckets [257]int64
	N       int64
	// Over splits the last bucket (64 ms or later) into 16 ms buckets up to
	// 1,024 ms (its last holds everything later), so that a quantile past
	// 64 ms on a saturated box is a figure, not just "≥ 64 ms".
	Over [OverBuckets]int64
}

const latenessBucket = 250 * time.Microsecond

// OverBuckets, OverStart and OverBucket lay out LatenessHistogram.Over.
const (
	OverBuckets = 60
	OverStart   = 64 * time.Millisecond
	OverBucket  = 16 * time.Millisecond
)

// Top is the upper edge of Over's last bucket: a quantile there reads
// "this or later".
const Top = OverStart + OverBuckets*OverBucket

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
	if i == len(h.Buckets)-1 {
		h.Over[min(int((d-OverStart)/OverBucket), OverBuckets-1)]++
	}
}

// Merge adds another histogram's counts.
func (h *LatenessHistogram) Merge(o *LatenessHistogram) {
	for i, v := range o.Buckets {
		h.Buckets[i] += v
	}
	for i, v := range o.Over {
		h.Over[i] += v
	}
	h.N += o.N
}

// Quantile returns the upper edge of the bucket holding quantile q (0..1):
// past 64 ms, of Over's 16 ms bucket (Top when it is the last, which is
// open).
func (h *LatenessHistogram) Quantile(q float64) time.Duration {
	if h.N == 0 {
		return 0
	}
	target := int64(q * float64(h.N))
	var acc int64
	last := len(h.Buckets) - 1
	for i, v := range h.Buckets[:last] {
		acc += v
		if acc > target {
			return time.Duration(i+1) * latenessBucket
		}
	}
	for j, v := range h.Over {
		acc += v
		if acc > target {
			return OverStart + time.Duration(j+1)*OverBucket
		}
	}
	// histograms from before Over was kept count only in the last bucket
	return time.Duration(len(h.Buckets)) * latenessBucket
}

// Max returns the upper edge of the highest non-empty bucket (0 when
// empty), past 64 ms that of Over's bucket.
func (h *LatenessHistogram) Max() time.Duration {
	for j := len(h.Over) - 1; j >= 0; j-- {
		if h.Over[j] > 0 {
			return OverStart + time.Duration(j+1)*OverBucket
		}
	}
	for i := len(h.Buckets) - 1; i >= 0; i-- {
		if h.Buckets[i] > 0 {
			return time.Duration(i+1) * latenessBucket
		}
	}
	return 0
}
