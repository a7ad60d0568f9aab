package events

import (
	"testing"

	"github.com/dozvon/dozvon/callflow"
)

// TestCallEventNeverBlocks: with the writer stuck (not running at all),
// CallEvent returns for every event, keeps the queue's worth and counts the
// rest as dropped; once the writer runs the kept ones arrive in order.
func TestCallEventNeverBlocks(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	h, err := NewHub(HubConfig{Store: blockingStore{Store: openStore(t), release: release}, Queue: 8})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 20 {
		h.CallEvent(turn(i, "c", "d1", "x")) // would hang the test if it blocked
	}
	if got := h.Stats().Dropped; got != 12 {
		t.Fatalf("dropped %d, want 12 (20 events, queue of 8)", got)
	}
	sub := h.Subscribe(nil, 16)
	defer sub.Close()
	ctx := t.Context()
	go h.Run(ctx)
	close(release)
	var last int64
	for i := range 8 {
		e := recv(t, sub)
		if turnSeq(t, e) != i || e.Seq <= last {
			t.Fatalf("event %d: turn %d seq %d after %d", i, turnSeq(t, e), e.Seq, last)
		}
		last = e.Seq
	}
}

// TestHubSurvivesPanics: a panic in the store loses one batch, counted;
// the hub goes on storing and sending. A nil hub and events with nothing
// to show do not panic either.
func TestHubSurvivesPanics(t *testing.T) {
	t.Parallel()
	var nilHub *Hub
	nilHub.CallEvent(turn(0, "c", "d", "x"))
	nilHub.Publish(Envelope{})

	h := startHub(t, &panickyStore{Store: openStore(t)}, 64)
	sub := h.Subscribe(nil, 16)
	defer sub.Close()
	h.CallEvent(turn(1, "c", "d1", "lost"))
	waitFor(t, "the lost batch", func() bool { return h.Stats().Lost == 1 })
	h.CallEvent(callflow.Event{Kind: callflow.Verdict, CallID: "x"}) // no decision: nothing to show
	h.CallEvent(callflow.Event{Kind: callflow.TurnTook, CallID: "x"})
	h.CallEvent(turn(2, "c", "d1", "kept"))
	e := recv(t, sub)
	if turnSeq(t, e) != 2 || e.Seq <= 0 {
		t.Fatalf("after the panic got turn %d seq %d, want turn 2 stored", turnSeq(t, e), e.Seq)
	}
	if s := h.Stats(); s.Lost != 1 || s.Dropped != 0 {
		t.Errorf("stats %+v: want 1 lost, 0 dropped", s)
	}
}
