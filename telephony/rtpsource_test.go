package telephony

import (
	"context"
	"net"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emiago/diago"
	diagomedia "github.com/emiago/diago/media"
	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"
	"github.com/pion/rtp"
)

// TestForeignRTPIgnored: once a call is up, a second socket on another port
// sends loud audio and a telephone-event "1" into the call's RTP port, under
// a stranger's SSRC and under the real peer's own SSRC. None of it reaches
// the call — no digit, no audio in the received stream — every packet is
// counted as foreign, and the real peer's digit still arrives.
func TestForeignRTPIgnored(t *testing.T) {
	t.Parallel()
	answered := make(chan *Call, 1)
	sendDigit := make(chan struct{})
	call := dialAnswering(t, func(peer *Call) {
		answered <- peer
		select {
		case <-sendDigit:
			if err := peer.SendDTMF('5'); err != nil {
				t.Error(err)
			}
		case <-peer.Done():
		}
	}, "x")[0]
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	peer := <-answered
	if call.dtmfPT < 0 {
		t.Fatal("telephone-event was not negotiated")
	}
	var loud atomic.Int64 // the peer sends silence: anything loud came from the stranger
	call.SetHandler(func(f []int16, _ time.Duration, _ bool) {
		if rms(f) > 1000 {
			loud.Add(1)
		}
	})
	// Wait until the peer's stream is latched, as it is on a real call
	// before anyone could guess the port.
	waitFor(t, "the peer's first audio", func() bool { return call.Stats().FramesReceived > 0 })

	conn, err := net.Dial("udp", call.LocalRTPAddr())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	sent := 0
	send := func(p rtp.Packet) {
		b, err := p.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := conn.Write(b); err != nil {
			t.Fatal(err)
		}
		sent++
	}
	loudFrame := make([]byte, frameSamples)
	g711Of(call.codec).Encode(loudFrame, tone(1000, FrameDuration, 12000))
	for _, ssrc := range []uint32{0xdeadbeef, peer.ssrc} {
		seq, ts := uint16(100), uint32(8000)
		for i := 0; i < 25; i++ {
			send(rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: call.codec.PayloadType, SSRC: ssrc,
				SequenceNumber: seq, Timestamp: ts, Marker: i == 0}, Payload: loudFrame})
			seq++
			ts += frameSamples
		}
		for i, ev := range diagomedia.RTPDTMFEncode8000('1') {
			send(rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: uint8(call.dtmfPT), SSRC: ssrc,
				SequenceNumber: seq, Timestamp: ts, Marker: i == 0}, Payload: diagomedia.DTMFEncode(ev)})
			seq++
		}
	}
	waitFor(t, "every stranger's packet counted", func() bool { return call.Stats().ForeignSource >= int64(sent) })

	close(sendDigit)
	select {
	case d := <-call.DTMF():
		if d != '5' {
			t.Fatalf("the call heard digit %q first, want the peer's 5 (the stranger's 1 got through)", d)
		}
	case <-ctx.Done():
		t.Fatalf("the peer's digit never arrived; stats %+v", call.Stats())
	}
	select {
	case d := <-call.DTMF():
		t.Fatalf("an extra digit %q arrived", d)
	default:
	}
	// The digit took at least 160 ms to arrive, so the stranger's audio,
	// sent before it, would have been played out by now.
	if n := loud.Load(); n > 0 {
		t.Fatalf("%d loud frames of the stranger's audio reached the call", n)
	}
	if st := call.Stats(); st.ForeignSource != int64(sent) || st.DTMF != 1 {
		t.Fatalf("stats: foreign source %d (want %d), dtmf %d (want 1)", st.ForeignSource, sent, st.DTMF)
	}
}

// dialAnswering dials one call per user to a callee that answers each and
// hands it to onAnswer on the callee's goroutine; the call is held until it
// ends. The dialed calls are hung up when the test ends.
func dialAnswering(t *testing.T, onAnswer func(*Call), users ...string) []*Call {
	t.Helper()
	callee := serveWith(t, Config{}, func(ctx context.Context, in *Inbound) {
		call, err := in.Answer(ctx)
		if err != nil {
			return
		}
		onAnswer(call)
		<-call.Done()
	})
	caller := newTestUA(t, Config{})
	var calls []*Call
	for _, u := range users {
		call, _, err := caller.Dial(t.Context(), DialRequest{To: callee.URI(u)})
		if err != nil {
			t.Fatalf("dial %s: %v", u, err)
		}
		t.Cleanup(func() { _ = call.Hangup(context.Background()) })
		calls = append(calls, call)
	}
	return calls
}

// waitFor polls cond until it holds (10 s at most).
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestSourceLatch: which datagram sources each RTPSource mode takes.
func TestSourceLatch(t *testing.T) {
	t.Parallel()
	sdp := net.UDPAddr{IP: net.ParseIP("192.0.2.10"), Port: 4000}
	samePort := &net.UDPAddr{IP: net.ParseIP("192.0.2.10"), Port: 4000}
	sameHost := &net.UDPAddr{IP: net.ParseIP("192.0.2.10"), Port: 4010}
	nat := &net.UDPAddr{IP: net.ParseIP("198.51.100.7"), Port: 30000}
	other := &net.UDPAddr{IP: net.ParseIP("203.0.113.9"), Port: 5000}
	type step struct {
		from      net.Addr
		ok, moved bool
	}
	for _, tc := range []struct {
		name, mode string
		steps      []step
	}{
		{"strict takes the SDP address only", RTPSourceStrict, []step{
			{sameHost, false, false}, {nat, false, false}, {samePort, true, false}, {samePort, true, false}}},
		{"latch: the SDP address first, then no one else", RTPSourceLatch, []step{
			{samePort, true, false}, {sameHost, false, false}, {other, false, false}, {samePort, true, false}}},
		{"latch: another port on the SDP host until the SDP address speaks", RTPSourceLatch, []step{
			{other, false, false}, {sameHost, true, false}, {nat, false, false}, {sameHost, true, false},
			{samePort, true, true}, {sameHost, false, false}}},
		{"first: anyone first, the SDP address wins", RTPSourceFirst, []step{
			{nat, true, false}, {other, false, false}, {nat, true, false}, {samePort, true, true}, {nat, false, false}}},
		{"not UDP", RTPSourceFirst, []step{{&net.TCPAddr{IP: sdp.IP, Port: sdp.Port}, false, false}, {nil, false, false}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := newSourceLatch(tc.mode, sdp)
			for i, s := range tc.steps {
				ok, moved := l.accept(s.from)
				if ok != s.ok || moved != s.moved {
					t.Fatalf("step %d from %v: ok %v moved %v, want %v %v", i, s.from, ok, moved, s.ok, s.moved)
				}
			}
		})
	}
}

