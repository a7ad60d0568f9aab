package callflow

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/dozvon/dozvon/clock"
	"github.com/dozvon/dozvon/telephony"
)

// TrunkBook is the configured trunks with per-trunk channel limits (name →
// channels; absent: unlimited), for pricing and failover. Nil when no trunk
// is configured: the UA's own order then.
func TrunkBook(ts []telephony.Trunk, limits map[string]int, clk clock.Clock) *Trunks {
	if len(ts) == 0 {
		return nil
	}
	pol := make([]TrunkPolicy, 0, len(ts))
	for _, t := range ts {
		pol = append(pol, TrunkPolicy{Name: t.Name, Priority: t.Priority, CostPerMinute: t.CostPerMinute, Channels: limits[t.Name]})
	}
	return NewTrunks(pol, clk)
}

// ParseTrunkChannels reads per-trunk channel limits, "main=30,backup=10"
// (`dozvon sweep --trunk-channels`); "" is no limits.
func ParseTrunkChannels(s string) (map[string]int, error) {
	out := map[string]int{}
	for _, part := range strings.Split(s, ",") {
		if strings.TrimSpace(part) == "" {
			continue
		}
		name, n, ok := strings.Cut(part, "=")
		v, err := strconv.Atoi(strings.TrimSpace(n))
		if !ok || err != nil || v < 0 {
			return nil, fmt.Errorf("--trunk-channels %q: want name=N", part)
		}
		out[strings.TrimSpace(name)] = v
	}
	return out, nil
}
