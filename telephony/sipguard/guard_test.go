package sipguard

import (
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/icholy/digest"
)

var t0 = time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)

func ha1(alg, user, realm, pass string) string {
	s := user + ":" + realm + ":" + pass
	if alg == SHA256 {
		h := sha256.Sum256([]byte(s))
		return hex.EncodeToString(h[:])
	}
	h := md5.Sum([]byte(s))
	return hex.EncodeToString(h[:])
}

func testUser(name, pass string) User {
	return User{Name: name, HA1MD5: ha1(MD5, name, "dozvon", pass), HA1SHA256: ha1(SHA256, name, "dozvon", pass)}
}

func mustGuard(t *testing.T, c Config, trunks ...string) *Guard {
	t.Helper()
	g, err := New(c, trunks)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

var (
	loop    = netip.MustParseAddr("127.0.0.1")
	trunkIP = netip.MustParseAddr("203.0.113.7")
	outside = netip.MustParseAddr("198.51.100.9")
)

func TestCheck(t *testing.T) {
	t.Parallel()
	base := Config{
		TrunkSources: map[string][]string{"mts": {"203.0.113.0/28"}},
		LocalUsers:   []string{"74951234567", "robot"},
		Users:        []User{testUser("op1", "secret")},
	}
	invite := func(src netip.Addr, user, ua string) Request {
		return Request{Method: "INVITE", Source: src, User: user, UserAgent: ua}
	}
	tests := []struct {
		name      string
		cfg       func(*Config)
		req       Request
		code      int
		rule      Rule
		drop      bool
		peerTrunk string
	}{
		{"trunk INVITE to our number", nil, invite(trunkIP, "74951234567", "Huawei"), 0, "", false, "mts"},
		{"loopback INVITE is trusted by default", nil, invite(loop, "robot", ""), 0, "", false, ""},
		{"IPv4-mapped loopback is loopback", nil, invite(netip.MustParseAddr("::ffff:127.0.0.1"), "robot", ""), 0, "", false, ""},
		{"outside INVITE without credentials is challenged", nil, invite(outside, "robot", "Linphone"), 401, RuleAuth, false, ""},
		{"outside INVITE with no users configured", func(c *Config) { c.Users = nil }, invite(outside, "robot", ""), 403, RuleSource, false, ""},
		{"empty allow trusts not even loopback", func(c *Config) { c.Allow = []string{}; c.Users = nil }, invite(loop, "robot", ""), 403, RuleSource, false, ""},
		{"unknown user from the trunk", nil, invite(trunkIP, "74950000000", ""), 403, RuleUser, false, ""},
		{"unknown user from outside gets 403, not a challenge", nil, invite(outside, "100", ""), 403, RuleUser, false, ""},
		{"any user when local_users is empty", func(c *Config) { c.LocalUsers = nil }, invite(trunkIP, "whoever", ""), 0, "", false, "mts"},
		{"friendly-scanner", nil, invite(outside, "robot", "friendly-scanner"), 403, RuleScanner, false, ""},
		{"sipvicious in any case, even from the trunk", nil, invite(trunkIP, "robot", "SIPVicious 0.3.4"), 403, RuleScanner, false, ""},
		{"sipcli", nil, Request{Method: "OPTIONS", Source: outside, UserAgent: "sipcli/v1.8"}, 403, RuleScanner, false, ""},
		{"VaxSIPUserAgent", nil, Request{Method: "REGISTER", Source: outside, UserAgent: "VaxSIPUserAgent/3.1"}, 403, RuleScanner, false, ""},
		{"scanner list emptied", func(c *Config) { c.BlockUserAgents = []string{} }, invite(trunkIP, "robot", "friendly-scanner"), 0, "", false, "mts"},
		{"own scanner list", func(c *Config) { c.BlockUserAgents = []string{"evil"} }, invite(trunkIP, "robot", "EvilDialer"), 403, RuleScanner, false, ""},
		{"in-dialog BYE from anywhere reaches the dialog layer", nil, Request{Method: "BYE", Source: outside, InDialog: true}, 0, "", false, ""},
		{"ACK is never answered", nil, Request{Method: "ACK", Source: outside, UserAgent: "friendly-scanner"}, 0, "", false, ""},
		{"OPTIONS from the trunk", nil, Request{Method: "OPTIONS", Source: trunkIP}, 0, "", false, "mts"},
		{"OPTIONS from outside", nil, Request{Method: "OPTIONS", Source: outside}, 403, RuleSource, false, ""},
		{"MESSAGE from outside", nil, Request{Method: "MESSAGE", Source: outside}, 403, RuleSource, false, ""},
		{"REGISTER without credentials is challenged", nil, Request{Method: "REGISTER", Source: outside, User: "op1"}, 401, RuleAuth, false, ""},
		{"REGISTER of an unknown user is challenged alike", nil, Request{Method: "REGISTER", Source: outside, User: "nobody"}, 401, RuleAuth, false, ""},
		{"REGISTER with no users configured", func(c *Config) { c.Users = nil }, Request{Method: "REGISTER", Source: loop, User: "op1"}, 403, RuleAuth, false, ""},
		{"malformed credentials", nil, Request{Method: "REGISTER", Source: outside, User: "op1", Authorization: `Digest username="op1", nc=zz`}, 400, RuleAuth, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := base
			if tt.cfg != nil {
				tt.cfg(&c)
			}
			g := mustGuard(t, c, "mts")
			v := g.Check(tt.req, t0)
			defer v.Release()
			if v.Code != tt.code || v.Rule != tt.rule || v.Drop != tt.drop {
				t.Fatalf("verdict %d %q (%s, drop %v); want %d (%s, drop %v)", v.Code, v.Reason, v.Rule, v.Drop, tt.code, tt.rule, tt.drop)
			}
			if v.Admitted() && v.Peer.Trunk != tt.peerTrunk {
				t.Errorf("peer trunk %q; want %q", v.Peer.Trunk, tt.peerTrunk)
			}
			if v.Code == 401 && len(v.Challenge) != 2 {
				t.Errorf("challenges %q; want SHA-256 and MD5", v.Challenge)
			}
			if !v.Admitted() && g.Refused()[tt.rule] != 1 {
				t.Errorf("refused counters %v; want one under %s", g.Refused(), tt.rule)
			}
		})
	}
}

