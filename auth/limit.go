package auth

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// loginLimiter allows a few login attempts a minute per (login, source).
// Why: argon2 makes each guess slow, but without a limit an attacker still
// tries thousands of passwords a day against one account. Keyed by login
// *and* source so that someone else hammering a login cannot lock its owner
// out from their own address (a per-login lock would be a denial of
// service), and one source trying many logins is limited per login.
type loginLimiter struct {
	mu   sync.Mutex
	keys map[string]*rate.Limiter
	last map[string]time.Time
}

const (
	loginBurst  = 5                // attempts at once
	loginRefill = 12 * time.Second // one more attempt each: 5 a minute
	limiterMax  = 10000            // keys kept before idle ones are dropped
	limiterIdle = 10 * time.Minute // a key idle this long is full again anyway
)

func newLoginLimiter() *loginLimiter {
	return &loginLimiter{keys: map[string]*rate.Limiter{}, last: map[string]time.Time{}}
}

func (l *loginLimiter) allow(login, source string, now time.Time) bool {
	key := login + "\x00" + source
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.keys) >= limiterMax {
		for k, t := range l.last {
			if now.Sub(t) > limiterIdle {
				delete(l.keys, k)
				delete(l.last, k)
			}
		}
	}
	lim, ok := l.keys[key]
	if !ok {
		lim = rate.NewLimiter(rate.Every(loginRefill), loginBurst)
		l.keys[key] = lim
	}
	l.last[key] = now
	return lim.AllowN(now, 1)
}
