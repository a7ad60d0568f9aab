package telephony

import (
	"testing"
	"time"

	"github.com/pion/rtcp"
)

// TestRTCPReceptionReport: the reception block the shard's reads give the
// call's sender reports counts loss over the sequence wrap, the fraction
// lost since the last report, RFC 3550's jitter, and LSR/DLSR from the far
// end's last sender report.
func TestRTCPReceptionReport(t *testing.T) {
	var r rtcpReception
	if _, ok := r.report(time.Now()); ok {
		t.Fatal("a report before any packet")
	}
	t0 := time.Unix(1000, 0)
	// 10 packets at a steady 20 ms from seq 65530, wrapping; 65533 and 2 lost
	seq, ts := uint16(65530), uint32(7777)
	var sent int
	for i := 0; i < 10; i++ {
		if seq != 65533 && seq != 2 {
			r.received(0xabc, seq, ts, t0.Add(time.Duration(i)*FrameDuration), true)
			sent++
		}
		seq++
		ts += frameSamples
	}
	r.senderReport(0x1122334455667788, t0)
	now := t0.Add(time.Second)
	rr, ok := r.report(now)
	if !ok {
		t.Fatal("no report")
	}
	want := rtcp.ReceptionReport{
		SSRC:               0xabc,
		FractionLost:       2 * 256 / 10,
		TotalLost:          2,
		LastSequenceNumber: 1<<16 + 3,
		Jitter:             0,
		LastSenderReport:   0x33445566,
		Delay:              65536,
	}
	if rr != want {
		t.Fatalf("report %+v, want %+v", rr, want)
	}
	// the next interval loses nothing; a packet 10 ms late gives jitter
	r.received(0xabc, 4, ts, t0.Add(10*FrameDuration), true)
	r.received(0xabc, 5, ts+frameSamples, t0.Add(11*FrameDuration+10*time.Millisecond), true)
	rr, _ = r.report(now)
	if rr.FractionLost != 0 || rr.TotalLost != 2 || rr.LastSequenceNumber != 1<<16+5 {
		t.Fatalf("second interval: %+v", rr)
	}
	if rr.Jitter != 80/16 { // 10 ms = 80 samples, smoothed by 1/16
		t.Fatalf("jitter %d, want %d", rr.Jitter, 80/16)
	}
	// a new SSRC starts the figures afresh
	r.received(0xdef, 100, 0, now, true)
	if rr, _ = r.report(now); rr.SSRC != 0xdef || rr.TotalLost != 0 || rr.LastSequenceNumber != 100 {
		t.Fatalf("new stream: %+v", rr)
	}
}
