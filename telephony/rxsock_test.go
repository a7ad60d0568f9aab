package telephony

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/pion/rtp"
	"golang.org/x/sys/unix"
)

// udpRxSock is a real UDP socket on loopback read the way the media shard
// reads a call's: an rtpSock on its raw conn, with receive timestamps on.
func udpRxSock(t *testing.T) (*net.UDPConn, *rtpSock) {
	t.Helper()
	conn, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	raw, err := conn.SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	var serr error
	if err := raw.Control(func(fd uintptr) {
		serr = unix.SetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_TIMESTAMPNS, 1)
	}); err != nil || serr != nil {
		t.Fatal(err, serr)
	}
	return conn, &rtpSock{raw: raw}
}

// TestRxBufDrainsWithoutBlocking: recv takes what is queued, rxBatch at a
// time, with each datagram's source and kernel arrival stamp, says 0 when
// nothing is queued (it must never wait: it runs on the media shard), flags
// a datagram larger than its buffer, and reports the socket's close.
func TestRxBufDrainsWithoutBlocking(t *testing.T) {
	conn, sock := udpRxSock(t)
	b := newRxBuf().(*rxBuf)
	if n, err := b.recv(sock); n != 0 || err != nil {
		t.Fatalf("empty socket: %d datagrams, err %v", n, err)
	}
	peer, err := net.DialUDP("udp4", nil, conn.LocalAddr().(*net.UDPAddr))
	if err != nil {
		t.Fatal(err)
	}
	defer peer.Close()
	before := time.Now()
	const sent = rxBatch + 2
	for i := 0; i < sent; i++ {
		if _, err := peer.Write([]byte{byte(i), 1, 2, 3}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := peer.Write(make([]byte, rxBufSize+100)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the datagrams to be queued", func() bool {
		var q int
		_ = sock.raw.Control(func(fd uintptr) { q, _ = unix.IoctlGetInt(int(fd), unix.SIOCINQ) })
		return q > 0
	})
	time.Sleep(50 * time.Millisecond) // loopback delivers in order; let the rest land
	after := time.Now()
	var got []byte
	var truncs int
	from := net.UDPAddr{}
	for round := 0; round < 3; round++ {
		n, err := b.recv(sock)
		if err != nil {
			t.Fatal(err)
		}
		if round == 0 && n != rxBatch {
			t.Fatalf("first read took %d datagrams, want %d", n, rxBatch)
		}
		for i := 0; i < n; i++ {
			data, stamp, stamped, truncated := b.datagram(i, &from)
			if want := peer.LocalAddr().(*net.UDPAddr); !sameUDPAddr(&from, want) {
				t.Fatalf("source %v, want %v", &from, want)
			}
			if !stamped || stamp.Before(before.Add(-time.Millisecond)) || stamp.After(after.Add(time.Millisecond)) {
				t.Fatalf("kernel stamp %v (ok %v), sent between %v and %v", stamp, stamped, before, after)
			}
			if truncated {
				truncs++
				continue
			}
			if len(data) != 4 {
				t.Fatalf("datagram of %d bytes", len(data))
			}
			got = append(got, data[0])
		}
	}
	if len(got) != sent || truncs != 1 {
		t.Fatalf("read %v and %d truncated, want %d datagrams and 1 truncated", got, truncs, sent)
	}
	for i, v := range got {
		if int(v) != i {
			t.Fatalf("order %v", got)
		}
	}
	_ = conn.Close()
	if _, err := b.recv(sock); !errors.Is(err, errRxClosed) {
		t.Fatalf("closed socket: err %v", err)
	}
}

func TestCmsgStampOfNoTimestamp(t *testing.T) {
	if _, ok := cmsgStamp(nil); ok {
		t.Fatal("a stamp from no control data")
	}
	bad := make([]byte, unix.CmsgSpace(16))
	(*unix.Cmsghdr)(unsafe.Pointer(&bad[0])).Len = 1 << 20 // longer than the buffer
	if _, ok := cmsgStamp(bad); ok {
		t.Fatal("a stamp from a malformed control message")
	}
}

// TestShardReadsTheCallsSockets: by default, with the shared pacer, both
// ends of a call are read by their media shards, not by a goroutine per
// call, and the audio arrives; with per-call pacing, or with
// ReadGoroutines, each call keeps its read goroutine.
func TestShardReadsTheCallsSockets(t *testing.T) {
	for _, cfg := range []Config{{}, {RTPReadTicks: 2}, {RTPReadTicks: maxRTPReadTicks}, {PerCallPacing: true}, {ReadGoroutines: true}} {
		perCall := cfg.ReadGoroutines || cfg.PerCallPacing // want readLoop
		answered := make(chan *Call, 1)
		callee := serveWith(t, cfg, func(ctx context.Context, in *Inbound) {
			call, err := in.Answer(ctx)
			if err != nil {
				t.Error(err)
				return
			}
			answered <- call
			<-call.Done()
		})
		caller := newTestUA(t, cfg)
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		call, _, err := caller.Dial(ctx, DialRequest{To: callee.URI("debtor")})
		if err != nil {
			cancel()
			t.Fatal(err)
		}
		<-call.Play(tone(440, 500*time.Millisecond, 8000)).Done()
		var in *Call
		select {
		case in = <-answered:
		case <-ctx.Done():
			t.Fatal("not answered")
		}
		waitFor(t, "the callee to hear the caller", func() bool { return in.Stats().FramesReceived >= 20 })
		if err := call.Hangup(ctx); err != nil {
			t.Fatal(err)
		}
		<-in.Done()
		cancel()
		for _, c := range []*Call{call, in} {
			if shard := c.rx != nil; shard == perCall {
				t.Fatalf("config %+v: the %s call read by the shard: %v", cfg, c.Direction(), shard)
			}
			want := cfg.withDefaults().RTPReadTicks
			if c.rx != nil && max(c.rx.every, 1) != want {
				t.Fatalf("config %+v: the %s call drains every %d ticks, want %d", cfg, c.Direction(), c.rx.every, want)
			}
		}
		if st := in.Stats(); st.Garbage != 0 || st.ForeignSource != 0 || st.Dropped != 0 {
			t.Fatalf("config %+v: garbage %d, foreign %d, dropped %d", cfg, st.Garbage, st.ForeignSource, st.Dropped)
		}
	}
}

// FuzzRTPUnmarshalView: the shard's parse of a datagram never reads past it
// and gives a payload inside it.
func FuzzRTPUnmarshalView(f *testing.F) {
	f.Add(audioPacket(1, 160, []byte{1, 2, 3}))
	f.Add([]byte{0xa0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 9, 9, 5})
	f.Fuzz(func(t *testing.T, data []byte) {
		var pkt rtp.Packet
		if err := rtpUnmarshalView(data, &pkt); err != nil {
			return
		}
		if len(pkt.Payload) > len(data) || (len(pkt.Payload) > 0 && &pkt.Payload[0] != &data[len(data)-len(pkt.Payload)-int(pkt.PaddingSize)]) {
			t.Fatalf("payload %d bytes not inside the %d-byte datagram", len(pkt.Payload), len(data))
		}
	})
}

// TestRxDueEveryReadTicks: the shard drains a call's socket on its first
// tick, then on every RTPReadTicks-th.
func TestRxDueEveryReadTicks(t *testing.T) {
	for _, tc := range []struct {
		every int
		want  string // one tick a character: r read, - skipped
	}{
		{0, "rrrrrr"},
		{1, "rrrrrr"},
		{2, "r-r-r-"},
		{3, "r--r--"},
		{5, "r----r"},
	} {
		rx := &rxState{every: tc.every}
		var got []byte
		for range tc.want {
			if rx.due() {
				got = append(got, 'r')
			} else {
				got = append(got, '-')
			}
		}
		if string(got) != tc.want {
			t.Errorf("every %d: %s, want %s", tc.every, got, tc.want)
		}
	}
}

// TestRTPReadTicksConfig: 0 is the default (1); 1 to maxRTPReadTicks are
// taken; anything else is refused, naming the setting.
func TestRTPReadTicksConfig(t *testing.T) {
	if got := (&Config{}).withDefaults().RTPReadTicks; got != defaultRTPReadTicks {
		t.Errorf("default %d, want %d", got, defaultRTPReadTicks)
	}
	for _, n := range []int{-1, 0, 1, 2, maxRTPReadTicks, maxRTPReadTicks + 1} {
		err := (&Config{RTPReadTicks: n}).Validate()
		if ok := n >= 0 && n <= maxRTPReadTicks; ok != (err == nil) {
			t.Errorf("rtp_read_ticks %d: err %v", n, err)
		}
		if err != nil && !strings.Contains(err.Error(), "rtp_read_ticks") {
			t.Errorf("rtp_read_ticks %d: error %q does not name the setting", n, err)
		}
	}
}
