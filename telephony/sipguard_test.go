package telephony

import (
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dozvon/dozvon/telephony/sipguard"
)

// floodSDP is a valid offer: an INVITE carrying it would be answered if the
// guard let it through.
const floodSDP = "v=0\r\no=- 1 1 IN IP4 127.0.0.9\r\ns=-\r\nc=IN IP4 127.0.0.9\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n"

// floodMsg is one out-of-dialog request from local to the UA at addr.
func floodMsg(method, addr, local, user, ua, callID string) string {
	body := ""
	if method == "INVITE" {
		body = floodSDP
	}
	return fmt.Sprintf("%s sip:%s@%s SIP/2.0\r\n"+
		"Via: SIP/2.0/UDP %s;branch=z9hG4bK-%s\r\n"+
		"From: <sip:%s@%s>;tag=f%s\r\n"+
		"To: <sip:%s@%s>\r\n"+
		"Call-ID: %s\r\n"+
		"CSeq: 1 %s\r\n"+
		"Contact: <sip:%s@%s>\r\n"+
		"User-Agent: %s\r\n"+
		"Max-Forwards: 70\r\n"+
		"Content-Type: application/sdp\r\n"+
		"Content-Length: %d\r\n\r\n%s",
		method, user, addr, local, callID, user, local, callID, user, addr, callID, method, user, local, ua, len(body), body)
}

// floodResult counts the first final answer to each request of a flood.
type floodResult struct {
	codes      map[int]int
	retryAfter map[string]int // Retry-After values of the 503s
	unanswered int
}

// flood sends msgs from a socket bound to ip and returns once every
// request has its final answer or the deadline passed. Like a UDP client it
// keeps a window of requests in flight and retransmits one left unanswered
// (RFC 3261 timer A), so a datagram the kernel dropped under the burst is
// not mistaken for a request the UA ignored. Error answers to INVITEs are
// acknowledged as RFC 3261 asks.
func flood(t *testing.T, ip, dst string, msgs func(local string) map[string]string, deadline time.Duration) floodResult {
	t.Helper()
	const (
		window     = 64
		retransmit = 500 * time.Millisecond
	)
	conn, err := net.ListenPacket("udp", ip+":0")
	if err != nil {
		t.Fatalf("bind %s (Linux routes all of 127/8 to loopback): %v", ip, err)
	}
	defer conn.Close()
	to, err := net.ResolveUDPAddr("udp", dst)
	if err != nil {
		t.Fatal(err)
	}
	byID := msgs(conn.LocalAddr().String())
	var queue []string
	for id := range byID {
		queue = append(queue, id)
	}
	res := floodResult{codes: map[int]int{}, retryAfter: map[string]int{}}
	inflight := map[string]time.Time{}
	done := map[string]bool{}
	buf := make([]byte, 8192)
	end := time.Now().Add(deadline)
	for len(done) < len(byID) && time.Now().Before(end) {
		now := time.Now()
		for len(inflight) < window && len(queue) > 0 {
			inflight[queue[0]] = time.Time{} // due now
			queue = queue[1:]
		}
		for id, at := range inflight {
			if now.Sub(at) >= retransmit {
				_, _ = conn.WriteTo([]byte(byID[id]), to)
				inflight[id] = now
			}
		}
		_ = conn.SetReadDeadline(now.Add(retransmit / 10))
		n, _, err := conn.ReadFrom(buf)
		if err != nil {
			continue // the read deadline: time to retransmit
		}
		resp := string(buf[:n])
		line, _, _ := strings.Cut(resp, "\r\n")
		f := strings.Fields(line)
		if len(f) < 2 || f[0] != "SIP/2.0" {
			continue
		}
		code, _ := strconv.Atoi(f[1])
		id := header(resp, "Call-ID")
		if code < 200 || done[id] || byID[id] == "" {
			continue
		}
		done[id] = true
		delete(inflight, id)
		res.codes[code]++
		if code == 503 {
			res.retryAfter[header(resp, "Retry-After")]++
		}
		if strings.HasPrefix(byID[id], "INVITE") {
			ackNon2xx(t, conn, to, byID[id], resp)
		}
	}
	res.unanswered = len(byID) - len(done)
	return res
}

