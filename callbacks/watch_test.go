package callbacks_test

import (
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/dozvon/dozvon/callbacks"
	"github.com/dozvon/dozvon/clock"
	"github.com/dozvon/dozvon/events"
	"github.com/dozvon/dozvon/scheduler"
	"github.com/dozvon/dozvon/store"
)

// TestCallbackDueIsAnnouncedOnce: a callback the debtor asked for is
// announced when it falls due, once (not again on the next look, nor by a
// restarted watch), naming the debtor (the stream shows a collector only
// their debtors' events) with the phone masked; moved to a later time, it
// is announced again then.
func TestCallbackDueIsAnnouncedOnce(t *testing.T) {
	t.Parallel()
	ctx, db := t.Context(), openStore(t)
	t0 := time.Date(2026, 11, 24, 8, 0, 0, 0, time.UTC)
	d := store.Debtor{ID: "d1", Name: "Иванов", Region: "г. Москва", Phones: []string{"+79131234501"}}
	if err := db.UpsertDebtor(ctx, d); err != nil {
		t.Fatal(err)
	}
	if _, err := scheduler.CreateCampaign(ctx, db, "c1", "c1", scheduler.Config{Script: "scripts/verify_contact.yaml"}, []store.Debtor{d}, t0); err != nil {
		t.Fatal(err)
	}
	// askCallback places a call at now in which the debtor asks to be called at due.
	askCallback := func(now, due time.Time) {
		t.Helper()
		ts, err := db.LeaseTasks(ctx, "c1", now, 1, "test", time.Minute)
		if err != nil || len(ts) != 1 {
			t.Fatalf("lease: %d (%v)", len(ts), err)
		}
		if err := db.FinishTask(ctx, ts[0].ID, "test", now, store.TaskUpdate{State: store.TaskPending, DueAt: due, Attempted: true,
			LastResult: "answered", Reason: "callback at " + due.Format(time.RFC3339) + ", pinned to petrov", PinnedTo: "petrov"}); err != nil {
			t.Fatal(err)
		}
	}
	clk := clock.NewSim(t0)
	live := make(publishedForTests, 16)
	log := slog.New(slog.DiscardHandler)
	look := func(w *callbacks.Watch, want int) {
		t.Helper()
		if n, err := w.Once(ctx); err != nil || n != want {
			t.Fatalf("at %s: announced %d (%v), want %d", clk.Now().Format(time.TimeOnly), n, err, want)
		}
	}
	w := callbacks.NewWatch(db, live, clk, log)
	look(w, 0) // a first call, not a callback
	askCallback(t0, t0.Add(10*time.Minute))
	look(w, 0) // not yet due
	clk.JumpTo(t0.Add(10 * time.Minute))
	look(w, 1)
	look(w, 0)
	look(callbacks.NewWatch(db, live, clk, log), 0) // a restart (or another node)
	e := <-live
	var data events.CallbackDueData
	if err := json.Unmarshal(e.Data, &data); err != nil {
		t.Fatal(err)
	}
	if e.Type != events.TypeCallbackDue || e.Campaign != "c1" || e.Debtor != "d1" || !data.DueAt.Equal(t0.Add(10*time.Minute)) ||
		data.PinnedTo != "petrov" || data.Task == 0 || strings.Contains(string(e.Data), "1234501") {
		t.Fatalf("callback.due %+v %s: want c1's d1, due at 08:10, pinned to petrov, the phone masked", e, e.Data)
	}
	// The robot calls back; the debtor asks for later still.
	askCallback(clk.Now(), t0.Add(40*time.Minute))
	clk.JumpTo(t0.Add(39 * time.Minute))
	look(w, 0)
	clk.JumpTo(t0.Add(40 * time.Minute))
	look(w, 1)
	// Leased when the watch looks (the robot already dialling): announced all the same.
	clk.JumpTo(t0.Add(70 * time.Minute))
	askCallback(clk.Now(), t0.Add(80*time.Minute))
	clk.JumpTo(t0.Add(80 * time.Minute))
	if ts, err := db.LeaseTasks(ctx, "c1", clk.Now(), 1, "test", time.Minute); err != nil || len(ts) != 1 {
		t.Fatalf("lease: %d (%v)", len(ts), err)
	}
	look(w, 1)
}
