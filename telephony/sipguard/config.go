package sipguard

import (
	"encoding/hex"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"time"
)

// Config is the `sip.security` section. Its zero value is the secure
// default (see WithDefaults): only loopback is trusted, no user may
// register, at most 1,000 inbound calls at once, untrusted sources limited
// to 10 new requests a second, known scanners refused.
type Config struct {
	// Allow lists the sources (CIDRs) trusted like a trunk: their INVITEs
	// need no authentication and are not rate-limited. Absent: loopback
	// only (127.0.0.0/8, ::1/128); an empty list trusts nothing.
	Allow []string `yaml:"allow"`
	// TrunkSources lists per trunk name the CIDRs its INVITEs come from. A
	// trunk without an entry trusts the addresses its host (and outbound
	// proxy) resolve to when the user agent starts.
	TrunkSources map[string][]string `yaml:"trunk_sources"`
	// LocalUsers are the Request-URI users we answer (our numbers and SIP
	// users); an INVITE to anyone else gets 403. Empty: any user.
	LocalUsers []string `yaml:"local_users"`
	// Users may register to dozvon and call in from untrusted sources with
	// digest authentication.
	Users []User `yaml:"users"`
	// Realm of the digest challenge; HA1 values are bound to it (default "dozvon").
	Realm string `yaml:"realm"`
	// Algorithms offered in the challenge, preferred first: SHA-256, MD5
	// (default both, SHA-256 first as RFC 8760 asks).
	Algorithms []string `yaml:"algorithms"`
	// NonceTTL is how long a challenge's nonce is good for (default 5m).
	NonceTTL time.Duration `yaml:"nonce_ttl"`
	// MaxInboundCalls caps the inbound calls in progress; one more gets 503
	// with Retry-After (default 1000; -1 = no cap).
	MaxInboundCalls int `yaml:"max_inbound_calls"`
	// RetryAfter is what a 503 tells the caller to wait (default 30s).
	RetryAfter time.Duration `yaml:"retry_after"`
	// RateLimit bounds how fast one untrusted source may start requests.
	RateLimit RateLimit `yaml:"rate_limit"`
	// BlockUserAgents are User-Agent substrings (case-insensitive) refused
	// with 403. Absent: DefaultBlockUserAgents; an empty list blocks none.
	BlockUserAgents []string `yaml:"block_user_agents"`
}

// User is an endpoint that authenticates with digest. Only HA1 values are
// kept, never the password: the server needs HA1 = H(user:realm:password)
// to check a digest response, and HA1 is bound to the realm, so a leaked
// config does not reveal a password usable elsewhere. (It is still enough
// to authenticate to this realm: keep the file 0600.)
// Compute one with `printf 'user:dozvon:password' | sha256sum` (or md5sum).
type User struct {
	Name      string `yaml:"name"`
	HA1MD5    string `yaml:"ha1_md5"`
	HA1SHA256 string `yaml:"ha1_sha256"`
}

// RateLimit is a token bucket per untrusted source IP for requests that
// start something (new INVITEs, REGISTER, OPTIONS…); in-dialog requests
// of calls in progress are never limited.
type RateLimit struct {
	// PerSecond refills the bucket (default 10; -1 = no limit).
	PerSecond float64 `yaml:"per_second"`
	// Burst is the bucket size (default 20).
	Burst int `yaml:"burst"`
	// Sources bounds the tracked source addresses; the least recently seen
	// is forgotten first, so a scanner spraying addresses cannot grow
	// memory (default 4096).
	Sources int `yaml:"sources"`
	// Action over the limit: drop (default: no answer, nothing to reflect
	// at a spoofed address) or reject (503 with Retry-After).
	Action string `yaml:"action"`
}

// DefaultBlockUserAgents are the User-Agents of well-known SIP scanners and
// toll-fraud tools.
var DefaultBlockUserAgents = []string{
	"friendly-scanner", "sipvicious", "sipcli", "vaxsipuseragent", "sip-scan", "sipscan",
	"iwar", "sivus", "smap", "sundayddr", "pplsip", "siparmyknife", "cabron", "voipsec",
}

// Algorithm names as they appear in challenges.
const (
	MD5    = "MD5"
	SHA256 = "SHA-256"
)

