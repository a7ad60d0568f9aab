package telephony

import (
	"context"
	"net"
	"strconv"
	"testing"
	"time"
)

// TestRTPPortRange: calls take their RTP ports from the configured range.
// diago keeps the range process-wide, so this test sets a wide one (kept by
// the tests that run after it in this package — zz_ sorts it last).
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
	if bad := (&Config{RTPPortMin: 5000, RTPPortMax: 4000}).Validate(); bad == nil {
		t.Fatal("an inverted RTP range was accepted")
	}
}