// TestStrangerIgnoredWhileThePeerIsSilent: the peer (a bare diago dialog)
// sends no RTP at all, so no stream is locked when a stranger sends audio
// and a telephone-event "1" to the call's port — from another host
// (127.0.0.2) under the default latch, from another port of the SDP host
// under strict. Nothing of it reaches the call; every packet is counted.
func TestStrangerIgnoredWhileThePeerIsSilent(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ mode, from string }{
		{RTPSourceLatch, "127.0.0.2"},
		{RTPSourceStrict, "127.0.0.1"},
	} {
		t.Run(tc.mode, func(t *testing.T) {
			answered := make(chan *Call, 1)
			callee := serveWith(t, Config{RTPSource: tc.mode}, func(ctx context.Context, in *Inbound) {
				if call, err := in.Answer(ctx); err == nil {
					answered <- call
					<-call.Done()
				}
			})
			silentPeer(t, callee.URI("x"))
			call := <-answered
			var loud atomic.Int64
			call.SetHandler(func(f []int16, _ time.Duration, _ bool) {
				if rms(f) > 1000 {
					loud.Add(1)
				}
			})
			stranger, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.ParseIP(tc.from)})
			if err != nil {
				t.Fatal(err)
			}
			defer stranger.Close()
			dst, err := net.ResolveUDPAddr("udp", call.LocalRTPAddr())
			if err != nil {
				t.Fatal(err)
			}
			loudFrame := make([]byte, frameSamples)
			g711Of(call.codec).Encode(loudFrame, tone(1000, FrameDuration, 12000))
			var pkts []rtp.Packet
			for i := range 25 {
				pkts = append(pkts, rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: call.codec.PayloadType, SSRC: 7,
					SequenceNumber: uint16(i), Timestamp: uint32(i * frameSamples)}, Payload: loudFrame})
			}
			for i, ev := range diagomedia.RTPDTMFEncode8000('1') {
				pkts = append(pkts, rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: uint8(call.dtmfPT), SSRC: 7,
					SequenceNumber: uint16(25 + i), Timestamp: 25 * frameSamples}, Payload: diagomedia.DTMFEncode(ev)})
			}
			for _, p := range pkts {
				b, _ := p.Marshal()
				if _, err := stranger.WriteToUDP(b, dst); err != nil {
					t.Fatal(err)
				}
			}
			waitFor(t, "every stranger's packet counted", func() bool { return call.Stats().ForeignSource >= int64(len(pkts)) })
			// the media loop has had its 20 ms ticks over the stranger's half second
			ticks := call.Stats().Duration
			waitFor(t, "the stranger's audio time to play out", func() bool { return call.Stats().Duration > ticks+600*time.Millisecond })
			select {
			case d := <-call.DTMF():
				t.Fatalf("the stranger's digit %q reached the call", d)
			default:
			}
			if n, st := loud.Load(), call.Stats(); n > 0 || st.FramesReceived > 0 || st.DTMF > 0 {
				t.Fatalf("%d loud frames heard, %d frames and %d digits accepted from the stranger", n, st.FramesReceived, st.DTMF)
			}
		})
	}
}

// silentPeer places a call to uri from a bare diago dialog that never sends
// RTP, and hangs it up when the test ends.
func silentPeer(t *testing.T, uri string) {
	t.Helper()
	port := freeUDPPorts(t, 1)[0]
	ua, err := sipgo.NewUA(sipgo.WithUserAgent("silent"))
	if err != nil {
		t.Fatal(err)
	}
	dg := diago.NewDiago(ua, diago.WithTransport(diago.Transport{Transport: "udp", BindHost: "127.0.0.1", BindPort: port}))
	if err := dg.ServeBackground(t.Context(), func(*diago.DialogServerSession) {}); err != nil {
		t.Fatal(err)
	}
	var to sip.Uri
	if err := sip.ParseUri(uri, &to); err != nil {
		t.Fatal(err)
	}
	d, err := dg.Invite(t.Context(), to, diago.InviteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = d.Hangup(ctx)
		_ = d.Close()
	})
}

// BenchmarkSourceLatch: the latch's cost per received datagram, the peer's
// and a stranger's.
func BenchmarkSourceLatch(b *testing.B) {
	sdp := net.UDPAddr{IP: net.ParseIP("192.0.2.10"), Port: 4000}
	peer := &net.UDPAddr{IP: net.ParseIP("192.0.2.10"), Port: 4000}
	stranger := &net.UDPAddr{IP: net.ParseIP("203.0.113.9"), Port: 5000}
	l := newSourceLatch(RTPSourceLatch, sdp)
	for b.Loop() {
		l.accept(peer)
		l.accept(stranger)
	}
}
