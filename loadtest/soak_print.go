package loadtest

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// SoakSummary is the run's verdict: how far each wave's memory moved from
// the first wave's (the goal is flat within 10 %).
type SoakSummary struct {
	Waves            []WaveFigures `json:"waves"`
	HeapLiveGrowth   float64       `json:"heap_live_growth_pct"` // last wave vs first
	RSSGrowth        float64       `json:"rss_growth_pct"`       // last wave vs first
	RSSMaxGrowth     float64       `json:"rss_max_growth_pct"`   // worst wave vs first
	CallsFailed      int           `json:"calls_failed"`
	CallsAnswered    int           `json:"calls_answered"`
	SippCallerFailed int           `json:"sipp_callers_with_failures"`
}

// Summarise compares every wave with the first.
func Summarise(waves []WaveFigures) SoakSummary {
	s := SoakSummary{Waves: waves}
	if len(waves) == 0 {
		return s
	}
	first, last := waves[0], waves[len(waves)-1]
	s.HeapLiveGrowth = growth(first.HeapLiveMiB, last.HeapLiveMiB)
	s.RSSGrowth = growth(first.RSSMiB, last.RSSMiB)
	for _, w := range waves {
		s.RSSMaxGrowth = max(s.RSSMaxGrowth, growth(first.RSSMiB, w.RSSMiB))
		for _, l := range w.Legs {
			s.CallsFailed += l.Failed
			s.CallsAnswered += l.Answered
			if l.SippExit > 0 {
				s.SippCallerFailed++
			}
		}
	}
	return s
}

func growth(from, to float64) float64 {
	if from <= 0 {
		return 0
	}
	return 100 * (to - from) / from
}

// WriteSoak prints the waves as a table (or JSON) and the growth verdict.
func WriteSoak(w io.Writer, o SoakOptions, waves []WaveFigures) error {
	s := Summarise(waves)
	if o.JSON {
		return json.NewEncoder(w).Encode(s)
	}
	fmt.Fprintf(w, "soak: %d waves × %d calls per leg (%s), %d/s, ≤%d at once per leg, %v each, %v idle before measuring\n",
		o.Waves, o.Calls, strings.Join(o.Legs, ", "), o.Rate, o.Concurrent, o.Hold, o.Idle)
	fmt.Fprintln(w, "wave  answered  failed  wall s  heap live MiB  heap in use MiB  heap sys MiB  RSS MiB  goroutines")
	for _, wf := range waves {
		ans, failed := 0, 0
		for _, l := range wf.Legs {
			ans, failed = ans+l.Answered, failed+l.Failed
		}
		fmt.Fprintf(w, "%4d  %8d  %6d  %6.1f  %13.1f  %15.1f  %12.1f  %7.1f  %10d\n",
			wf.Wave, ans, failed, wf.WallSeconds, wf.HeapLiveMiB, wf.HeapInuseMiB, wf.HeapSysMiB, wf.RSSMiB, wf.Goroutines)
	}
	for _, wf := range waves {
		var legs []string
		for _, l := range wf.Legs {
			leg := fmt.Sprintf("%s %d/%d (sipp exit %d, longest %.1f s)", l.Leg, l.Answered, l.Calls, l.SippExit, l.LongestS)
			if l.Error != "" {
				leg += " first failure: " + l.Error
			}
			legs = append(legs, leg)
		}
		fmt.Fprintf(w, "wave %d legs: %s\n", wf.Wave, strings.Join(legs, "; "))
	}
	fmt.Fprintf(w, "growth after wave 1: heap live %+.1f %%, RSS %+.1f %% (worst wave %+.1f %%); goal: flat within 10 %%\n",
		s.HeapLiveGrowth, s.RSSGrowth, s.RSSMaxGrowth)
	return nil
}
