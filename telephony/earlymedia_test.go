package telephony

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"
)

// TestEarlyMediaIsCaptured: a carrier plays an announcement in 183 Session
// Progress, then either rejects (the announcement comes back with the
// failure, for classification) or answers (it stays with the call).
func TestEarlyMediaIsCaptured(t *testing.T) {
	callee := serveWith(t, Config{}, func(ctx context.Context, in *Inbound) {
		early, err := in.Progress(ctx)
		if err != nil {
			t.Error(err)
			return
		}
		<-early.Play(tone(950, 1200*time.Millisecond, 6000)).Done()
		if in.To() == "announce-then-reject" {
			_ = in.Reject(480, "Temporarily Unavailable")
			return
		}
		call, err := in.Answer(ctx)
		if err != nil {
			t.Error(err)
			return
		}
		<-call.Play(tone(500, 500*time.Millisecond, 6000)).Done()
		<-ctx.Done()
	})
	caller := newTestUA(t, Config{})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()

	var progress progressCodes
	_, info, err := caller.Dial(ctx, DialRequest{To: callee.URI("announce-then-reject"), OnProgress: progress.add})
	if got := progress.get(); !slices.Equal(got, []int{183}) {
		t.Errorf("OnProgress got %v, want [183]", got)
	}
	var de *DialError
	if !errors.As(err, &de) || de.Code != 480 || de.Result != Unreachable {
		t.Fatalf("err %v, want 480 unreachable", err)
	}
	if !info.EarlyMedia || rms(info.EarlyAudio) < 1000 || len(info.EarlyAudio) < 8000/2 {
		t.Fatalf("early audio: flag %v, %d samples, rms %.0f; want the announcement", info.EarlyMedia, len(info.EarlyAudio), rms(info.EarlyAudio))
	}

	progress = progressCodes{}
	call, info, err := caller.Dial(ctx, DialRequest{To: callee.URI("announce-then-answer"), OnProgress: progress.add})
	if err != nil {
		t.Fatal(err)
	}
	if got := progress.get(); !slices.Equal(got, []int{183}) {
		t.Errorf("OnProgress got %v, want [183]", got)
	}
	if !info.EarlyMedia || rms(call.EarlyMedia()) < 1000 {
		t.Fatalf("answered call kept no early media (flag %v, rms %.0f)", info.EarlyMedia, rms(call.EarlyMedia()))
	}
	heard := make(chan struct{}, 1)
	call.SetHandler(func(f []int16, _ time.Duration, _ bool) {
		if rms(f) > 1000 {
			select {
			case heard <- struct{}{}:
			default:
			}
		}
	})
	select {
	case <-heard:
	case <-time.After(5 * time.Second):
		t.Fatalf("no audio after the answer; stats %+v", call.Stats())
	}
	if err := call.Hangup(ctx); err != nil {
		t.Fatal(err)
	}
}