// answer computes a client's Authorization for the challenge at index i of
// v with icholy/digest (the library sipgo's client uses), so the server is
// checked against an implementation it does not share code paths with.
func answer(t *testing.T, v Verdict, i int, method, uri, user, pass string) string {
	t.Helper()
	if v.Code != 401 || len(v.Challenge) <= i {
		t.Fatalf("want a 401 with challenge %d, got %d %v", i, v.Code, v.Challenge)
	}
	chal, err := digest.ParseChallenge(v.Challenge[i])
	if err != nil {
		t.Fatal(err)
	}
	cred, err := digest.Digest(chal, digest.Options{Method: method, URI: uri, Username: user, Password: pass})
	if err != nil {
		t.Fatal(err)
	}
	return cred.String()
}

func TestDigest(t *testing.T) {
	t.Parallel()
	const uri = "sip:robot@192.0.2.1:5060"
	cfg := Config{Users: []User{testUser("op1", "secret"), testUser("op2", "other")}}
	tests := []struct {
		name      string
		cfg       func(*Config)
		alg       int // which challenge the client answers
		method    string
		user      string
		pass      string
		signedURI string
		from      netip.Addr // where the answer comes from
		at        time.Duration
		code      int
		stale     bool
	}{
		{"SHA-256 INVITE", nil, 0, "INVITE", "op1", "secret", uri, outside, time.Second, 0, false},
		{"MD5 INVITE", nil, 1, "INVITE", "op1", "secret", uri, outside, time.Second, 0, false},
		{"MD5 only configured", func(c *Config) { c.Algorithms = []string{MD5} }, 0, "INVITE", "op1", "secret", uri, outside, 0, 0, false},
		{"REGISTER", nil, 0, "REGISTER", "op1", "secret", uri, outside, 0, 0, false},
		{"wrong password", nil, 0, "INVITE", "op1", "guess", uri, outside, 0, 403, false},
		{"unknown user", nil, 0, "INVITE", "admin", "secret", uri, outside, 0, 403, false},
		{"response signed over another URI", nil, 0, "INVITE", "op1", "secret", "sip:other@192.0.2.1", outside, 0, 403, false},
		{"nonce replayed from another address", nil, 0, "INVITE", "op1", "secret", uri, netip.MustParseAddr("198.51.100.10"), 0, 401, false},
		{"stale nonce", nil, 0, "INVITE", "op1", "secret", uri, outside, 6 * time.Minute, 401, true},
		{"REGISTER as someone else", nil, 0, "REGISTER", "op2", "other", uri, outside, 0, 403, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := cfg
			if tt.cfg != nil {
				tt.cfg(&c)
			}
			c.Allow = []string{}
			g := mustGuard(t, c)
			to := "op1" // REGISTER's To user; the INVITE's callee
			if tt.method == "INVITE" {
				to = "robot"
			}
			req := Request{Method: tt.method, Source: outside, User: to, URIs: []string{uri, uri + ";transport=udp"}}
			first := g.Check(req, t0)
			req.Source, req.Authorization = tt.from, answer(t, first, tt.alg, tt.method, tt.signedURI, tt.user, tt.pass)
			v := g.Check(req, t0.Add(tt.at))
			defer v.Release()
			if v.Code != tt.code {
				t.Fatalf("verdict %d %q; want %d", v.Code, v.Reason, tt.code)
			}
			if got := len(v.Challenge) > 0 && strings.Contains(v.Challenge[0], "stale=true"); got != tt.stale {
				t.Errorf("stale challenge %v; want %v (%q)", got, tt.stale, v.Challenge)
			}
			if v.Admitted() && v.Peer.User != tt.user {
				t.Errorf("admitted as %q; want %q", v.Peer.User, tt.user)
			}
		})
	}
}

