package telephony

import (
	"context"
	"testing"
	"time"
)

// TestJoinEndsWithEitherLeg: Join bridges two legs until one far end hangs
// up, then hangs up the other and says which ended; a leg dialed with
// NoRecord leaves no recording while the other keeps one.
func TestJoinEndsWithEitherLeg(t *testing.T) {
	answer := func(release <-chan struct{}) InboundHandler {
		return func(ctx context.Context, in *Inbound) {
			call, err := in.Answer(ctx)
			if err != nil {
				return
			}
			call.Play(tone(700, 5*time.Second, 7000))
			select { // returning hangs up (BYE)
			case <-release:
			case <-call.Done():
			}
		}
	}
	never, hangB := make(chan struct{}), make(chan struct{})
	a := serveWith(t, Config{}, answer(never))
	b := serveWith(t, Config{}, answer(hangB))
	hub := newTestUA(t, Config{RecordDir: t.TempDir()})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	legA, _, err := hub.Dial(ctx, DialRequest{To: a.URI("debtor")})
	if err != nil {
		t.Fatal(err)
	}
	legB, _, err := hub.Dial(ctx, DialRequest{To: b.URI("collector"), NoRecord: true})
	if err != nil {
		t.Fatal(err)
	}
	if legA.RecordingPath() == "" || legB.RecordingPath() != "" {
		t.Fatalf("recordings: debtor %q, collector %q; want the debtor's leg alone recorded", legA.RecordingPath(), legB.RecordingPath())
	}
	joined := make(chan *Call, 1)
	go func() { joined <- Join(ctx, legA, legB) }()
	close(hangB)
	select {
	case first := <-joined:
		if first != legB {
			t.Fatalf("Join returned %v, want the collector's leg (it hung up)", first)
		}
	case <-ctx.Done():
		t.Fatal("Join did not end when a leg hung up")
	}
	select {
	case <-legA.Done():
	case <-ctx.Done():
		t.Fatal("the other leg was not hung up")
	}
	if legA.Bridged() || legB.Bridged() {
		t.Error("legs still bridged after Join")
	}
}
