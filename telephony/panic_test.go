package telephony

import (
	"context"
	"testing"
	"time"
)

// TestReadLoopPanicEndsOnlyItsCall: a panic on one call's RTP read goroutine
// (here its packet observer) ends that call as a media fault; the process
// and a second call on the same user agents live on.
func TestReadLoopPanicEndsOnlyItsCall(t *testing.T) {
	t.Parallel()
	calls := dialAnswering(t, func(*Call) {}, "a", "b")
	doomed, other := calls[0], calls[1]
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	doomed.SetPacketObserver(func(time.Time, []int16) { panic("observer fault") })
	select {
	case <-doomed.Done():
	case <-ctx.Done():
		t.Fatal("the call whose read loop panicked did not end")
	}
	if r := doomed.EndReason(); r != "media" {
		t.Fatalf("end reason %q, want media", r)
	}
	// the other call still receives audio after the panic
	before := other.Stats().FramesReceived
	waitFor(t, "the other call's audio", func() bool { return other.Stats().FramesReceived > before+10 })
	select {
	case <-other.Done():
		t.Fatalf("the other call ended too (%s)", other.EndReason())
	default:
	}
	if err := other.Hangup(ctx); err != nil {
		t.Fatal(err)
	}
}
