package telephony

import (
	"context"
	"errors"
	"fmt"
	"net"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/dozvon/dozvon/internal/logsink"
	"github.com/pion/rtp"
)

// TestMediaSurvivesHostileRTP sends garbage, a foreign SSRC and an unknown
// payload type into a live call's RTP port: the call keeps its real audio,
// counts what it dropped, and ends cleanly.
func TestMediaSurvivesHostileRTP(t *testing.T) {
	answered := make(chan *Call, 1)
	callee := serveWith(t, Config{}, func(ctx context.Context, in *Inbound) {
		call, err := in.Answer(ctx)
		if err != nil {
			t.Error(err)
			return
		}
		answered <- call
		call.Play(tone(500, 3*time.Second, 6000))
		<-call.Done()
	})
	caller := newTestUA(t, Config{})
	base := runtime.NumGoroutine()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	call, _, err := caller.Dial(ctx, DialRequest{To: callee.URI("x")})
	if err != nil {
		t.Fatal(err)
	}
	<-answered
	heard := make(chan struct{}, 1)
	var loud int
	call.SetHandler(func(f []int16, _ time.Duration, _ bool) {
		if rms(f) > 1000 {
			loud++
			if loud == 50 {
				heard <- struct{}{}
			}
		}
	})
	conn, err := net.Dial("udp", call.LocalRTPAddr())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	send := func(p rtp.Packet) {
		b, err := p.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		_, _ = conn.Write(b)
	}
	for i := 0; i < 50; i++ {
		_, _ = conn.Write([]byte("this is not RTP at all"))
		_, _ = conn.Write([]byte{0x80})
		send(rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: 0, SSRC: 0xdeadbeef, SequenceNumber: uint16(i), Timestamp: uint32(i * 160)},
			Payload: make([]byte, 160)})
		send(rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: 96, SSRC: 0xfeedface, SequenceNumber: uint16(i)},
			Payload: []byte{1, 2, 3}})
	}
	select {
	case <-heard:
	case <-time.After(10 * time.Second):
		t.Fatalf("the real audio stopped being heard; stats %+v", call.Stats())
	}
	st := call.Stats()
	if st.Garbage+st.Dropped < 50 {
		t.Fatalf("hostile packets not counted: garbage %d dropped %d", st.Garbage, st.Dropped)
	}
	if err := call.Hangup(ctx); err != nil {
		t.Fatal(err)
	}
	waitGoroutines(t, base)
}

// rawSIP sends one datagram to the UA and returns the first response line
// (or "" when none arrives within 2 s).
func rawSIP(t *testing.T, conn net.PacketConn, addr, msg string) string {
	t.Helper()
	dst, err := net.ResolveUDPAddr("udp", addr)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.WriteTo([]byte(msg), dst); err != nil {
		t.Fatal(err)
	}
	_ = conn.SetReadDeadline(time.Now().Add(2 * time.Second))
	buf := make([]byte, 4096)
	for {
		n, _, err := conn.ReadFrom(buf)
		if err != nil {
			return ""
		}
		resp := string(buf[:n])
		line, _, _ := strings.Cut(resp, "\r\n")
		if strings.Contains(line, " 100 ") { // skip 100 Trying
			continue
		}
		if strings.HasPrefix(msg, "INVITE") {
			ackNon2xx(t, conn, dst, msg, resp)
		}
		return line
	}
}

// ackNon2xx acknowledges a final error response the way RFC 3261 §17.1.1.3
// asks: same branch, the response's To (with its tag).
func ackNon2xx(t *testing.T, conn net.PacketConn, dst net.Addr, inv, resp string) {
	t.Helper()
	header := func(msg, name string) string {
		for _, l := range strings.Split(msg, "\r\n") {
			if strings.HasPrefix(strings.ToLower(l), strings.ToLower(name)+":") {
				return l
			}
		}
		return ""
	}
	reqLine, _, _ := strings.Cut(inv, "\r\n")
	uri := strings.Fields(reqLine)[1]
	cseq := strings.Replace(header(inv, "CSeq"), "INVITE", "ACK", 1)
	ack := "ACK " + uri + " SIP/2.0\r\n" + header(inv, "Via") + "\r\n" + header(inv, "From") + "\r\n" +
		header(resp, "To") + "\r\n" + header(inv, "Call-ID") + "\r\n" + cseq + "\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n"
	if _, err := conn.WriteTo([]byte(ack), dst); err != nil {
		t.Fatal(err)
	}
}

func invite(addr, local, callID, sdp string) string {
	return fmt.Sprintf("INVITE sip:robot@%s SIP/2.0\r\n"+
		"Via: SIP/2.0/UDP %s;branch=z9hG4bK-%s\r\n"+
		"From: <sip:tester@%s>;tag=t%s\r\n"+
		"To: <sip:robot@%s>\r\n"+
		"Call-ID: %s\r\n"+
		"CSeq: 1 INVITE\r\n"+
		"Contact: <sip:tester@%s>\r\n"+
		"Max-Forwards: 70\r\n"+
		"Content-Type: application/sdp\r\n"+
		"Content-Length: %d\r\n\r\n%s", addr, local, callID, local, callID, addr, callID, local, len(sdp), sdp)
}

