package sipguard

import (
	"fmt"
	"net/netip"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"
	"golang.org/x/time/rate"
)

// limiter is a token bucket per source address, at most cfg.Sources of
// them: the least recently seen source is forgotten first. A forgotten
// source starts again with a full bucket, so spraying more addresses than
// Sources lets each one burst once — the price of bounded memory.
type limiter struct {
	perSecond rate.Limit
	burst     int
	buckets   *lru.Cache[netip.Addr, *rate.Limiter]
}

func newLimiter(c RateLimit) (*limiter, error) {
	cache, err := lru.New[netip.Addr, *rate.Limiter](c.Sources)
	if err != nil { // only for a size <= 0, which defaults rule out
		return nil, fmt.Errorf("sipguard: rate limiter: %w", err)
	}
	return &limiter{perSecond: rate.Limit(c.PerSecond), burst: c.Burst, buckets: cache}, nil
}

func (l *limiter) allow(addr netip.Addr, now time.Time) bool {
	b, ok := l.buckets.Get(addr)
	if !ok {
		fresh := rate.NewLimiter(l.perSecond, l.burst)
		if prev, found, _ := l.buckets.PeekOrAdd(addr, fresh); found {
			b = prev
		} else {
			b = fresh
		}
	}
	return b.AllowN(now, 1)
}

func (l *limiter) len() int { return l.buckets.Len() }
