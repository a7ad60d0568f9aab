package telephony

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/dozvon/dozvon/internal/logsink"
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

// TestInboundHandlerPanicEndsOnlyItsCall: an inbound handler that panics
// after answering ends that call and, before answering, answers 500; the
// log keeps the stack but not the panic's value, which may quote the caller
// (it used to log the value, without a stack); the next call on the same
// user agent is served.
func TestInboundHandlerPanicEndsOnlyItsCall(t *testing.T) {
	t.Parallel()
	log, logs := logsink.New()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	callee, err := New(ctx, Config{Listen: []Listen{{Transport: "udp", Host: "127.0.0.1"}}}, log)
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan string, 4)
	err = callee.Serve(ctx, func(ctx context.Context, in *Inbound) {
		switch in.To() {
		case "after-answer":
			if _, err := in.Answer(ctx); err == nil {
				panic("debtor +79131234567 confused the handler")
			}
		case "before-answer":
			panic(fmt.Errorf("no script for +79131234567"))
		default:
			call, err := in.Answer(ctx)
			if err != nil {
				return
			}
			served <- in.To()
			<-call.Done()
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	caller := newTestUA(t, Config{})
	call, _, err := caller.Dial(ctx, DialRequest{To: callee.URI("after-answer")})
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	select {
	case <-call.Done():
	case <-ctx.Done():
		t.Fatal("the call whose handler panicked after answering stayed up")
	}
	if _, _, err := caller.Dial(ctx, DialRequest{To: callee.URI("before-answer")}); err == nil {
		t.Fatal("a handler that panicked before answering: the call was answered")
	} else if de := (*DialError)(nil); !errors.As(err, &de) || de.Code != 500 {
		t.Fatalf("before answering: %v, want a 500", err)
	}
	next, _, err := caller.Dial(ctx, DialRequest{To: callee.URI("next")})
	if err != nil {
		t.Fatalf("the next call after the panics: %v", err)
	}
	if got := <-served; got != "next" {
		t.Fatalf("served %q", got)
	}
	_ = next.Hangup(ctx)
	out := logs.String()
	if logs.Count("panic recovered") != 2 || !strings.Contains(out, "goroutine") {
		t.Errorf("want two panics logged with their stacks; log:\n%s", out)
	}
	if strings.Contains(out, "79131234567") {
		t.Errorf("the panic's value (a phone number) reached the log:\n%s", out)
	}
}