// header is the value of a message's first header called name.
func header(msg, name string) string {
	for _, l := range strings.Split(msg, "\r\n") {
		if k, v, ok := strings.Cut(l, ":"); ok && strings.EqualFold(k, name) {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// TestFloodLeavesCallsInProgressAlone: with as many calls in progress as the
// cap allows (from the trunk, over real SIP on loopback), floods of INVITEs,
// OPTIONS and REGISTERs from a scanner, to unknown users, over the cap, over
// a source's rate and from many sources each get the answer their rule
// gives; the calls in progress keep their audio and DTMF and end normally,
// and the rate limiter's memory stays within its bound.
func TestFloodLeavesCallsInProgressAlone(t *testing.T) {
	const (
		calls = 3   // legitimate calls in progress = the cap
		k     = 300 // requests per flood
		burst = 5
	)
	type legit struct {
		digits string
		reason string
	}
	results := make(chan legit, calls)
	answered := make(chan struct{}, calls)
	var admitted atomic.Int32
	callee := serveWith(t, Config{
		Trunks: []Trunk{{Name: "carrier", Host: "127.0.0.2"}}, // its known peer: no trunk_sources needed
		Security: sipguard.Config{
			Allow:           []string{}, // not even loopback: only the trunk is trusted
			LocalUsers:      []string{"robot"},
			MaxInboundCalls: calls,
			RetryAfter:      5 * time.Second,
			RateLimit:       sipguard.RateLimit{PerSecond: 1, Burst: burst, Sources: 32, Action: "reject"},
		},
	}, func(ctx context.Context, in *Inbound) {
		var call *Call
		var err error
		if admitted.Add(1) <= calls && in.Peer().Trunk == "carrier" {
			call, err = in.Answer(ctx)
		} else { // the dialer then sees 486 where the guard should have answered
			err = in.Reject(486, "Busy Here (the guard should have refused this)")
		}
		if err != nil || call == nil {
			if err != nil {
				t.Error(err)
			}
			return
		}
		answered <- struct{}{}
		call.Play(tone(440, 120*time.Second, 6000)) // outlasts the test
		var digits string
		for len(digits) < 3 {
			select {
			case d := <-call.DTMF():
				digits += string(d)
			case <-call.Done():
				results <- legit{digits, call.EndReason()}
				return
			}
		}
		<-call.Done()
		results <- legit{digits, call.EndReason()}
	})
	trunk := newTestUA(t, Config{Listen: []Listen{{Transport: "udp", Host: "127.0.0.2"}}})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	type caller struct {
		call *Call
		loud atomic.Int64
	}
	var legs [calls]*caller
	for i := range legs {
		call, _, err := trunk.Dial(ctx, DialRequest{To: callee.URI("robot")})
		if err != nil {
			t.Fatalf("legitimate call %d: %v", i, err)
		}
		c := &caller{call: call}
		call.SetHandler(func(f []int16, _ time.Duration, _ bool) {
			if rms(f) > 1000 {
				c.loud.Add(1)
			}
		})
		legs[i] = c
		<-answered
		if err := call.SendDTMF('1'); err != nil {
			t.Fatal(err)
		}
	}
	if n := callee.Guard().InboundCalls(); n != calls {
		t.Fatalf("%d calls in progress by the guard's count; want %d", n, calls)
	}

	dst := callee.Addr()
	many := func(method, user, ua, prefix string) func(string) map[string]string {
		return func(local string) map[string]string {
			out := map[string]string{}
			for i := range k {
				id := fmt.Sprintf("%s-%d", prefix, i)
				m := method
				if method == "" { // a scanner's mix: svmap's OPTIONS, svwar's REGISTER, INVITEs
					m = []string{"OPTIONS", "REGISTER", "INVITE"}[i%3]
				}
				out[id] = floodMsg(m, dst, local, user, ua, id)
			}
			return out
		}
	}
	start := time.Now()
	// The scanner comes through the trunk's address (as through an SBC that
	// does not filter): trusted sources have no rate, so each request meets
	// the scanner rule. (From an untrusted address the rate comes first.)
	scanner := flood(t, "127.0.0.2", dst, many("", "robot", "friendly-scanner", "scan"), 20*time.Second)
	for _, c := range legs { // a digit in the middle of the floods
		if err := c.call.SendDTMF('5'); err != nil {
			t.Fatal(err)
		}
	}
	unknown := flood(t, "127.0.0.2", dst, many("INVITE", "100", "Carrier-SBC", "unknown"), 20*time.Second)
	overCap := flood(t, "127.0.0.2", dst, many("INVITE", "robot", "Carrier-SBC", "cap"), 20*time.Second)
	rate := flood(t, "127.0.0.4", dst, many("INVITE", "robot", "Linphone", "rate"), 20*time.Second)
	elapsed := time.Since(start)
	spray := floodResult{codes: map[int]int{}}
	for i := range 200 { // one OPTIONS from each of 200 addresses
		ip := fmt.Sprintf("127.1.%d.%d", i/250, 1+i%250)
		r := flood(t, ip, dst, func(local string) map[string]string {
			return map[string]string{"spray-" + ip: floodMsg("OPTIONS", dst, local, "robot", "probe", "spray-"+ip)}
		}, 5*time.Second)
		for code, n := range r.codes {
			spray.codes[code] += n
		}
		spray.unanswered += r.unanswered
	}

	want := func(name string, r floodResult, code int) {
		t.Helper()
		if r.codes[code] != k || r.unanswered != 0 {
			t.Errorf("%s flood: answers %v, %d unanswered; want all %d answered %d", name, r.codes, r.unanswered, k, code)
		}
	}
	want("scanner", scanner, 403)
	want("unknown-user", unknown, 403)
	want("over-cap", overCap, 503)
	if overCap.retryAfter["5"] != k {
		t.Errorf("over-cap 503s carried Retry-After %v; want 5 on each", overCap.retryAfter)
	}
	// An untrusted source with no users to authenticate gets 403 while it has
	// tokens (burst, plus one a second), 503 beyond.
	maxTokens := burst + int(elapsed.Seconds()) + 1
	if rate.codes[403]+rate.codes[503] != k || rate.codes[503] < k-maxTokens || rate.retryAfter["5"] != rate.codes[503] {
		t.Errorf("rate flood over %s: answers %v (Retry-After %v); want 503 beyond %d tokens, 403 within", elapsed, rate.codes, rate.retryAfter, maxTokens)
	}
	if spray.codes[403] != 200 {
		t.Errorf("spray: answers %v, %d unanswered; want 200 × 403", spray.codes, spray.unanswered)
	}
	g := callee.Guard()
	if n := g.Sources(); n > 32 {
		t.Errorf("rate limiter tracks %d sources; want at most its bound 32", n)
	}
	refused := g.Refused()
	if refused[sipguard.RuleScanner] != k || refused[sipguard.RuleUser] != k || refused[sipguard.RuleCapacity] != k {
		t.Errorf("refusal counters %v", refused)
	}

	// The calls in progress: audio still flows, a digit sent after the
	// floods arrives, and each ends when its caller hangs up.
	for i, c := range legs {
		before := c.loud.Load()
		deadline := time.After(10 * time.Second)
		for c.loud.Load() < before+25 {
			select {
			case <-deadline:
				t.Fatalf("call %d: no audio after the flood (loud frames %d → %d)", i, before, c.loud.Load())
			case <-time.After(20 * time.Millisecond):
			}
		}
		if err := c.call.SendDTMF('9'); err != nil {
			t.Fatal(err)
		}
	}
	// digits are in flight as RTP: give them a second of audio before the BYE
	for _, c := range legs {
		<-c.call.Play(make([]int16, 8000)).Done()
		if err := c.call.Hangup(ctx); err != nil {
			t.Fatalf("hangup: %v", err)
		}
	}
	for range calls {
		select {
		case r := <-results:
			if r.digits != "159" || r.reason != "remote" {
				t.Errorf("a call in progress heard digits %q and ended %q; want 159, remote", r.digits, r.reason)
			}
		case <-ctx.Done():
			t.Fatal("calls in progress did not end")
		}
	}
	// The slots come back: a new call from the trunk is admitted.
	for g.InboundCalls() != 0 {
		select {
		case <-ctx.Done():
			t.Fatalf("%d call slots never released", g.InboundCalls())
		case <-time.After(20 * time.Millisecond):
		}
	}
	admitted.Store(0)
	call, _, err := trunk.Dial(ctx, DialRequest{To: callee.URI("robot")})
	if err != nil {
		t.Fatalf("a call after the flood: %v", err)
	}
	<-answered
	_ = call.Hangup(ctx)
	<-results
	t.Logf("floods of %d in %s: scanner %v, unknown %v, over-cap %v, rate %v, spray %v; limiter sources %d; refused %v",
		k, elapsed, scanner.codes, unknown.codes, overCap.codes, rate.codes, spray.codes, g.Sources(), refused)
}

// ha1Hex is H(user:realm:password) as sip.security.users keeps it.
func ha1Hex(alg, user, realm, pass string) string {
	s := user + ":" + realm + ":" + pass
	if alg == sipguard.SHA256 {
		h := sha256.Sum256([]byte(s))
		return hex.EncodeToString(h[:])
	}
	h := md5.Sum([]byte(s))
	return hex.EncodeToString(h[:])
}

// TestDigestUsersOverSIP: an endpoint outside the trusted sources calls in
// and registers with digest authentication over real SIP — dozvon's own
// trunk code on the client side, answering the first challenge (SHA-256)
// or MD5 when that is all that is offered. The right password gets the
// call answered as that user and a binding; a wrong one gets 403 for both.
func TestDigestUsersOverSIP(t *testing.T) {
	for _, tt := range []struct {
		name, alg, password string
		ok                  bool
	}{
		{"SHA-256", sipguard.SHA256, "s3cret", true},
		{"MD5", sipguard.MD5, "s3cret", true},
		{"wrong password", sipguard.SHA256, "guess", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			peers := make(chan sipguard.Peer, 1)
			callee := serveWith(t, Config{Security: sipguard.Config{
				Allow:      []string{},
				Algorithms: []string{tt.alg},
				Users: []sipguard.User{{Name: "op1",
					HA1MD5: ha1Hex(sipguard.MD5, "op1", "dozvon", "s3cret"), HA1SHA256: ha1Hex(sipguard.SHA256, "op1", "dozvon", "s3cret")}},
			}}, func(ctx context.Context, in *Inbound) {
				call, err := in.Answer(ctx)
				if err != nil {
					return
				}
				peers <- in.Peer()
				<-call.Done()
			})
			book := &recordingBook{kept: make(chan string, 4)}
			callee.KeepRegistrationsIn(book)
			phone := newTestUA(t, Config{
				Listen: []Listen{{Transport: "udp", Host: "127.0.0.6"}},
				Trunks: []Trunk{{Name: "dozvon", Host: callee.Addr(), Username: "op1", Password: tt.password, Register: true, Expiry: time.Hour}},
			})
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			call, _, err := phone.Dial(ctx, DialRequest{To: "+79131234567", Permit: permitFor(t, "+79131234567")})
			if !tt.ok {
				var de *DialError
				if !errors.As(err, &de) || de.Code != 403 {
					t.Fatalf("call with a wrong password: %v; want 403", err)
				}
			} else {
				if err != nil {
					t.Fatalf("authenticated call: %v", err)
				}
				if p := <-peers; p.User != "op1" || p.Trunk != "" {
					t.Fatalf("admitted as %+v; want user op1", p)
				}
				_ = call.Hangup(ctx)
			}
			for { // the registration keeps running beside the call
				r := phone.Registration("dozvon")
				if tt.ok && r.Registered {
					b, ok := callee.Guard().Binding("op1", time.Now())
					if !ok || b.Source.String() != "127.0.0.6" {
						t.Fatalf("binding %+v (%v); want one from 127.0.0.6", b, ok)
					}
					// The binding reaches the shared book, for the other nodes.
					select {
					case got := <-book.kept:
						if want := "op1 " + b.Contact; got != want {
							t.Fatalf("book kept %q; want %q", got, want)
						}
					case <-ctx.Done():
						t.Fatal("the registration never reached the book")
					}
					return
				}
				if !tt.ok && r.Err != nil {
					if !strings.Contains(r.Err.Error(), "403") {
						t.Fatalf("registration failed with %v; want 403", r.Err)
					}
					if _, ok := callee.Guard().Binding("op1", time.Now()); ok {
						t.Fatal("a wrong password left a binding")
					}
					if len(book.kept) != 0 {
						t.Fatalf("a refused REGISTER reached the book: %q", <-book.kept)
					}
					return
				}
				select {
				case <-ctx.Done():
					t.Fatalf("registration state %+v", r)
				case <-time.After(20 * time.Millisecond):
				}
			}
		})
	}
}

// TestTrunkSourcesDefaultToTheirHost: a trunk without trunk_sources trusts
// what its host and outbound proxy resolve to; an explicit list wins; a
// host that does not resolve trusts nothing (and the UA still starts).
func TestTrunkSourcesDefaultToTheirHost(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	u, err := New(ctx, Config{
		Listen: []Listen{{Transport: "udp", Host: "127.0.0.1"}},
		Trunks: []Trunk{
			{Name: "by-name", Host: "localhost:5999"},
			{Name: "by-ip", Host: "192.0.2.10", OutboundProxy: "[2001:db8::1]:5060"},
			{Name: "listed", Host: "192.0.2.20"},
			{Name: "nowhere", Host: "trunk.invalid"},
		},
		Security: sipguard.Config{TrunkSources: map[string][]string{"listed": {"198.51.100.0/24"}}},
	}, testLogger())
	if err != nil {
		t.Fatal(err)
	}
	got := u.Guard().Config().TrunkSources
	for name, want := range map[string]string{"by-name": "127.0.0.1", "by-ip": "192.0.2.10 2001:db8::1", "listed": "198.51.100.0/24", "nowhere": ""} {
		have := strings.Join(got[name], " ")
		if name == "by-name" && strings.Contains(have, want) || have == want {
			continue
		}
		t.Errorf("trunk %s trusts %q; want %q", name, have, want)
	}
}

// recordingBook is a RegistrationBook double that records what it is told.
type recordingBook struct{ kept chan string }

func (b *recordingBook) KeepBinding(_ context.Context, user, contact string, _ time.Time) error {
	b.kept <- user + " " + contact
	return nil
}

func (b *recordingBook) DropBinding(_ context.Context, user string) error {
	b.kept <- user + " dropped"
	return nil
}