func TestCapacity(t *testing.T) {
	t.Parallel()
	g := mustGuard(t, Config{MaxInboundCalls: 2, RetryAfter: 7 * time.Second})
	inv := Request{Method: "INVITE", Source: loop, User: "robot"}
	a, b := g.Check(inv, t0), g.Check(inv, t0)
	if !a.Admitted() || !b.Admitted() || g.InboundCalls() != 2 {
		t.Fatalf("first two: %v %v, %d calls", a, b, g.InboundCalls())
	}
	c := g.Check(inv, t0)
	if c.Code != 503 || c.Rule != RuleCapacity || c.RetryAfter != 7*time.Second {
		t.Fatalf("third: %d %s retry %s; want 503 capacity retry 7s", c.Code, c.Rule, c.RetryAfter)
	}
	if bye := g.Check(Request{Method: "BYE", Source: loop, InDialog: true}, t0); !bye.Admitted() {
		t.Fatalf("a full house refused a BYE: %d", bye.Code)
	}
	a.Release()
	a.Release() // twice is once
	if g.InboundCalls() != 1 {
		t.Fatalf("after release: %d calls; want 1", g.InboundCalls())
	}
	if d := g.Check(inv, t0); !d.Admitted() {
		t.Fatalf("after release: %d", d.Code)
	}
	if u := mustGuard(t, Config{MaxInboundCalls: -1}); !u.Check(inv, t0).Admitted() {
		t.Fatal("no cap refused a call")
	}
}

func TestRateLimit(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		action string
		code   int
		drop   bool
	}{
		{"drop by default", "", 0, true},
		{"reject", "reject", 503, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := mustGuard(t, Config{RateLimit: RateLimit{PerSecond: 1, Burst: 3, Action: tt.action}, Users: []User{testUser("op1", "x")}})
			opt := Request{Method: "OPTIONS", Source: outside}
			for i := range 3 {
				if v := g.Check(opt, t0); v.Code != 403 { // within the burst: judged on its merits
					t.Fatalf("request %d: %d %s; want 403 source", i, v.Code, v.Rule)
				}
			}
			for _, ua := range []string{"", "friendly-scanner"} { // past its rate a scanner costs no 403 either
				opt.UserAgent = ua
				v := g.Check(opt, t0)
				if v.Code != tt.code || v.Drop != tt.drop || v.Rule != RuleRate {
					t.Fatalf("over the burst (%q): %d drop %v %s; want %d drop %v rate", ua, v.Code, v.Drop, v.Rule, tt.code, tt.drop)
				}
			}
			opt.UserAgent = ""
			if v := g.Check(opt, t0.Add(time.Second)); v.Rule != RuleSource {
				t.Fatalf("a second later: %s; want a token back", v.Rule)
			}
			if v := g.Check(Request{Method: "BYE", Source: outside, InDialog: true}, t0); !v.Admitted() {
				t.Fatalf("in-dialog request limited: %d %s", v.Code, v.Rule)
			}
			for i := range 100 { // trusted sources are never limited
				if v := g.Check(Request{Method: "OPTIONS", Source: loop}, t0); !v.Admitted() {
					t.Fatalf("loopback request %d: %d %s", i, v.Code, v.Rule)
				}
			}
		})
	}
}

