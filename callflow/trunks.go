package callflow

import (
	"math"
	"sort"
	"sync"
	"time"

	"github.com/dozvon/dozvon/clock"
)

// TrunkPolicy is how the dialer spreads calls over the SIP trunks.
type TrunkPolicy struct {
	Name          string
	Priority      int     // lower first
	Channels      int     // simultaneous calls on this trunk (0: no limit)
	CostPerMinute float64 // roubles, recorded per call
}

// Trunks keeps the trunks' load and health: a trunk that fails Threshold
// times in a row (5xx, timeouts: failures that are the trunk's, not the
// callee's) is disabled for ProbeAfter, then gets one probe call; a success
// brings it back, a failure disables it again.
type Trunks struct {
	Threshold  int           // consecutive failures that disable a trunk (default 3)
	ProbeAfter time.Duration // how long a disabled trunk rests (default 1 min)
	clk        clock.Clock

	mu    sync.Mutex
	order []string
	t     map[string]*trunkState
}

type trunkState struct {
	TrunkPolicy
	inUse    int
	failures int
	disabled time.Time // zero: healthy; else disabled until then
	probing  bool
}

// NewTrunks returns the trunk book; clk is the clock for health (nil: the wall clock).
func NewTrunks(ts []TrunkPolicy, clk clock.Clock) *Trunks {
	k := &Trunks{Threshold: 3, ProbeAfter: time.Minute, clk: clock.Or(clk), t: map[string]*trunkState{}}
	sorted := append([]TrunkPolicy(nil), ts...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Priority < sorted[j].Priority })
	for _, p := range sorted {
		k.order = append(k.order, p.Name)
		k.t[p.Name] = &trunkState{TrunkPolicy: p}
	}
	return k
}

// Acquire takes a channel on the best usable trunk among allowed (empty: all),
// in priority order, skipping trunks at their channel limit, disabled ones,
// and the ones in tried. ok is false when none is usable.
func (k *Trunks) Acquire(allowed, tried []string) (name string, ok bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	now := k.clk.Now()
	for _, n := range k.order {
		if (len(allowed) > 0 && !contains(allowed, n)) || contains(tried, n) {
			continue
		}
		s := k.t[n]
		if s.Channels > 0 && s.inUse >= s.Channels {
			continue
		}
		if !s.disabled.IsZero() {
			if now.Before(s.disabled) || s.probing {
				continue
			}
			s.probing = true // one probe call at a time
		}
		s.inUse++
		return n, true
	}
	return "", false
}

// Release returns the channel and records how the call went on the trunk:
// trunkFault is true for failures that are the trunk's (5xx, timeout).
func (k *Trunks) Release(name string, trunkFault bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	s, ok := k.t[name]
	if !ok {
		return
	}
	s.inUse--
	s.probing = false
	if !trunkFault {
		s.failures, s.disabled = 0, time.Time{}
		return
	}
	s.failures++
	if s.failures >= k.Threshold || !s.disabled.IsZero() {
		s.disabled = k.clk.Now().Add(k.ProbeAfter)
	}
}

// Cost returns a trunk's cost per minute.
func (k *Trunks) Cost(name string) float64 {
	k.mu.Lock()
	defer k.mu.Unlock()
	if s, ok := k.t[name]; ok {
		return s.CostPerMinute
	}
	return 0
}

// CostKop is what talk time on a trunk costs, in kopecks (0 for an unknown
// trunk or no talk).
func (k *Trunks) CostKop(name string, talk time.Duration) int64 {
	if talk <= 0 {
		return 0
	}
	return int64(math.Round(k.Cost(name) * 100 * talk.Seconds() / 60))
}

// Healthy reports whether a trunk takes calls (not disabled).
func (k *Trunks) Healthy(name string) bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	s, ok := k.t[name]
	return ok && (s.disabled.IsZero() || !k.clk.Now().Before(s.disabled))
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}
