package telephony

import (
	"context"
	"sync/atomic"
	"testing"
	"time"
)

// TestDTMFRoundTrip: digits sent as RFC 4733 telephone-events by one side
// arrive, once each and in order, on the other side's DTMF channel.
func TestDTMFRoundTrip(t *testing.T) {
	got := make(chan string, 1)
	var calleeLost atomic.Int64
	calleeDone := make(chan struct{})
	callee := serveWith(t, Config{}, func(ctx context.Context, in *Inbound) {
		call, err := in.Answer(ctx)
		if err != nil {
			return
		}
		var digits string
		for len(digits) < 4 {
			select {
			case d := <-call.DTMF():
				digits += string(d)
			case <-time.After(5 * time.Second):
				got <- digits
				return
			}
		}
		got <- digits
		<-call.Done()
		calleeLost.Store(call.Stats().Lost)
		close(calleeDone)
	})
	caller := newTestUA(t, Config{})
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	call, _, err := caller.Dial(ctx, DialRequest{To: callee.URI("ivr")})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range "1#9*" {
		if err := call.SendDTMF(d); err != nil {
			t.Fatal(err)
		}
	}
	if err := call.SendDTMF('x'); err == nil {
		t.Fatal("SendDTMF accepted 'x'")
	}
	<-call.Play(make([]int16, 8000)).Done() // a second of audio after the digits
	d := <-got
	_ = call.Hangup(ctx)
	<-calleeDone
	if d != "1#9*" {
		t.Fatalf("callee got %q, want 1#9*", d)
	}
	if lost := calleeLost.Load(); lost != 0 {
		t.Fatalf("callee counted %d frames lost where digits replaced audio", lost)
	}
	_ = call.Hangup(ctx)
}
