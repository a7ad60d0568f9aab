package telephony

import (
	"bytes"
	"context"
	"encoding/binary"
	"io"
	"log/slog"
	"net"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	diagomedia "github.com/emiago/diago/media"
	"github.com/emiago/diago/media/sdp"
	"github.com/pion/rtp"
)

// packetPipe is a net.PacketConn test double: ReadFrom hands out the datagrams
// queued with send, all from one far-end address, and WriteTo discards. It
// lets a fuzz target drive a call's real RTP read path (diago's session, the
// read loop, DTMF) without a socket, deterministically.
type packetPipe struct {
	in     chan []byte
	from   *net.UDPAddr
	closed chan struct{}
	once   sync.Once
}

func newPacketPipe(from *net.UDPAddr) *packetPipe {
	return &packetPipe{in: make(chan []byte), from: from, closed: make(chan struct{})}
}

func (p *packetPipe) send(b []byte) {
	select {
	case p.in <- b:
	case <-p.closed:
	}
}

func (p *packetPipe) ReadFrom(b []byte) (int, net.Addr, error) {
	select {
	case d := <-p.in:
		return copy(b, d), p.from, nil
	case <-p.closed:
		return 0, nil, net.ErrClosed
	}
}

func (p *packetPipe) WriteTo(b []byte, _ net.Addr) (int, error) { return len(b), nil }
func (p *packetPipe) Close() error                              { p.once.Do(func() { close(p.closed) }); return nil }
func (p *packetPipe) LocalAddr() net.Addr {
	return &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 40000}
}
func (p *packetPipe) SetDeadline(time.Time) error      { return nil }
func (p *packetPipe) SetReadDeadline(time.Time) error  { return nil }
func (p *packetPipe) SetWriteDeadline(time.Time) error { return nil }

const (
	fuzzSSRC = 0x0d0e0f10
	fuzzDTMF = 101
)

// sentinelAudio is the payload of the packet that closes each fuzz input: when
// the packet observer sees it, every packet before it has been read.
var sentinelAudio = bytes.Repeat([]byte{0x5a, 0xa5}, 80)

func audioPacket(seq uint16, ts uint32, payload []byte) []byte {
	b, err := (&rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: 0, SequenceNumber: seq, Timestamp: ts, SSRC: fuzzSSRC}, Payload: payload}).Marshal()
	if err != nil {
		panic(err)
	}
	return b
}

func dtmfPacket(digit byte, end bool, dur uint16, seq uint16, ts uint32) []byte {
	p := []byte{digit, 10, 0, 0}
	if end {
		p[1] |= 0x80
	}
	binary.BigEndian.PutUint16(p[2:], dur)
	b, _ := (&rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: fuzzDTMF, SequenceNumber: seq, Timestamp: ts, SSRC: fuzzSSRC}, Payload: p}).Marshal()
	return b
}

// splitPackets cuts a fuzz input into datagrams: each is preceded by one
// length byte (0 means the rest of the input), at most 16 datagrams.
func splitPackets(data []byte) [][]byte {
	var out [][]byte
	for len(data) > 0 && len(out) < 16 {
		n := int(data[0])
		data = data[1:]
		if n == 0 || n > len(data) {
			n = len(data)
		}
		out = append(out, data[:n])
		data = data[n:]
	}
	return out
}

func joinPackets(pkts ...[]byte) []byte {
	var b []byte
	for _, p := range pkts {
		b = append(b, byte(len(p)))
		b = append(b, p...)
	}
	return b
}

