package scheduler_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/dozvon/dozvon/clock"
	"github.com/dozvon/dozvon/compliance"
	"github.com/dozvon/dozvon/scheduler"
	"github.com/dozvon/dozvon/scripts"
	"github.com/dozvon/dozvon/store"
)

// offererForTests stands for package callbacks: it offers for a fixed grace
// (0: the collector is offline), never again once an offer ran out, and
// runs collectorCalls (when set) as the collector calling within the grace.
type offererForTests struct {
	grace          time.Duration
	collectorCalls func(t store.Task)
	mu             sync.Mutex
	asked          []store.Task // Grace's tasks
	offers         []time.Time  // Offered's until
}

func (o *offererForTests) Grace(_ context.Context, t store.Task) time.Duration {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.asked = append(o.asked, t)
	if t.OfferedTo != "" {
		return 0
	}
	return o.grace
}

func (o *offererForTests) Offered(_ context.Context, t store.Task, until time.Time) {
	o.mu.Lock()
	o.offers = append(o.offers, until)
	o.mu.Unlock()
	if o.collectorCalls != nil {
		o.collectorCalls(t)
	}
}

// TestCallbackOffered: a due callback pinned to a collector is offered to
// them before the robot dials it, on the simulated clock: with the
// collector offline the robot calls back at the time asked; offered and
// not taken, the robot calls back when the grace runs out (not before);
// offered and called by the collector, the robot never calls it again.
func TestCallbackOffered(t *testing.T) {
	const grace = 5 * time.Minute
	start := time.Date(2026, 11, 25, 3, 0, 0, 0, time.UTC) // 10:00 in Novosibirsk, a Wednesday
	// the next day: the 230-FZ limit of one conversation a day allows it
	callbackAt := start.Add(24 * time.Hour)
	for _, c := range []struct {
		name       string
		grace      time.Duration
		collector  bool      // the collector takes the offer and reaches the debtor
		wantCalls  int       // robot calls to the phone
		wantSecond time.Time // when the robot called back (zero: it did not)
		wantAsked  int
		wantOffers int
	}{
		{name: "collector offline: robot at once", grace: 0, wantCalls: 2, wantSecond: callbackAt, wantAsked: 1},
		{name: "offered, nobody called: robot after the grace", grace: grace, wantCalls: 2, wantSecond: callbackAt.Add(grace), wantAsked: 2, wantOffers: 1},
		{name: "offered, collector called: robot never", grace: grace, collector: true, wantCalls: 1, wantAsked: 1, wantOffers: 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx := t.Context()
			db := openStore(t)
			clk := clock.NewSim(start)
			guard, err := compliance.NewGuard(compliance.Config{Ledger: db, Clock: clk})
			if err != nil {
				t.Fatal(err)
			}
			debtors := []store.Debtor{{ID: "cb", Region: "Новосибирская область", Phones: []string{"+79130000006"}}}
			if err := db.UpsertDebtor(ctx, debtors[0]); err != nil {
				t.Fatal(err)
			}
			if err := db.SaveDebtorDetails(ctx, store.DebtorDetails{DebtorID: "cb", Collector: "orlov"}); err != nil {
				t.Fatal(err)
			}
			dialer := newDialer(t, clk, map[string][]scheduler.Attempt{
				"+79130000006": {answered(scripts.OutcomeCallback, map[string]string{scripts.SlotCallbackAt: callbackAt.Format(time.RFC3339)}),
					answered(scripts.OutcomeIdentified, nil)},
			})
			off := &offererForTests{grace: c.grace}
			if c.collector {
				off.collectorCalls = func(tk store.Task) {
					// what package callbacks does when the collector's call reaches the debtor
					got, err := db.TakeOffer(ctx, tk.DebtorID, "orlov", "collector:orlov", clk.Now(), time.Hour)
					if err != nil {
						t.Errorf("take offer: %v", err)
						return
					}
					if err := db.FinishTask(ctx, got.ID, "collector:orlov", clk.Now(), store.TaskUpdate{State: store.TaskDone, Attempted: true, Outcome: "collector_call"}); err != nil {
						t.Errorf("finish: %v", err)
					}
				}
			}
			cfg := scheduler.Config{Script: "verify_contact.yaml", Retry: scheduler.RetryRules{MaxPerPhone: 3}}
			if _, err := scheduler.CreateCampaign(ctx, db, "cbk", "callbacks", cfg, debtors, start); err != nil {
				t.Fatal(err)
			}
			s, err := scheduler.New(scheduler.Options{Store: db, Guard: guard, Dialer: dialer, Clock: clk, Channels: 1, Offer: off})
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Run(ctx, start.Add(30*time.Hour)); err != nil {
				t.Fatal(err)
			}
			calls := dialer.calls["+79130000006"]
			if len(calls) != c.wantCalls {
				t.Fatalf("robot calls at %v, want %d", calls, c.wantCalls)
			}
			if c.wantCalls == 2 && !calls[1].Equal(c.wantSecond) {
				t.Errorf("robot called back at %s, want %s", calls[1].Format(time.TimeOnly), c.wantSecond.Format(time.TimeOnly))
			}
			off.mu.Lock()
			defer off.mu.Unlock()
			if len(off.asked) != c.wantAsked || len(off.offers) != c.wantOffers {
				t.Errorf("asked %d times, offered %d; want %d, %d", len(off.asked), len(off.offers), c.wantAsked, c.wantOffers)
			}
			for _, u := range off.offers {
				if !u.Equal(callbackAt.Add(grace)) {
					t.Errorf("offered until %s, want %s", u.Format(time.TimeOnly), callbackAt.Add(grace).Format(time.TimeOnly))
				}
			}
			ts, err := db.Tasks(ctx, "cbk")
			if err != nil || len(ts) != 1 || ts[0].State != store.TaskDone || ts[0].OfferedTo != "" {
				t.Errorf("task after the run: %+v %v, want done, no offer left", ts, err)
			}
		})
	}
}
