package telephony

import (
	"context"
	"fmt"
	"net"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestReinviteWithBadSDP: a caller in an answered call sends a re-INVITE whose
// SDP diago's parser panics on ("c=IN"). Before recoverRequests the panic ran
// on sipgo's goroutine and ended the whole process; now the re-INVITE gets
// 400, and the UA goes on answering calls.
func TestReinviteWithBadSDP(t *testing.T) {
	answered := make(chan *Call, 2)
	u := serveWith(t, Config{}, func(ctx context.Context, in *Inbound) {
		if call, err := in.Answer(ctx); err == nil {
			answered <- call
			<-call.Done()
		}
	})
	conn, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	local := conn.LocalAddr().String()
	dst, err := net.ResolveUDPAddr("udp", u.Addr())
	if err != nil {
		t.Fatal(err)
	}
	// read waits for the first final response, skipping provisional ones
	read := func() string {
		buf := make([]byte, 4096)
		for {
			_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
			n, _, err := conn.ReadFrom(buf)
			if err != nil {
				t.Fatalf("no final response: %v", err)
			}
			if resp := string(buf[:n]); !regexp.MustCompile(`^SIP/2.0 1\d\d `).MatchString(resp) {
				return resp
			}
		}
	}
	send := func(msg string) {
		if _, err := conn.WriteTo([]byte(msg), dst); err != nil {
			t.Fatal(err)
		}
	}
	good := "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n"
	send(invite(u.Addr(), local, "reinv-1", good))
	ok := read()
	if !strings.HasPrefix(ok, "SIP/2.0 200 ") {
		t.Fatalf("INVITE answered %q", strings.SplitN(ok, "\r\n", 2)[0])
	}
	toTag := regexp.MustCompile(`(?m)^To:.*;tag=([^;\r\n]+)`).FindStringSubmatch(ok)[1]
	inDialog := func(method string, cseq int, body string) string {
		ctype := ""
		if body != "" {
			ctype = "Content-Type: application/sdp\r\n"
		}
		return fmt.Sprintf("%s sip:robot@%s SIP/2.0\r\nVia: SIP/2.0/UDP %s;branch=z9hG4bK-dialog-%d\r\n"+
			"From: <sip:tester@%s>;tag=treinv-1\r\nTo: <sip:robot@%s>;tag=%s\r\nCall-ID: reinv-1\r\nCSeq: %d %s\r\n"+
			"Contact: <sip:tester@%s>\r\nMax-Forwards: 70\r\n%sContent-Length: %d\r\n\r\n%s",
			method, u.Addr(), local, cseq, local, u.Addr(), toTag, cseq, method, local, ctype, len(body), body)
	}
	send(inDialog("ACK", 1, ""))
	<-answered // Answer returns once the ACK is in
	send(inDialog("INVITE", 2, "v=0\r\nc=IN\r\nm=audio 4000 RTP/AVP 0\r\n"))
	if resp := read(); !strings.HasPrefix(resp, "SIP/2.0 400 ") {
		t.Fatalf("re-INVITE with a broken SDP answered %q, want 400", strings.SplitN(resp, "\r\n", 2)[0])
	}
	// still serving
	caller := newTestUA(t, Config{})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	call, _, err := caller.Dial(ctx, DialRequest{To: u.URI("robot")})
	if err != nil {
		t.Fatalf("a call after the bad re-INVITE: %v", err)
	}
	select {
	case <-answered:
	case <-ctx.Done():
		t.Fatal("the call after the bad re-INVITE was not answered")
	}
	_ = call.Hangup(ctx)
	send(inDialog("BYE", 3, ""))
	if resp := read(); !strings.HasPrefix(resp, "SIP/2.0 200 ") {
		t.Fatalf("BYE answered %q", strings.SplitN(resp, "\r\n", 2)[0])
	}
}
