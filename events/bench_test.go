package events

import (
	"context"
	"fmt"
	"syscall"
	"testing"
	"time"

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

// BenchmarkAppendBatch is the store's cost per event by batch size (one
// transaction, FULL sync, per batch): what the hub's linger buys.
func BenchmarkAppendBatch(b *testing.B) {
	for _, n := range []int{1, 2, 8, 32} {
		b.Run(fmt.Sprintf("batch=%d", n), func(b *testing.B) {
			db := openStore(b)
			rows := make([]store.EventRow, n)
			at := time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)
			for i := range rows {
				rows[i] = store.EventRow{At: at, Type: "call.turn", Campaign: "spring", CallID: "call-d1", DebtorID: "d1",
					Body: []byte(`{"seq":1,"who":"robot","kind":"say","text":"Здравствуйте, это напоминание о платеже"}`)}
			}
			b.ReportAllocs()
			events := 0
			cpu0 := cpuTime(b)
			for b.Loop() {
				if err := db.AppendEvents(b.Context(), rows); err != nil {
					b.Fatal(err)
				}
				events += n
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(events), "ns/event")
			b.ReportMetric(float64((cpuTime(b)-cpu0).Nanoseconds())/float64(events), "cpu-ns/event")
		})
	}
}

// cpuTime is the process's user+system CPU so far: a write's cost here is
// mostly the fsync's wait, which wall time would count.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
