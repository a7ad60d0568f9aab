package events

import (
	"context"
	"testing"

	"github.com/dozvon/dozvon/store"
)

// discardStore is a Store test double that numbers events and keeps none,
// to measure the hub without the disk.
type discardStore struct {
	Store
	seq int64
}

func (d *discardStore) AppendEvents(_ context.Context, rows []store.EventRow) error {
	for i := range rows {
		d.seq++
		rows[i].Seq = d.seq
	}
	return nil
}

// BenchmarkCallEvent is what a call pays per event: an enqueue (the hub
// runs and drains meanwhile; drops/op says how many it could not keep).
func BenchmarkCallEvent(b *testing.B) {
	h := startHub(b, &discardStore{}, 8192)
	e := turn(1, "spring", "d1", "Здравствуйте, это напоминание о платеже")
	b.ReportAllocs()
	for b.Loop() {
		h.CallEvent(e)
	}
	b.ReportMetric(float64(h.Stats().Dropped)/float64(b.N), "drops/op")
}

// BenchmarkHubToSubscriber: events stored on a real SQLite store (FULL
// sync, batched by the hub) and delivered to a subscriber.
func BenchmarkHubToSubscriber(b *testing.B) {
	h := startHub(b, openStore(b), 1<<16)
	sub := h.Subscribe(nil, 1<<16)
	defer sub.Close()
	e := turn(1, "spring", "d1", "Здравствуйте, это напоминание о платеже")
	n := 0
	for b.Loop() {
		h.CallEvent(e)
		n++
		if n%4096 == 0 { // keep within the queue: wait for the hub to catch up
			for range 4096 {
				<-sub.C()
			}
		}
	}
	for range n % 4096 {
		<-sub.C()
	}
	if s := h.Stats(); s.Dropped+s.Lost+s.SlowDropped != 0 {
		b.Fatalf("stats %+v: nothing may be lost", s)
	}
}
