package telephony

import (
	"context"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestRTPPortRange: calls take their RTP ports from a fixed range by default
// (one a firewall can open), the configured range when one is given. diago
// keeps the range process-wide, so every test here runs in the default one,
// and a UA asking for another range is refused, naming both.
func TestRTPPortRange(t *testing.T) {
	const lo, hi = DefaultRTPPortMin, DefaultRTPPortMax
	callee := serveWith(t, Config{}, func(ctx context.Context, in *Inbound) {
		if call, err := in.Answer(ctx); err == nil {
			<-call.Done()
		}
	})
	caller := newTestUA(t, Config{RTPPortMin: lo, RTPPortMax: hi})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	call, _, err := caller.Dial(ctx, DialRequest{To: callee.URI("x")})
	if err != nil {
		t.Fatal(err)
	}
	defer call.Hangup(ctx)
	_, portStr, err := net.SplitHostPort(call.LocalRTPAddr())
	if err != nil {
		t.Fatal(err)
	}
	port, _ := strconv.Atoi(portStr)
	if port < lo || port >= hi {
		t.Fatalf("RTP port %d outside %d..%d", port, lo, hi)
	}
	for _, bad := range []Config{{RTPPortMin: 5000, RTPPortMax: 4000}, {RTPPortMin: 5000}, {RTPPortMax: 5000}, {RTPPortMin: 60000, RTPPortMax: 70000}} {
		if err := bad.Validate(); err == nil {
			t.Errorf("RTP range %d..%d was accepted", bad.RTPPortMin, bad.RTPPortMax)
		}
	}

	if err := (&Config{RTPSource: "loose"}).Validate(); err == nil || !strings.Contains(err.Error(), "rtp_source") {
		t.Errorf("rtp_source loose: err %v, want one naming rtp_source", err)
	}

	// The same range again, named, is fine; another one is an error naming both.
	if _, err := New(ctx, Config{RTPPortMin: lo, RTPPortMax: hi}, testLogger()); err != nil {
		t.Fatalf("a second UA with the same range: %v", err)
	}
	_, err = New(ctx, Config{RTPPortMin: 30000, RTPPortMax: 31000}, testLogger())
	if err == nil || !strings.Contains(err.Error(), "30000..31000") || !strings.Contains(err.Error(), "10000..20000") {
		t.Fatalf("a second UA with another range: err %v, want one naming 30000..31000 and 10000..20000", err)
	}
}
