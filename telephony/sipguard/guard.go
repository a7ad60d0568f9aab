package sipguard

import (
	"crypto/rand"
	"fmt"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Request is what the guard needs to know of one SIP request.
type Request struct {
	Method    string     // INVITE, REGISTER, OPTIONS… (upper case)
	Source    netip.Addr // the address the request came from (not its Via)
	InDialog  bool       // the To header has a tag: part of a dialog in progress
	UserAgent string
	// User is who is called: the Request-URI user (the To user for REGISTER).
	User string
	// URIs are the ways the Request-URI may be written (as sent, without
	// parameters…): a digest response must be computed over one of them.
	URIs []string
	// Authorization is the Authorization header's value ("" when absent).
	Authorization string
}

// Rule names the rule behind a verdict; they label the guard's counters.
type Rule string

// The rules, in the order they are checked.
const (
	RuleRate     Rule = "rate"         // drop or 503: an untrusted source is over its rate
	RuleScanner  Rule = "scanner"      // 403: a scanner's User-Agent
	RuleUser     Rule = "unknown_user" // 403: the called user is not ours
	RuleSource   Rule = "source"       // 403: an untrusted source and nothing to authenticate it
	RuleAuth     Rule = "auth"         // 401 challenge, 403 bad credentials
	RuleCapacity Rule = "capacity"     // 503: as many inbound calls as allowed are in progress
)

// Peer is who a request was admitted as.
type Peer struct {
	Trunk string // the trunk whose sources it came from ("" for sip.security.allow)
	User  string // the digest-authenticated user ("" when trusted by source)
}

// Verdict is the guard's answer to one request.
type Verdict struct {
	Code   int // SIP status to answer; 0 admits the request
	Reason string
	Rule   Rule
	// Drop: send no answer at all (rate limit with action drop).
	Drop bool
	// Challenge holds the WWW-Authenticate values of a 401, preferred first.
	Challenge []string
	// RetryAfter goes in a 503's Retry-After header.
	RetryAfter time.Duration
	Peer       Peer
	release    func()
}

// Admitted reports whether the request may proceed.
func (v Verdict) Admitted() bool { return v.Code == 0 && !v.Drop }

// Release returns the call slot an admitted INVITE took (once the call has
// ended); it is a no-op for every other verdict.
func (v Verdict) Release() {
	if v.release != nil {
		v.release()
	}
}

// Guard applies one Config. It is safe for concurrent use; its memory is
// bounded by the configuration, whatever arrives.
type Guard struct {
	cfg     Config
	trusted []source
	local   map[string]bool
	users   map[string]User
	block   []string
	limiter *limiter // nil: no rate limit
	secret  [32]byte // keys nonces: a restart invalidates outstanding challenges
	calls   atomic.Int64
	counts  sync.Map // Rule → *atomic.Int64

	bindMu   sync.Mutex
	bindings map[string]Binding // by user: one binding each, so bounded by Users
}

type source struct {
	prefix netip.Prefix
	trunk  string
}

// Binding is a registered user's contact.
type Binding struct {
	Contact string
	Source  netip.Addr
	Expires time.Time
}

// New checks cfg (trunks names the configured trunks) and builds its guard.
func New(cfg Config, trunks []string) (*Guard, error) {
	if err := cfg.Validate(trunks); err != nil {
		return nil, err
	}
	cfg = cfg.WithDefaults()
	g := &Guard{cfg: cfg, local: map[string]bool{}, users: map[string]User{}, bindings: map[string]Binding{}}
	for _, s := range cfg.Allow {
		p, _ := parsePrefix(s) // validated
		g.trusted = append(g.trusted, source{prefix: p})
	}
	for name, list := range cfg.TrunkSources {
		for _, s := range list {
			p, _ := parsePrefix(s)
			g.trusted = append(g.trusted, source{prefix: p, trunk: name})
		}
	}
	for _, u := range cfg.LocalUsers {
		g.local[u] = true
	}
	for _, u := range cfg.Users {
		g.users[u.Name] = u
	}
	for _, b := range cfg.BlockUserAgents {
		g.block = append(g.block, strings.ToLower(b))
	}
	if cfg.RateLimit.PerSecond > 0 {
		l, err := newLimiter(cfg.RateLimit)
		if err != nil {
			return nil, err
		}
		g.limiter = l
	}
	if _, err := rand.Read(g.secret[:]); err != nil {
		return nil, fmt.Errorf("sipguard: nonce secret: %w", err)
	}
	return g, nil
}

// Check decides on one request. An admitted INVITE holds a call slot until
// its verdict's Release.
func (g *Guard) Check(r Request, now time.Time) Verdict {
	v := g.check(r, now)
	if !v.Admitted() {
		g.count(v.Rule)
	}
	return v
}

func (g *Guard) check(r Request, now time.Time) Verdict {
	if r.Method == "ACK" { // never answered, whatever it is
		return Verdict{}
	}
	scanner := Verdict{Code: 403, Reason: "Forbidden", Rule: RuleScanner}
	if r.InDialog || r.Method == "CANCEL" {
		// Requests of dialogs in progress are matched (or refused with 481)
		// by the dialog layer; limiting them could cut a call in progress.
		if g.scanner(r.UserAgent) {
			return scanner
		}
		return Verdict{}
	}
	r.Source = r.Source.Unmap()
	peer, trusted := g.source(r.Source)
	// The rate comes before every other rule: each answer holds a server
	// transaction (for an INVITE, up to 32 s awaiting its ACK), so a source
	// past its rate — a scanner included — is not answered at all, or with
	// one cheap 503.
	if !trusted && g.limiter != nil && !g.limiter.allow(r.Source, now) {
		if g.cfg.RateLimit.Action == "reject" {
			return Verdict{Code: 503, Reason: "Service Unavailable (rate limit)", Rule: RuleRate, RetryAfter: g.cfg.RetryAfter}
		}
		return Verdict{Drop: true, Rule: RuleRate}
	}
	if g.scanner(r.UserAgent) {
		return scanner
	}
	switch r.Method {
	case "INVITE":
		if len(g.local) > 0 && !g.local[r.User] {
			return Verdict{Code: 403, Reason: "Forbidden (unknown user)", Rule: RuleUser}
		}
		if !trusted {
			if len(g.users) == 0 {
				return Verdict{Code: 403, Reason: "Forbidden", Rule: RuleSource}
			}
			user, v := g.authenticate(r, now)
			if v.Code != 0 {
				return v
			}
			peer.User = user
		}
		return g.takeSlot(peer)
	case "REGISTER":
		if len(g.users) == 0 {
			return Verdict{Code: 403, Reason: "Forbidden (registration not offered)", Rule: RuleAuth}
		}
		user, v := g.authenticate(r, now)
		if v.Code != 0 {
			return v
		}
		if r.User != "" && r.User != user { // one may register only oneself (no user in To: oneself too)
			return Verdict{Code: 403, Reason: "Forbidden", Rule: RuleAuth}
		}
		peer.User = user
		return Verdict{Peer: peer}
	default: // OPTIONS and every other out-of-dialog request
		if trusted || g.registered(r.Source, now) {
			return Verdict{Peer: peer}
		}
		return Verdict{Code: 403, Reason: "Forbidden", Rule: RuleSource}
	}
}

func (g *Guard) takeSlot(peer Peer) Verdict {
	max := int64(g.cfg.MaxInboundCalls)
	if max < 0 {
		g.calls.Add(1)
	} else if n := g.calls.Add(1); n > max {
		g.calls.Add(-1)
		return Verdict{Code: 503, Reason: "Service Unavailable (call limit)", Rule: RuleCapacity, RetryAfter: g.cfg.RetryAfter}
	}
	var once sync.Once
	return Verdict{Peer: peer, release: func() { once.Do(func() { g.calls.Add(-1) }) }}
}

func (g *Guard) scanner(ua string) bool {
	if ua == "" || len(g.block) == 0 {
		return false
	}
	ua = strings.ToLower(ua)
	for _, b := range g.block {
		if strings.Contains(ua, b) {
			return true
		}
	}
	return false
}

// source reports whether addr is trusted and as which trunk.
func (g *Guard) source(addr netip.Addr) (Peer, bool) {
	for _, s := range g.trusted {
		if s.prefix.Contains(addr) {
			return Peer{Trunk: s.trunk}, true
		}
	}
	return Peer{}, false
}

// Register keeps user's binding (expires 0 removes it); only a REGISTER the
// guard admitted as user should reach it.
func (g *Guard) Register(user string, b Binding) {
	if _, ok := g.users[user]; !ok {
		return
	}
	g.bindMu.Lock()
	defer g.bindMu.Unlock()
	if b.Expires.IsZero() {
		delete(g.bindings, user)
		return
	}
	b.Source = b.Source.Unmap()
	g.bindings[user] = b
}

// Binding is user's current registration (ok false when none or expired).
func (g *Guard) Binding(user string, now time.Time) (Binding, bool) {
	g.bindMu.Lock()
	defer g.bindMu.Unlock()
	b, ok := g.bindings[user]
	if !ok || !now.Before(b.Expires) {
		return Binding{}, false
	}
	return b, true
}

func (g *Guard) registered(addr netip.Addr, now time.Time) bool {
	g.bindMu.Lock()
	defer g.bindMu.Unlock()
	for _, b := range g.bindings {
		if b.Source == addr && now.Before(b.Expires) {
			return true
		}
	}
	return false
}

// InboundCalls is the number of admitted INVITEs not yet released.
func (g *Guard) InboundCalls() int { return int(g.calls.Load()) }

// Sources is how many source addresses the rate limiter tracks now.
func (g *Guard) Sources() int {
	if g.limiter == nil {
		return 0
	}
	return g.limiter.len()
}

// Refused counts the requests refused (or dropped) under each rule so far.
func (g *Guard) Refused() map[Rule]int64 {
	out := map[Rule]int64{}
	g.counts.Range(func(k, v any) bool {
		out[k.(Rule)] = v.(*atomic.Int64).Load()
		return true
	})
	return out
}

func (g *Guard) count(r Rule) {
	c, _ := g.counts.LoadOrStore(r, new(atomic.Int64))
	c.(*atomic.Int64).Add(1)
}

// Config is the guard's configuration with defaults filled in.
func (g *Guard) Config() Config { return g.cfg }
