package store_test

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/dozvon/dozvon/store"
)

// TestCallbackOffer: a due callback offered to its collector is held off
// the robot's leases for the grace period, on any node; the collector takes
// it (one taker of two wins), and a finished task forgets the offer. After
// the grace, untaken, the robot leases it with the offer still named (its
// fallback). The offer counts as the due time's announcement.
func TestCallbackOffer(t *testing.T) {
	eachBackend(t, func(t *testing.T, db *store.DB) { callbackOffer(t, db) })
}

func callbackOffer(t *testing.T, db *store.DB) {
	ctx := t.Context()
	t0 := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	grace := 5 * time.Minute
	if err := db.SaveCampaign(ctx, store.Campaign{ID: "c", Name: "c", State: store.CampaignActive, Config: "{}", CreatedAt: t0}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddTasks(ctx, []store.Task{{CampaignID: "c", DebtorID: "d1", Phone: "+79131234501", State: store.TaskPending, DueAt: t0}}); err != nil {
		t.Fatal(err)
	}
	leased, err := db.LeaseTasks(ctx, "c", t0, 1, "node-a", time.Minute)
	if err != nil || len(leased) != 1 {
		t.Fatalf("lease: %v %v", leased, err)
	}
	task := leased[0]
	// make it a pinned callback, due at t0, as the retry rules leave one
	cb := store.TaskUpdate{State: store.TaskPending, DueAt: t0, Reason: store.CallbackReasonPrefix + t0.Format(time.RFC3339), PinnedTo: "ivanova"}
	if err := db.FinishTask(ctx, task.ID, "node-a", t0, cb); err != nil {
		t.Fatal(err)
	}
	if due, err := db.DueCallbacks(ctx, t0, 10); err != nil || len(due) != 1 || !due[0].IsCallback() {
		t.Fatalf("due callbacks at t0: %v %v, want the one", due, err)
	}
	leased, err = db.LeaseTasks(ctx, "c", t0, 1, "node-a", time.Minute)
	if err != nil || len(leased) != 1 {
		t.Fatalf("lease the due callback: %v %v", leased, err)
	}
	if err := db.OfferTask(ctx, task.ID, "node-b", "ivanova", t0, t0.Add(grace)); !errors.Is(err, store.ErrLeaseLost) {
		t.Errorf("offer by a node without the lease: %v, want ErrLeaseLost", err)
	}
	if err := db.OfferTask(ctx, task.ID, "node-a", "ivanova", t0, t0.Add(grace)); err != nil {
		t.Fatal(err)
	}
	for _, at := range []time.Time{t0, t0.Add(grace - time.Second)} {
		if got, err := db.LeaseTasks(ctx, "c", at, 1, "node-b", time.Minute); err != nil || len(got) != 0 {
			t.Errorf("lease at %s, within the grace: %v %v, want none", at.Format(time.TimeOnly), got, err)
		}
	}
	if due, err := db.DueCallbacks(ctx, t0.Add(grace), 10); err != nil || len(due) != 0 {
		t.Errorf("due callbacks at the grace's end: %v %v, want none (the offer announced it)", due, err)
	}
	if _, err := db.TakeOffer(ctx, "d1", "petrov", "collector:petrov", t0, time.Minute); !errors.Is(err, store.ErrNoOffer) {
		t.Errorf("take by another collector: %v, want ErrNoOffer", err)
	}

	// two takers at once (the page's button and the phone's ring): one wins
	var wg sync.WaitGroup
	var won, lost int
	var mu sync.Mutex
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got, err := db.TakeOffer(ctx, "d1", "ivanova", "collector:ivanova", t0.Add(time.Minute), 2*grace)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil && got.ID == task.ID && got.State == store.TaskLeased:
				won++
			case errors.Is(err, store.ErrNoOffer):
				lost++
			default:
				t.Errorf("taker %d: %+v %v", i, got, err)
			}
		}()
	}
	wg.Wait()
	if won != 1 || lost != 1 {
		t.Fatalf("two takers: %d won, %d lost; want one each", won, lost)
	}
	// the collector's call ran past the grace: the robot still cannot lease it
	if got, err := db.LeaseTasks(ctx, "c", t0.Add(grace+30*time.Second), 1, "node-b", time.Minute); err != nil || len(got) != 0 {
		t.Errorf("lease while the collector holds it: %v %v, want none", got, err)
	}
	// the collector's call left it for the robot (not answered): the offer stays named
	back := store.TaskUpdate{State: store.TaskPending, DueAt: t0.Add(grace), Reason: cb.Reason, PinnedTo: "ivanova", OfferedTo: "ivanova", Attempted: true, LastResult: "no-answer"}
	if err := db.FinishTask(ctx, task.ID, "collector:ivanova", t0.Add(2*time.Minute), back); err != nil {
		t.Fatal(err)
	}
	got, err := db.LeaseTasks(ctx, "c", t0.Add(grace), 1, "node-b", time.Minute)
	if err != nil || len(got) != 1 || got[0].OfferedTo != "ivanova" || got[0].Attempts != 1 {
		t.Fatalf("lease after the grace: %+v %v, want the task, offered to ivanova, one attempt", got, err)
	}
	// the robot finishes it: the offer is forgotten
	if err := db.FinishTask(ctx, task.ID, "node-b", t0.Add(grace+time.Minute), store.TaskUpdate{State: store.TaskDone}); err != nil {
		t.Fatal(err)
	}
	ts, err := db.Tasks(ctx, "c")
	if err != nil || len(ts) != 1 || ts[0].OfferedTo != "" || ts[0].State != store.TaskDone {
		t.Fatalf("after the robot finished: %+v %v", ts, err)
	}
}
