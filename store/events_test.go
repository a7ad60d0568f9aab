package store_test

import (
	"testing"
	"time"

	"github.com/dozvon/dozvon/store"
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