// TestBadSIPGetsCleanErrors: malformed SDP → 400, no common codec → 488,
// broken headers → dropped or 400; the UA still answers a good call after.
func TestBadSIPGetsCleanErrors(t *testing.T) {
	answered := make(chan struct{}, 4)
	u := serveWith(t, Config{}, func(ctx context.Context, in *Inbound) {
		call, err := in.Answer(ctx)
		if err != nil {
			return
		}
		answered <- struct{}{}
		<-call.Play(tone(400, 300*time.Millisecond, 3000)).Done()
		_ = call.Hangup(ctx)
	})
	caller := newTestUA(t, Config{})
	base := runtime.NumGoroutine()
	conns := make([]net.PacketConn, 4)
	for i := range conns {
		c, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		conns[i] = c
	}
	local := func(i int) string { return conns[i].LocalAddr().String() }
	tests := []struct {
		name, msg, want string
	}{
		{"malformed sdp", invite(u.Addr(), local(0), "bad-sdp-1", "v=0\r\nthis is not sdp\r\nm=audio notaport RTP/AVP\r\n"), "400"},
		{"no common codec", invite(u.Addr(), local(1), "no-codec-1",
			"v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 18\r\na=rtpmap:18 G729/8000\r\n"), "488"},
		{"broken headers", "INVITE sip:robot@" + u.Addr() + " SIP/2.0\r\nVia: garbage\r\nFrom\r\nCSeq: notanumber\r\n\r\n", ""},
		{"binary junk", "\x00\x01\x02\xff\xfe SIP/2.0 nonsense", ""},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := rawSIP(t, conns[i], u.Addr(), tt.msg)
			if tt.want == "" {
				if got != "" && !strings.Contains(got, " 400 ") {
					t.Fatalf("response %q, want none or 400", got)
				}
				return
			}
			if !strings.Contains(got, " "+tt.want+" ") {
				t.Fatalf("response %q, want %s", got, tt.want)
			}
		})
	}
	// still serving
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	call, _, err := caller.Dial(ctx, DialRequest{To: u.URI("robot")})
	if err != nil {
		t.Fatalf("UA stopped answering after bad input: %v", err)
	}
	<-answered
	<-call.Done()
	// sipgo keeps a UDP socket and its reader per address it has sent a
	// request to: the caller's to u, and u's (its BYE) to the caller.
	waitGoroutines(t, base+2)
}

// TestReadLoopPanicEndsOnlyItsCall: a panic on one call's RTP read goroutine
// (here its packet observer) ends that call as a media fault; the process
// and a second call on the same user agents live on.
func TestReadLoopPanicEndsOnlyItsCall(t *testing.T) {
	t.Parallel()
	calls := dialAnswering(t, func(*Call) {}, "a", "b")
	doomed, other := calls[0], calls[1]
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	doomed.SetPacketObserver(func(time.Time, []int16) { panic("observer fault") })
	select {
	case <-doomed.Done():
	case <-ctx.Done():
		t.Fatal("the call whose read loop panicked did not end")
	}
	if r := doomed.EndReason(); r != "media" {
		t.Fatalf("end reason %q, want media", r)
	}
	// the other call still receives audio after the panic
	before := other.Stats().FramesReceived
	waitFor(t, "the other call's audio", func() bool { return other.Stats().FramesReceived > before+10 })
	select {
	case <-other.Done():
		t.Fatalf("the other call ended too (%s)", other.EndReason())
	default:
	}
	if err := other.Hangup(ctx); err != nil {
		t.Fatal(err)
	}
}

// TestInboundHandlerPanicEndsOnlyItsCall: an inbound handler that panics
// after answering ends that call and, before answering, answers 500; the
// log keeps the stack but not the panic's value, which may quote the caller
// (it used to log the value, without a stack); the next call on the same
// user agent is served.
func TestInboundHandlerPanicEndsOnlyItsCall(t *testing.T) {
	t.Parallel()
	log, logs := logsink.New()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	callee, err := New(ctx, Config{Listen: []Listen{{Transport: "udp", Host: "127.0.0.1"}}}, log)
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan string, 4)
	err = callee.Serve(ctx, func(ctx context.Context, in *Inbound) {
		switch in.To() {
		case "after-answer":
			if _, err := in.Answer(ctx); err == nil {
				panic("debtor +79131234567 confused the handler")
			}
		case "before-answer":
			panic(fmt.Errorf("no script for +79131234567"))
		default:
			call, err := in.Answer(ctx)
			if err != nil {
				return
			}
			served <- in.To()
			<-call.Done()
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	caller := newTestUA(t, Config{})
	call, _, err := caller.Dial(ctx, DialRequest{To: callee.URI("after-answer")})
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	select {
	case <-call.Done():
	case <-ctx.Done():
		t.Fatal("the call whose handler panicked after answering stayed up")
	}
	if _, _, err := caller.Dial(ctx, DialRequest{To: callee.URI("before-answer")}); err == nil {
		t.Fatal("a handler that panicked before answering: the call was answered")
	} else if de := (*DialError)(nil); !errors.As(err, &de) || de.Code != 500 {
		t.Fatalf("before answering: %v, want a 500", err)
	}
	next, _, err := caller.Dial(ctx, DialRequest{To: callee.URI("next")})
	if err != nil {
		t.Fatalf("the next call after the panics: %v", err)
	}
	if got := <-served; got != "next" {
		t.Fatalf("served %q", got)
	}
	_ = next.Hangup(ctx)
	out := logs.String()
	if logs.Count("panic recovered") != 2 || !strings.Contains(out, "goroutine") {
		t.Errorf("want two panics logged with their stacks; log:\n%s", out)
	}
	if strings.Contains(out, "79131234567") {
		t.Errorf("the panic's value (a phone number) reached the log:\n%s", out)
	}
}
