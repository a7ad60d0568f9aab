package telephony

import (
	"context"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestRTPPortRange: calls take their RTP ports from the configured range.
// diago keeps the range process-wide, so this test sets a wide one (kept by
// the tests that run after it in this package — zz_ sorts it last), and a UA
// asking for another range is refused, naming both.
func TestRTPPortRange(t *testing.T) {
	const lo, hi = 21000, 29000
	callee := serveWith(t, Config{RTPPortMin: lo, RTPPortMax: hi}, func(ctx context.Context, in *Inbound) {
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
	for _, bad := range []Config{{RTPPortMin: 5000, RTPPortMax: 4000}, {RTPPortMin: 5000}, {RTPPortMax: 5000}} {
		if err := bad.Validate(); err == nil {
			t.Errorf("RTP range %d..%d was accepted", bad.RTPPortMin, bad.RTPPortMax)
		}
	}

	// The same range again is fine; another one is an error naming both.
	if _, err := New(ctx, Config{RTPPortMin: lo, RTPPortMax: hi}, testLogger()); err != nil {
		t.Fatalf("a second UA with the same range: %v", err)
	}
	_, err = New(ctx, Config{RTPPortMin: 30000, RTPPortMax: 31000}, testLogger())
	if err == nil || !strings.Contains(err.Error(), "30000..31000") || !strings.Contains(err.Error(), "21000..29000") {
		t.Fatalf("a second UA with another range: err %v, want one naming 30000..31000 and 21000..29000", err)
	}
}
