package events

import (
	"context"
	"encoding/json"
	"runtime"
	"testing"
	"time"

	"github.com/dozvon/dozvon/callflow"
	"github.com/dozvon/dozvon/clock"
	"github.com/dozvon/dozvon/store"
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
	runHub(t, h)
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

// TestPublishStampsAndReplays: a published envelope without a time or data
// gets the hub's clock and {}, is stored with a seq, and replays and
// marshals like any other.
func TestPublishStampsAndReplays(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 12, 6, 9, 30, 0, 0, time.UTC)
	h, err := NewHub(HubConfig{Store: openStore(t), Clock: clock.Fixed(at)})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() { h.Run(ctx); close(done) }()
	sub := h.Subscribe([]string{"spring"}, 4)
	h.Publish(Envelope{Type: TypeCallbackDue, Campaign: "spring", Debtor: "d1"})
	live := recv(t, sub)
	sub.Close() // Run, once stopped, waits for open subscriptions
	cancel()
	<-done
	replayed, err := h.Since(t.Context(), 0, store.EventFilter{}, 10)
	if err != nil || len(replayed) != 1 {
		t.Fatalf("replay: %v, %d events, want 1", err, len(replayed))
	}
	for _, e := range []Envelope{live, replayed[0]} {
		b, err := json.Marshal(e)
		if err != nil || !e.At.Equal(at) || e.Seq != live.Seq || e.Seq <= 0 || string(e.Data) != `{}` {
			t.Errorf("envelope %s (%v): want seq %d at %s with data {}", b, err, live.Seq, at)
		}
	}
}

// TestRunStoresWhatIsQueuedAtShutdown: events queued when Run's context
// ends are all stored before it returns (a restart loses none of them).
func TestRunStoresWhatIsQueuedAtShutdown(t *testing.T) {
	t.Parallel()
	h, err := NewHub(HubConfig{Store: openStore(t), Batch: 4})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 10 {
		h.CallEvent(turn(i, "spring", "d1", "x"))
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	h.Run(ctx) // returns at once: the context is done
	got, err := h.Since(t.Context(), 0, store.EventFilter{}, 100)
	if err != nil || len(got) != 10 {
		t.Fatalf("stored %d events (%v), want 10", len(got), err)
	}
	if s := h.Stats(); s.Lost != 0 {
		t.Errorf("lost %d", s.Lost)
	}
}

// batchStore is a Store test double that numbers events and reports each
// batch's size on a channel.
type batchStore struct {
	Store
	seq     int64
	batches chan int
}

func (b *batchStore) AppendEvents(_ context.Context, rows []store.EventRow) error {
	for i := range rows {
		b.seq++
		rows[i].Seq = b.seq
	}
	b.batches <- len(rows)
	return nil
}

func (b *batchStore) LastEventSeq(context.Context) (int64, error) { return b.seq, nil }

func (b *batchStore) EventsSince(context.Context, int64, store.EventFilter, int) ([]store.EventRow, error) {
	return nil, nil
}

// TestLingerGathersABatch: events sent one at a time, each taken by the
// writer before the next is sent, go to the store as one batch while it
// lingers — written as soon as the batch is full, not when the (here
// endless) linger ends; without a linger each would be a batch of its own.
// A batch still gathering when Run's context ends is stored before Run
// returns.
func TestLingerGathersABatch(t *testing.T) {
	t.Parallel()
	st := &batchStore{batches: make(chan int, 16)}
	h, err := NewHub(HubConfig{Store: st, Batch: 4, Linger: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	sub := h.Subscribe(nil, 16)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() { h.Run(ctx); close(done) }()
	send := func(i int) {
		h.CallEvent(turn(i, "spring", "d1", "x"))
		for len(h.queue) > 0 { // the writer has it before the next is sent
			runtime.Gosched()
		}
	}
	for i := range 4 {
		send(i)
	}
	if n := <-st.batches; n != 4 {
		t.Fatalf("first batch %d events, want 4 (one full batch)", n)
	}
	for i := range 4 {
		if e := <-sub.C(); turnSeq(t, e) != i {
			t.Fatalf("event %d is turn %d", i, turnSeq(t, e))
		}
	}
	sub.Close() // Run's end waits for its subscribers
	send(4)
	send(5)
	cancel()
	<-done
	stored := 0
	for len(st.batches) > 0 {
		stored += <-st.batches
	}
	if stored != 2 {
		t.Errorf("stored %d of the 2 events pending at shutdown", stored)
	}
	if s := h.Stats(); s.Lost+s.Dropped != 0 {
		t.Errorf("stats %+v: nothing may be lost", s)
	}
}
