package telephony

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestKernelArrivalTimes: a callee with KernelArrivalTimes times the
// caller's audio by the kernel's stamps as well as by its own clock, and a
// callee without it keeps no kernel figures. It also guards the reach into
// diago's media session (rtpSocket): after a diago upgrade that moves the
// socket, no packet is stamped and this fails.
func TestKernelArrivalTimes(t *testing.T) {
	for _, on := range []bool{true, false} {
		stats := make(chan MediaStats, 1)
		callee := serveWith(t, Config{KernelArrivalTimes: on}, func(ctx context.Context, in *Inbound) {
			call, err := in.Answer(ctx)
			if err != nil {
				t.Error(err)
				return
			}
			<-call.Done()
			stats <- call.Stats()
		})
		caller := newTestUA(t, Config{})
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		call, _, err := caller.Dial(ctx, DialRequest{To: callee.URI("debtor"), CallerID: "74951234567"})
		if err != nil {
			cancel()
			t.Fatal(err)
		}
		<-call.Play(tone(440, time.Second, 8000)).Done()
		if err := call.Hangup(ctx); err != nil {
			t.Fatal(err)
		}
		var st MediaStats
		select {
		case st = <-stats:
		case <-ctx.Done():
			t.Fatal("callee did not end")
		}
		cancel()
		if st.FramesReceived < 40 {
			t.Fatalf("kernel=%v: callee received %d frames", on, st.FramesReceived)
		}
		if !on {
			if st.ArrivalJitterKernel != nil || st.KernelStamps != 0 {
				t.Fatalf("kernel figures without KernelArrivalTimes: %d stamps", st.KernelStamps)
			}
			continue
		}
		// every audio packet read carries the kernel's stamp, but for any
		// that arrived before the read loop armed the stamps (the kernel
		// stamps datagrams only once a socket has asked); each consecutive
		// stamped pair gives one spacing, as the user-space figure does
		const early = 5
		if st.KernelStamps > st.FramesReceived || st.KernelStamps < st.FramesReceived-early {
			t.Fatalf("%d of %d packets stamped by the kernel", st.KernelStamps, st.FramesReceived)
		}
		if st.ArrivalJitterKernel == nil || st.ArrivalJitterKernel.N > st.ArrivalJitter.N || st.ArrivalJitterKernel.N < st.ArrivalJitter.N-early {
			t.Fatalf("kernel spacings %v, user-space spacings %d", st.ArrivalJitterKernel, st.ArrivalJitter.N)
		}
	}
}

func TestRTPSocketOfNoSession(t *testing.T) {
	if _, err := rtpSocket(nil); !errors.Is(err, errNoRTPSocket) {
		t.Fatalf("err %v", err)
	}
}
