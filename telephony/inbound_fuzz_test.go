package telephony

import (
	"bytes"
	"strconv"
	"strings"
	"testing"

	diagomedia "github.com/emiago/diago/media"
	"github.com/emiago/diago/media/sdp"
	"github.com/emiago/sipgo/sip"
)

// sampleOffers are SDP offers as real peers send them: sipp's uac scenario,
// baresip, a trunk offering PCMA with telephone-event, and odd but valid ones.
var sampleOffers = []string{
	"v=0\r\no=user1 53655765 2353687637 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 6000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n",
	"v=0\r\no=- 1 2 IN IP4 10.0.0.5\r\ns=baresip\r\nc=IN IP4 10.0.0.5\r\nt=0 0\r\nm=audio 10000 RTP/AVP 8 0 101\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\na=sendrecv\r\n",
	"v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nt=0 0\r\nm=audio 4000 RTP/AVP 96\r\nc=IN IP4 192.0.2.1\r\na=rtpmap:96 pcmu/8000\r\n",
	"v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 18\r\na=rtpmap:18 G729/8000\r\n",
	"v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\nm=video 4000 RTP/AVP 96\r\n",
	"v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n",
	"v=0\r\nm=audio\r\n",
	"",
}

// FuzzCheckOffer: any body gets one of the three answers checkOffer may give
// (accept, 400, 488) with a reason for a refusal, and an offer it accepts is
// one diago can answer: otherwise Answer fails after the check with a 500
// instead of the 400/488 that names what is wrong with the offer.
func FuzzCheckOffer(f *testing.F) {
	for _, o := range sampleOffers {
		f.Add([]byte(o), true, true)
		f.Add([]byte(o), false, true)
	}
	f.Fuzz(func(t *testing.T, body []byte, pcmu, pcma bool) {
		var ours []string
		if pcmu {
			ours = append(ours, "PCMU")
		}
		if pcma {
			ours = append(ours, "PCMA")
		}
		code, why := checkOffer(body, ours)
		switch code {
		case 0:
			if why != "" {
				t.Fatalf("accepted with a reason %q", why)
			}
		case 400, 488:
			if why == "" {
				t.Fatalf("%d without a reason", code)
			}
			return
		default:
			t.Fatalf("code %d (%q), want 0, 400 or 488", code, why)
		}
		// Accepted: the media session Answer builds from diago must take it.
		var codecs []diagomedia.Codec
		if pcmu {
			codecs = append(codecs, diagomedia.CodecAudioUlaw)
		}
		if pcma {
			codecs = append(codecs, diagomedia.CodecAudioAlaw)
		}
		ms := &diagomedia.MediaSession{Codecs: append(codecs, diagomedia.CodecTelephoneEvent8000), Mode: sdp.ModeSendrecv}
		if err := ms.RemoteSDP(body); err != nil {
			t.Fatalf("checkOffer accepted an offer diago refuses: %v\n%q", err, body)
		}
		if c := diagomedia.CodecAudioFromSession(ms); c.Name != "PCMU" && c.Name != "PCMA" {
			t.Fatalf("checkOffer accepted an offer whose negotiated codec is %q\n%q", c.Name, body)
		}
	})
}

// rawInvite is an INVITE as sipp's uac scenario sends it, with an SDP body.
func rawInvite(body string) []byte {
	return []byte("INVITE sip:ivr@127.0.0.1:5060 SIP/2.0\r\n" +
		"Via: SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bK-1-0\r\n" +
		"From: sipp <sip:sipp@127.0.0.1:5061>;tag=1\r\n" +
		"To: <sip:ivr@127.0.0.1:5060>\r\n" +
		"Call-ID: 1-4242@127.0.0.1\r\n" +
		"CSeq: 1 INVITE\r\n" +
		"Contact: sip:sipp@127.0.0.1:5061\r\n" +
		"Max-Forwards: 70\r\n" +
		"User-Agent: sipp\r\n" +
		"Content-Type: application/sdp\r\n" +
		"Content-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n" + body)
}

// FuzzInboundINVITE runs a datagram through what serve does with it before a
// handler sees it: sipgo's parser (the one the UA's transport uses), the
// Inbound accessors' header reads and the SDP offer check. A message that
// parses must print to text that parses back to the same request line,
// Call-ID and body, so what is logged or answered is what arrived.
func FuzzInboundINVITE(f *testing.F) {
	for _, o := range sampleOffers {
		f.Add(rawInvite(o))
	}
	f.Add([]byte("OPTIONS sip:100@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK1\r\nFrom: <sip:scan@10.0.0.1>;tag=a\r\nTo: <sip:100@127.0.0.1>\r\nCall-ID: x\r\nCSeq: 1 OPTIONS\r\nUser-Agent: friendly-scanner\r\nContent-Length: 0\r\n\r\n"))
	f.Add([]byte("SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 127.0.0.1;branch=z9hG4bK1\r\nCall-ID: y\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n"))
	parser := sip.NewParser()
	f.Fuzz(func(t *testing.T, data []byte) {
		msg, err := parser.ParseSIP(data)
		if err != nil {
			return
		}
		req, ok := msg.(*sip.Request)
		if !ok {
			return
		}
		// what Inbound exposes: From/To users, Call-ID, any header
		if h := req.From(); h != nil {
			_ = h.Address.User
		}
		if h := req.To(); h != nil {
			_ = h.Address.User
		}
		for _, name := range []string{"User-Agent", "X-Dozvon-Task", "Authorization"} {
			if h := req.GetHeader(name); h != nil {
				_ = h.Value()
			}
		}
		if req.Method == sip.INVITE {
			if code, _ := checkOffer(req.Body(), []string{"PCMU", "PCMA"}); code != 0 && code != 400 && code != 488 {
				t.Fatalf("checkOffer code %d", code)
			}
		}
		if req.Via() == nil || req.CSeq() == nil || req.CallID() == nil || req.ContentLength() == nil {
			return // not a request the transaction layer takes (sipgo prints such a one with an extra line)
		}
		again, err := sip.NewParser().ParseSIP([]byte(req.String()))
		if err != nil {
			t.Skipf("sipgo does not re-read its own print: %v", err) // sipgo's printer, not our path
		}
		r2, ok := again.(*sip.Request)
		if !ok || r2.Method != req.Method || !bytes.Equal(r2.Body(), req.Body()) {
			t.Fatalf("round trip changed the request: %q -> %q", data, req.String())
		}
		if a, b := req.CallID(), r2.CallID(); (a == nil) != (b == nil) || a != nil && strings.TrimSpace(a.Value()) != strings.TrimSpace(b.Value()) {
			t.Fatalf("round trip changed the Call-ID: %v -> %v", a, b)
		}
	})
}