// TestLimiterBounded sprays 100,000 source addresses: the limiter keeps at
// most rate_limit.sources of them.
func TestLimiterBounded(t *testing.T) {
	t.Parallel()
	g := mustGuard(t, Config{Allow: []string{}, RateLimit: RateLimit{Sources: 1000}})
	for i := range 100_000 {
		src := netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)})
		g.Check(Request{Method: "INVITE", Source: src, User: "robot"}, t0)
	}
	if n := g.Sources(); n != 1000 {
		t.Fatalf("limiter tracks %d sources; want the bound 1000", n)
	}
}

func TestBindings(t *testing.T) {
	t.Parallel()
	g := mustGuard(t, Config{Allow: []string{}, Users: []User{testUser("op1", "x")}})
	phone := netip.MustParseAddr("198.51.100.20")
	opt := Request{Method: "OPTIONS", Source: phone}
	if v := g.Check(opt, t0); v.Code != 403 {
		t.Fatalf("OPTIONS before registering: %d; want 403", v.Code)
	}
	g.Register("op1", Binding{Contact: "sip:op1@198.51.100.20:5062", Source: phone, Expires: t0.Add(time.Hour)})
	g.Register("stranger", Binding{Contact: "sip:x@1.2.3.4", Source: outside, Expires: t0.Add(time.Hour)})
	if v := g.Check(opt, t0); !v.Admitted() {
		t.Fatalf("OPTIONS from a registered phone: %d", v.Code)
	}
	if _, ok := g.Binding("stranger", t0); ok {
		t.Fatal("a user not configured got a binding")
	}
	if v := g.Check(opt, t0.Add(2*time.Hour)); v.Code != 403 {
		t.Fatalf("OPTIONS after the binding expired: %d; want 403", v.Code)
	}
	g.Register("op1", Binding{})
	if _, ok := g.Binding("op1", t0); ok {
		t.Fatal("an unregistered binding survived")
	}
}

func TestValidate(t *testing.T) {
	t.Parallel()
	u := testUser("op1", "x")
	tests := []struct {
		cfg  Config
		want string
	}{
		{Config{Allow: []string{"10.0.0.0/33"}}, "security.allow[0]"},
		{Config{Allow: []string{"example.com"}}, "security.allow[0]"},
		{Config{TrunkSources: map[string][]string{"nope": {"10.0.0.1"}}}, "security.trunk_sources.nope: no trunk"},
		{Config{TrunkSources: map[string][]string{"mts": {"10.0.0.1", "x"}}}, "security.trunk_sources.mts[1]"},
		{Config{Algorithms: []string{"SHA-512"}}, "security.algorithms[0]"},
		{Config{Users: []User{{Name: "op1", HA1MD5: u.HA1MD5}}}, "security.users[0].ha1_sha256"},
		{Config{Algorithms: []string{MD5}, Users: []User{{Name: "op1", HA1MD5: "xyz"}}}, "security.users[0].ha1_md5"},
		{Config{Users: []User{u, u}}, "security.users[1].name \"op1\": duplicate"},
		{Config{Users: []User{{Name: "a@b"}}}, "security.users[0].name"},
		{Config{MaxInboundCalls: -5}, "security.max_inbound_calls"},
		{Config{RateLimit: RateLimit{PerSecond: -2}}, "security.rate_limit.per_second"},
		{Config{RateLimit: RateLimit{Action: "tarpit"}}, "security.rate_limit.action"},
		{Config{BlockUserAgents: []string{" "}}, "security.block_user_agents[0]"},
		{Config{NonceTTL: -time.Second}, "security.nonce_ttl"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			err := tt.cfg.Validate([]string{"mts"})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v; want one naming %s", err, tt.want)
			}
		})
	}
	ok := Config{Allow: []string{"10.0.0.1", "2001:db8::/32"}, TrunkSources: map[string][]string{"mts": {"203.0.113.0/28"}},
		Users: []User{u}, MaxInboundCalls: -1, RateLimit: RateLimit{PerSecond: -1}}
	if err := ok.Validate([]string{"mts"}); err != nil {
		t.Fatalf("valid config refused: %v", err)
	}
}