// WithDefaults fills what the zero value leaves open.
func (c Config) WithDefaults() Config {
	if c.Allow == nil {
		c.Allow = []string{"127.0.0.0/8", "::1/128"}
	}
	if c.Realm == "" {
		c.Realm = "dozvon"
	}
	if len(c.Algorithms) == 0 {
		c.Algorithms = []string{SHA256, MD5}
	}
	if c.NonceTTL <= 0 {
		c.NonceTTL = 5 * time.Minute
	}
	if c.MaxInboundCalls == 0 {
		c.MaxInboundCalls = 1000
	}
	if c.RetryAfter <= 0 {
		c.RetryAfter = 30 * time.Second
	}
	if c.RateLimit.PerSecond == 0 {
		c.RateLimit.PerSecond = 10
	}
	if c.RateLimit.Burst <= 0 {
		c.RateLimit.Burst = 20
	}
	if c.RateLimit.Sources <= 0 {
		c.RateLimit.Sources = 4096
	}
	if c.RateLimit.Action == "" {
		c.RateLimit.Action = "drop"
	}
	if c.BlockUserAgents == nil {
		c.BlockUserAgents = DefaultBlockUserAgents
	}
	return c
}

// Validate reports the first error, naming the field under sip.security.
// trunks are the configured trunk names (a trunk_sources entry must name one).
func (c Config) Validate(trunks []string) error {
	for i, s := range c.Allow {
		if _, err := parsePrefix(s); err != nil {
			return fmt.Errorf("security.allow[%d]: %w", i, err)
		}
	}
	for name, list := range c.TrunkSources {
		if !slices.Contains(trunks, name) {
			return fmt.Errorf("security.trunk_sources.%s: no trunk of that name", name)
		}
		for i, s := range list {
			if _, err := parsePrefix(s); err != nil {
				return fmt.Errorf("security.trunk_sources.%s[%d]: %w", name, i, err)
			}
		}
	}
	for i, a := range c.Algorithms {
		if a != MD5 && a != SHA256 {
			return fmt.Errorf("security.algorithms[%d] %q: want SHA-256 or MD5", i, a)
		}
	}
	d := c.WithDefaults()
	seen := map[string]bool{}
	for i, u := range c.Users {
		if u.Name == "" || strings.ContainsAny(u.Name, ":@ ") {
			return fmt.Errorf("security.users[%d].name %q: want a SIP user name without ':', '@' or spaces", i, u.Name)
		}
		if seen[u.Name] {
			return fmt.Errorf("security.users[%d].name %q: duplicate", i, u.Name)
		}
		seen[u.Name] = true
		for _, h := range []struct {
			field, alg, v string
			size          int
		}{{"ha1_md5", MD5, u.HA1MD5, 16}, {"ha1_sha256", SHA256, u.HA1SHA256, 32}} {
			want := fmt.Sprintf("want %d hex digits of H(%s:%s:password) (HA1, never the password)", 2*h.size, u.Name, d.Realm)
			if h.v == "" {
				if slices.Contains(d.Algorithms, h.alg) {
					return fmt.Errorf("security.users[%d].%s: missing, and security.algorithms offers %s: %s", i, h.field, h.alg, want)
				}
				continue
			}
			if b, err := hex.DecodeString(h.v); err != nil || len(b) != h.size {
				return fmt.Errorf("security.users[%d].%s: %s", i, h.field, want)
			}
		}
	}
	switch {
	case c.MaxInboundCalls < -1:
		return fmt.Errorf("security.max_inbound_calls %d: want a positive cap, or -1 for none", c.MaxInboundCalls)
	case c.RetryAfter < 0:
		return fmt.Errorf("security.retry_after %s: negative", c.RetryAfter)
	case c.NonceTTL < 0:
		return fmt.Errorf("security.nonce_ttl %s: negative", c.NonceTTL)
	case c.RateLimit.PerSecond < 0 && c.RateLimit.PerSecond != -1:
		return fmt.Errorf("security.rate_limit.per_second %g: want a positive rate, or -1 for none", c.RateLimit.PerSecond)
	case c.RateLimit.Burst < 0:
		return fmt.Errorf("security.rate_limit.burst %d: negative", c.RateLimit.Burst)
	case c.RateLimit.Sources < 0:
		return fmt.Errorf("security.rate_limit.sources %d: negative", c.RateLimit.Sources)
	case c.RateLimit.Action != "" && c.RateLimit.Action != "drop" && c.RateLimit.Action != "reject":
		return fmt.Errorf("security.rate_limit.action %q: want drop or reject", c.RateLimit.Action)
	}
	for i, ua := range c.BlockUserAgents {
		if strings.TrimSpace(ua) == "" {
			return fmt.Errorf("security.block_user_agents[%d]: empty pattern would block every request", i)
		}
	}
	return nil
}

// parsePrefix accepts a CIDR or a bare address (a /32 or /128).
func parsePrefix(s string) (netip.Prefix, error) {
	if p, err := netip.ParsePrefix(s); err == nil {
		return p.Masked(), nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("%q is neither a CIDR nor an IP address", s)
	}
	return netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()), nil
}
