package store_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/dozvon/dozvon/store"
	"github.com/dozvon/dozvon/store/storetest"
)

// TestEventsAppendAndReplay: appended events get increasing seqs, and a
// replay after a seq returns exactly the later ones, filtered by campaign
// and limited, on both back ends.
func TestEventsAppendAndReplay(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		at := time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)
		var rows []store.EventRow
		for i, c := range []string{"a", "b", "a", "a", "b"} {
			rows = append(rows, store.EventRow{At: at.Add(time.Duration(i) * time.Second), Type: "call.status", Campaign: c,
				CallID: "call-1", DebtorID: "d-1", Body: []byte(`{"status":"ringing"}`)})
		}
		if err := db.AppendEvents(ctx, rows[:2]); err != nil {
			t.Fatal(err)
		}
		if err := db.AppendEvents(ctx, rows[2:]); err != nil {
			t.Fatal(err)
		}
		for i := 1; i < len(rows); i++ {
			if rows[i].Seq <= rows[i-1].Seq {
				t.Fatalf("seq %d after %d: want increasing", rows[i].Seq, rows[i-1].Seq)
			}
		}
		tests := []struct {
			name  string
			after int64
			f     store.EventFilter
			limit int
			want  []int // indexes into rows
		}{
			{"all", 0, store.EventFilter{}, 100, []int{0, 1, 2, 3, 4}},
			{"after the second", rows[1].Seq, store.EventFilter{}, 100, []int{2, 3, 4}},
			{"campaign a", 0, store.EventFilter{Campaigns: []string{"a"}}, 100, []int{0, 2, 3}},
			{"two campaigns, limited", rows[0].Seq, store.EventFilter{Campaigns: []string{"a", "b"}}, 2, []int{1, 2}},
			{"none left", rows[4].Seq, store.EventFilter{}, 100, nil},
		}
		for _, tt := range tests {
			got, err := db.EventsSince(ctx, tt.after, tt.f, tt.limit)
			if err != nil {
				t.Fatalf("%s: %v", tt.name, err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("%s: got %d events, want %d", tt.name, len(got), len(tt.want))
			}
			for i, w := range tt.want {
				r := rows[w]
				g := got[i]
				if g.Seq != r.Seq || g.Campaign != r.Campaign || g.Type != r.Type || string(g.Body) != string(r.Body) || !g.At.Equal(r.At) || g.DebtorID != "d-1" || g.CallID != "call-1" {
					t.Errorf("%s: event %d = %+v, want %+v", tt.name, i, g, r)
				}
			}
		}
		if _, err := db.EventsSince(ctx, 0, store.EventFilter{}, 0); err == nil {
			t.Error("limit 0: want an error")
		}
	})
}

// TestEventsFollowedByTwoNodes: two processes' handles on one database
// append concurrently while a follower reads by seq, as the events hub of a
// third node does; the follower, always asking for what is after the last
// seq it saw, gets every event (a seq committed after a larger one it had
// already read would be lost to it), on both back ends.
func TestEventsFollowedByTwoNodes(t *testing.T) {
	t.Parallel()
	for _, b := range storetest.Backends(pg) {
		t.Run(b.Name, func(t *testing.T) {
			ctx := t.Context()
			first, dsn, err := b.Open(ctx, t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			defer first.Close()
			second, err := store.Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer second.Close()
			const writers, batches, per = 6, 40, 3
			var wg sync.WaitGroup
			errs := make(chan error, writers)
			for w := range writers {
				db := []*store.DB{first, second}[w%2]
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := range batches {
						rows := make([]store.EventRow, per)
						for j := range rows {
							rows[j] = store.EventRow{At: time.Now(), Type: "call.status", CallID: fmt.Sprintf("w%d-%d-%d", w, i, j), Body: []byte(`{}`)}
						}
						if err := db.AppendEvents(ctx, rows); err != nil {
							errs <- err
							return
						}
					}
				}()
			}
			writing := make(chan struct{})
			go func() { wg.Wait(); close(writing) }()
			seen := map[string]bool{}
			var last int64
			follow := func() {
				rows, err := first.EventsSince(ctx, last, store.EventFilter{}, 1000)
				if err != nil {
					t.Fatal(err)
				}
				for _, r := range rows {
					seen[r.CallID] = true
					last = r.Seq
				}
			}
			for done := false; !done; {
				select {
				case <-writing:
					done = true
				default:
				}
				follow()
			}
			follow()
			close(errs)
			for err := range errs {
				t.Fatal(err)
			}
			if len(seen) != writers*batches*per {
				t.Errorf("the follower got %d of %d events", len(seen), writers*batches*per)
			}
			tail, err := second.LastEventSeq(ctx)
			if err != nil || tail != last {
				t.Errorf("last event seq %d (%v), want the follower's last %d", tail, err, last)
			}
		})
	}
	if pg == nil {
		t.Log("postgres back end skipped: " + storetest.ErrNoPostgres.Error())
	}
}
