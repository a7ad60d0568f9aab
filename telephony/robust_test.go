package telephony

import (
	"context"
	"fmt"
	"net"
	"runtime"
	"strings"
	"testing"
	"time"

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
	caller := newTestUA(t, Config{})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	call, _, err := caller.Dial(ctx, DialRequest{To: u.URI("robot")})
	if err != nil {
		t.Fatalf("UA stopped answering after bad input: %v", err)
	}
	<-answered
	<-call.Done()
	waitGoroutines(t, base+4) // the test's own caller UA keeps its transport goroutines
}
