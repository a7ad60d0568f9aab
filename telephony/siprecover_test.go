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

// loopbackOffer is a plain PCMU offer from a caller on loopback.
const loopbackOffer = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n"

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
	// inDialog is a request in the dialog of callID, whose To tag is tag
	inDialog := func(callID, tag, method string, cseq int, body string) string {
		ctype := ""
		if body != "" {
			ctype = "Content-Type: application/sdp\r\n"
		}
		return fmt.Sprintf("%s sip:robot@%s SIP/2.0\r\nVia: SIP/2.0/UDP %s;branch=z9hG4bK-%s-%d\r\n"+
			"From: <sip:tester@%s>;tag=t%s\r\nTo: <sip:robot@%s>;tag=%s\r\nCall-ID: %s\r\nCSeq: %d %s\r\n"+
			"Contact: <sip:tester@%s>\r\nMax-Forwards: 70\r\n%sContent-Length: %d\r\n\r\n%s",
			method, u.Addr(), local, callID, cseq+100, local, callID, u.Addr(), tag, callID, cseq, method, local, ctype, len(body), body)
	}
	// call answers an INVITE with a 200 and its ACK; it returns the To tag
	call := func(id string) string {
		send(invite(u.Addr(), local, id, loopbackOffer))
		ok := read()
		if !strings.HasPrefix(ok, "SIP/2.0 200 ") {
			t.Fatalf("INVITE answered %q", strings.SplitN(ok, "\r\n", 2)[0])
		}
		tag := regexp.MustCompile(`(?m)^To:.*;tag=([^;\r\n]+)`).FindStringSubmatch(ok)[1]
		send(inDialog(id, tag, "ACK", 1, ""))
		<-answered // Answer returns once the ACK is in
		return tag
	}
	tag := call("reinv-1")
	send(inDialog("reinv-1", tag, "INVITE", 2, "v=0\r\nc=IN\r\nm=audio 4000 RTP/AVP 0\r\n"))
	if resp := read(); !strings.HasPrefix(resp, "SIP/2.0 400 ") {
		t.Fatalf("re-INVITE with a broken SDP answered %q, want 400", strings.SplitN(resp, "\r\n", 2)[0])
	}
	// the call goes on, and so does the UA
	tag2 := call("reinv-2")
	for _, c := range []struct{ id, tag string }{{"reinv-1", tag}, {"reinv-2", tag2}} {
		send(inDialog(c.id, c.tag, "BYE", 3, ""))
		if resp := read(); !strings.HasPrefix(resp, "SIP/2.0 200 ") {
			t.Fatalf("BYE of %s answered %q", c.id, strings.SplitN(resp, "\r\n", 2)[0])
		}
	}
}
