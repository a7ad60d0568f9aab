package telephony

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// TestBlindTransferREFER: the robot hands the debtor's phone (sipp) to an
// operator with REFER; sipp checks the Refer-To and accepts with 202.
// (A diago endpoint cannot be the transferee: diago v0.25.0 fails to parse
// the Refer-To header sipgo gives it, so a real peer plays the phone.)
func TestBlindTransferREFER(t *testing.T) {
	sippPath(t) // skips the test when sipp is missing
	ports := freeUDPPorts(t, 2)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd, out := startSipp(ctx, t, "sipp_uas_refer.xml", ports[0], ports[1], "25s")
	waitBound(t, ports[0])
	robotUA := newTestUA(t, Config{})
	call, _, err := robotUA.Dial(ctx, DialRequest{To: fmt.Sprintf("sip:debtor@127.0.0.1:%d", ports[0])})
	if err != nil {
		t.Fatalf("dial: %v\n%s", err, out.String())
	}
	<-call.Play(tone(400, 200*time.Millisecond, 3000)).Done()
	if err := call.Transfer(ctx, "sip:operator-7@127.0.0.1:5099"); err != nil {
		t.Fatalf("transfer: %v\n%s", err, out.String())
	}
	_ = call.Hangup(ctx)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("sipp rejected the REFER or the call: %v\n%s", err, out.String())
	}
}

// TestBridgeConnectsTwoCalls: two answered calls bridged at PCM level hear
// each other through both media loops (and both keep recording).
func TestBridgeConnectsTwoCalls(t *testing.T) {
	heardByB := make(chan float64, 1)
	a := serveWith(t, Config{}, func(ctx context.Context, in *Inbound) {
		call, err := in.Answer(ctx)
		if err != nil {
			return
		}
		call.Play(tone(700, 3*time.Second, 7000))
		<-call.Done()
	})
	b := serveWith(t, Config{}, func(ctx context.Context, in *Inbound) {
		call, err := in.Answer(ctx)
		if err != nil {
			return
		}
		var loud int
		call.SetHandler(func(f []int16, _ time.Duration, _ bool) {
			if rms(f) > 1000 {
				loud++
				if loud == 25 {
					heardByB <- rms(f)
				}
			}
		})
		<-call.Done()
	})
	hub := newTestUA(t, Config{})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	legA, _, err := hub.Dial(ctx, DialRequest{To: a.URI("debtor")})
	if err != nil {
		t.Fatal(err)
	}
	legB, _, err := hub.Dial(ctx, DialRequest{To: b.URI("collector")})
	if err != nil {
		t.Fatal(err)
	}
	Bridge(legA, legB)
	select {
	case <-heardByB:
	case <-time.After(10 * time.Second):
		t.Fatal("the collector did not hear the debtor through the bridge")
	}
	_ = legA.Hangup(ctx)
	_ = legB.Hangup(ctx)
}
