package telephony

import (
	"sync"
	"time"

	diagomedia "github.com/emiago/diago/media"
	"github.com/pion/rtcp"
)

// rtcpReception keeps the receiver side of a call's RTCP reports (RFC 3550
// 6.4.1, A.3, A.8) when the media shard reads the socket: diago's
// RTPSession.ReadRTP keeps these figures in unexported fields and reports
// them in its sender reports every 5 s, and the shard's reads bypass it.
// The session's own reports still go out on diago's RTCP goroutine; an
// OnWriteRTCP interceptor puts this reception block in them.
type rtcpReception struct {
	mu      sync.Mutex
	started bool
	ssrc    uint32
	baseSeq uint32
	maxSeq  uint16
	cycles  uint32
	count   uint32 // packets received

	expectedPrior, receivedPrior uint32

	jitter     float64 // in timestamp units (8 kHz), RFC 3550 A.8
	transit    int64
	hasTransit bool
	firstArr   time.Time

	lastSR   uint32 // the middle 32 bits of the last sender report's NTP time
	lastSRAt time.Time
}

// received counts a packet of the call's locked stream that arrived at
// arrival; withJitter is false for telephone-events, whose timestamps are
// the event's start and say nothing of the line's jitter.
func (r *rtcpReception) received(ssrc uint32, seq uint16, ts uint32, arrival time.Time, withJitter bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.started || ssrc != r.ssrc {
		// a new stream: its figures start afresh (the far end's reports stay)
		r.started, r.ssrc, r.baseSeq, r.maxSeq, r.cycles, r.count = true, ssrc, uint32(seq), seq, 0, 0
		r.expectedPrior, r.receivedPrior = 0, 0
		r.jitter, r.transit, r.hasTransit, r.firstArr = 0, 0, false, arrival
	} else if d := seq - r.maxSeq; d > 0 && d < 3000 { // in order, perhaps after a gap
		if seq < r.maxSeq {
			r.cycles += 1 << 16
		}
		r.maxSeq = seq
	}
	r.count++
	if !withJitter {
		return
	}
	// arrival in timestamp units, from the stream's first packet (no overflow)
	arr := int64(arrival.Sub(r.firstArr)) * sampleRate / int64(time.Second)
	transit := arr - int64(ts)
	if r.hasTransit {
		d := float64(transit - r.transit)
		if d < 0 {
			d = -d
		}
		r.jitter += (d - r.jitter) / 16
	}
	r.transit, r.hasTransit = transit, true
}

// senderReport notes the far end's sender report (for LSR and DLSR).
func (r *rtcpReception) senderReport(ntp uint64, at time.Time) {
	r.mu.Lock()
	r.lastSR, r.lastSRAt = uint32(ntp>>16), at
	r.mu.Unlock()
}

// report is the reception block at now; ok is false before any packet.
func (r *rtcpReception) report(now time.Time) (rr rtcp.ReceptionReport, ok bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.started {
		return rr, false
	}
	extMax := r.cycles + uint32(r.maxSeq)
	expected := extMax - r.baseSeq + 1
	lost := int64(expected) - int64(r.count)
	lost = max(min(lost, 0x7fffff), -0x800000) // 24-bit signed
	expInt := expected - r.expectedPrior
	recvInt := r.count - r.receivedPrior
	r.expectedPrior, r.receivedPrior = expected, r.count
	var fraction uint8
	if lostInt := int64(expInt) - int64(recvInt); expInt > 0 && lostInt > 0 {
		fraction = uint8(min(lostInt<<8/int64(expInt), 255))
	}
	var dlsr uint32
	if !r.lastSRAt.IsZero() {
		dlsr = uint32(now.Sub(r.lastSRAt) * 65536 / time.Second)
	}
	return rtcp.ReceptionReport{
		SSRC:               r.ssrc,
		FractionLost:       fraction,
		TotalLost:          uint32(lost) & 0xffffff,
		LastSequenceNumber: extMax,
		Jitter:             uint32(r.jitter),
		LastSenderReport:   r.lastSR,
		Delay:              dlsr,
	}, true
}

// reportRTCP makes s's RTCP reports carry this call's reception figures
// (shard reads only; diago's ReadRTP keeps its own otherwise).
func (c *Call) reportRTCP(s *diagomedia.RTPSession) {
	r := c.rtcpRx
	if r == nil || s == nil {
		return
	}
	s.OnReadRTCP(func(pkt rtcp.Packet, _ diagomedia.RTPReadStats) {
		if sr, ok := pkt.(*rtcp.SenderReport); ok {
			r.senderReport(sr.NTPTime, time.Now())
		}
	})
	s.OnWriteRTCP(func(pkt rtcp.Packet, _ diagomedia.RTPWriteStats) {
		rr, ok := r.report(time.Now())
		var reports []rtcp.ReceptionReport
		if ok {
			reports = []rtcp.ReceptionReport{rr}
		}
		switch p := pkt.(type) {
		case *rtcp.SenderReport:
			p.Reports = reports
		case *rtcp.ReceiverReport:
			p.Reports = reports
		}
	})
}
