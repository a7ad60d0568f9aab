package stats

import (
	"math"
	"time"
)

// Percentile is the nearest-rank percentile p (0–100) of sorted durations
// (0 for none).
func Percentile(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(math.Ceil(float64(p) / 100 * float64(len(sorted))))
	return sorted[max(rank, 1)-1]
}
