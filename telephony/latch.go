package telephony

import (
	"fmt"
	"net"
)

// Which far-end addresses a call takes media (audio and DTMF) from
// (Config.RTPSource).
const (
	// RTPSourceLatch (the default) takes the SDP-negotiated address; until
	// that address is heard, the first source on the SDP host (another port of
	// the same IP) is latched instead. Once the SDP address sends, the call is
	// latched to it for good.
	RTPSourceLatch = "latch"
	// RTPSourceStrict takes the SDP-negotiated address only.
	RTPSourceStrict = "strict"
	// RTPSourceFirst latches the first source from anywhere (a peer behind
	// NAT whose SDP names a private address); the SDP address still takes
	// over once heard. Weaker: whoever sends first before the peer wins.
	RTPSourceFirst = "first"
)

// sourceLatch decides which datagrams of one RTP session are the far end's.
// It belongs to the call's reader (the media shard, or the read loop) — no locking.
//
// Hand-written rather than diago's media.RTPSourceLock (v0.25.0): that one
// is a process-wide switch, drops the first packets of every stream while it
// learns, latches whichever source first sends four packets in sequence —
// an attacker spraying the port range wins as easily as the peer — and drops
// the rest silently, so nothing can count what it refused.
type sourceLatch struct {
	mode  string
	sdp   net.UDPAddr  // the address the far end's SDP named
	addr  *net.UDPAddr // the latched source; nil before the first accepted packet
	final bool         // latched to the SDP address: never moves again
}

func newSourceLatch(mode string, sdp net.UDPAddr) *sourceLatch {
	if mode == "" {
		mode = RTPSourceLatch
	}
	return &sourceLatch{mode: mode, sdp: sdp}
}

// accept reports whether a datagram from from is the far end's media, and
// whether it moved the latch (the caller then restarts its SSRC lock: a new
// source is a new stream).
func (l *sourceLatch) accept(from net.Addr) (ok, moved bool) {
	a, isUDP := from.(*net.UDPAddr)
	if !isUDP || a == nil {
		return false, false
	}
	if sameUDPAddr(a, &l.sdp) {
		if l.final {
			return true, false
		}
		moved = l.addr != nil
		l.addr, l.final = &l.sdp, true
		return true, moved
	}
	if l.addr != nil {
		return !l.final && sameUDPAddr(a, l.addr), false
	}
	switch {
	case l.mode == RTPSourceFirst, l.sdp.IP == nil: // no SDP address to hold to
	case l.mode == RTPSourceLatch:
		if !a.IP.Equal(l.sdp.IP) {
			return false, false
		}
	default: // strict
		return false, false
	}
	c := *a
	c.IP = append(net.IP(nil), a.IP...) // the reader's address is reused
	l.addr = &c
	return true, false
}

func sameUDPAddr(a, b *net.UDPAddr) bool {
	return a.Port == b.Port && a.IP.Equal(b.IP) && a.Zone == b.Zone
}

func validRTPSource(mode string) error {
	switch mode {
	case "", RTPSourceLatch, RTPSourceStrict, RTPSourceFirst:
		return nil
	}
	return fmt.Errorf("telephony config: rtp_source %q: want %s, %s or %s", mode, RTPSourceLatch, RTPSourceStrict, RTPSourceFirst)
}
