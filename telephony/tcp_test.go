package telephony

import (
	"context"
	"testing"
	"time"
)

// TestDialOverTCP: SIP signalling over TCP (media stays RTP/UDP).
func TestDialOverTCP(t *testing.T) {
	tcp := []Listen{{Transport: "tcp", Host: "127.0.0.1"}}
	heard := make(chan struct{}, 1)
	callee := serveWith(t, Config{Listen: tcp}, func(ctx context.Context, in *Inbound) {
		call, err := in.Answer(ctx)
		if err != nil {
			t.Error(err)
			return
		}
		call.SetHandler(func(f []int16, _ time.Duration, _ bool) {
			if rms(f) > 1000 {
				select {
				case heard <- struct{}{}:
				default:
				}
			}
		})
		<-call.Done()
	})
	caller := newTestUA(t, Config{Listen: tcp})
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	call, _, err := caller.Dial(ctx, DialRequest{To: callee.URI("debtor") + ";transport=tcp"})
	if err != nil {
		t.Fatal(err)
	}
	call.Play(tone(800, 2*time.Second, 6000))
	select {
	case <-heard:
	case <-time.After(5 * time.Second):
		t.Fatalf("no audio over a TCP-signalled call; stats %+v", call.Stats())
	}
	if err := call.Hangup(ctx); err != nil {
		t.Fatal(err)
	}
}