// FuzzRTPRead sends datagrams of any content, as the far end (or anyone who
// finds the port), through a call's RTP read path: diago's RTP session, the
// read loop with its SSRC lock and jitter buffer, and the RFC 4733 DTMF
// decoder. Properties: nothing panics, the read loop lives on (a valid packet
// after the input is still read), each DTMF digit delivered is a keypad digit,
// no more digits and frames come out than datagrams went in, and the call
// ends cleanly.
func FuzzRTPRead(f *testing.F) {
	f.Add(joinPackets(dtmfPacket(1, false, 160, 10, 8000), dtmfPacket(1, true, 800, 11, 8000), dtmfPacket(1, true, 800, 12, 8000)))
	f.Add(joinPackets(audioPacket(10, 8000, bytes.Repeat([]byte{0xff}, 160)), audioPacket(12, 8320, make([]byte, 240))))
	f.Add(joinPackets(dtmfPacket(16, true, 65535, 10, 0xffffff00), []byte{0x80, 101, 0, 1}))
	f.Add(joinPackets([]byte("\x80\x00\x00\x01\x00\x00\x00\x01\x01\x02\x03\x04"), []byte{0xa0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0xff}))
	f.Add([]byte("not rtp at all"))
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	f.Fuzz(func(t *testing.T, data []byte) {
		pkts := splitPackets(data)
		for i, p := range pkts {
			if bytes.Contains(p, sentinelAudio[:16]) {
				pkts[i] = nil // the sentinel's payload marks the end of the input
			}
		}
		from := &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 40010}
		rtpConn, rtcpConn := newPacketPipe(from), newPacketPipe(from)
		ms := &diagomedia.MediaSession{Codecs: []diagomedia.Codec{diagomedia.CodecAudioUlaw, diagomedia.CodecTelephoneEvent8000}, Mode: sdp.ModeSendrecv}
		ms.InitWithListeners(rtpConn, rtcpConn, from)
		if err := ms.RemoteSDP([]byte("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40010 RTP/AVP 0 101\r\na=rtpmap:101 telephone-event/8000\r\n")); err != nil {
			t.Fatal(err)
		}
		sess := diagomedia.NewRTPSession(ms)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		ctl := dialogControl{ctx: ctx, hangup: func(context.Context) error { return nil }}
		call, err := newCall(ctl, func() *diagomedia.RTPSession { return sess }, callOptions{id: "fuzz", dir: "inbound", jitterFrames: 3, log: log})
		if err != nil {
			t.Fatal(err)
		}
		defer rtpConn.Close()
		want := make([]int16, len(sentinelAudio))
		g711Of(diagomedia.CodecAudioUlaw).Decode(want, sentinelAudio)
		seen := make(chan struct{}, 1)
		call.SetPacketObserver(func(_ time.Time, pcm []int16) {
			if slices.Equal(pcm, want) {
				select {
				case seen <- struct{}{}:
				default:
				}
			}
		})
		// A few in-sequence packets first: they lock the call (and a source
		// lock, if one is on) to the far end before the input arrives.
		seq, ts := uint16(1), uint32(160)
		silence := bytes.Repeat([]byte{0xff}, 160)
		for range 5 {
			rtpConn.send(audioPacket(seq, ts, silence))
			seq, ts = seq+1, ts+160
		}
		for _, p := range pkts {
			rtpConn.send(p)
		}
		rtpConn.send(audioPacket(seq, ts, sentinelAudio))
		select {
		case <-seen:
		case <-time.After(10 * time.Second):
			t.Fatalf("the read loop did not read a valid packet after %d datagrams: %q (stats %+v)", len(pkts), pkts, call.Stats())
		}
		st := call.Stats()
		if limit := int64(len(pkts) + 6); st.FramesReceived > limit || st.DTMF > int64(len(pkts)) {
			t.Fatalf("%d datagrams gave %d frames and %d DTMF events", len(pkts), st.FramesReceived, st.DTMF)
		}
		digits := 0
	drain:
		for {
			select {
			case d := <-call.DTMF():
				digits++
				if !strings.ContainsRune("0123456789*#ABCD", d) {
					t.Fatalf("DTMF digit %q", d)
				}
			default:
				break drain
			}
		}
		if digits > len(pkts) {
			t.Fatalf("%d datagrams gave %d digits", len(pkts), digits)
		}
		cancel()
		select {
		case <-call.Done():
		case <-time.After(10 * time.Second):
			t.Fatal("the call did not end after its dialog did")
		}
	})
}
