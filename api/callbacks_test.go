package api

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/dozvon/dozvon/store"
)

// callbacksForTests schedules, in campaign c2, a callback for d3
// (ivanova's) an hour after t0 and one for d2 (petrov's) two hours after —
// the way the scheduler records a CallbackAsked disposition — and leaves
// d1's task an ordinary pending one.
func callbacksForTests(t *testing.T, db *store.DB) time.Time {
	t.Helper()
	ctx := t.Context()
	t0 := time.Date(2026, 11, 3, 9, 0, 0, 0, time.UTC)
	if err := db.SaveCampaign(ctx, store.Campaign{ID: "c2", Name: "again", State: store.CampaignActive, Config: "{}", CreatedAt: t0}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddTasks(ctx, []store.Task{{CampaignID: "c2", DebtorID: "d3", Phone: "+79131234503", DueAt: t0},
		{CampaignID: "c2", DebtorID: "d2", Phone: "+79131234502", DueAt: t0}}); err != nil {
		t.Fatal(err)
	}
	tasks, err := db.LeaseTasks(ctx, "c2", t0, 10, "rig", time.Minute)
	if err != nil || len(tasks) != 2 {
		t.Fatalf("lease: %d %v", len(tasks), err)
	}
	for _, task := range tasks {
		at, who := t0.Add(time.Hour), "ivanova"
		if task.DebtorID == "d2" {
			at, who = t0.Add(2*time.Hour), "petrov"
		}
		u := store.TaskUpdate{State: store.TaskPending, DueAt: at, Attempted: true, LastResult: "answered", Outcome: "callback", PinnedTo: who,
			Reason: "callback at " + at.Format(time.RFC3339) + ", pinned to " + who} // as scheduler/rules.go writes it
		if err := db.FinishTask(ctx, task.ID, "rig", t0, u); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.AddTasks(ctx, []store.Task{{CampaignID: "c2", DebtorID: "d1", Phone: "+79131234501", DueAt: t0}}); err != nil {
		t.Fatal(err)
	}
	return t0
}

// TestCallbacks: a collector lists their own debtors' callbacks only, with
// masked numbers, whatever collector they ask for; a manager lists every
// one soonest first and can narrow by collector and due time; ordinary
// pending tasks are no callbacks.
func TestCallbacks(t *testing.T) {
	t.Parallel()
	rg := newRig(t)
	t0 := callbacksForTests(t, rg.db)
	list := func(who as, query string) ([]Callback, string) {
		t.Helper()
		return listOf[Callback](t, rg, who, "/api/v1/callbacks"+query, "callbacks")
	}
	for _, q := range []string{"", "?collector=petrov"} {
		cbs, body := list(ivanova, q)
		if len(cbs) != 1 || cbs[0].Debtor != "d3" || strings.Contains(body, "+79131234503") || !strings.Contains(cbs[0].Phone, "*") {
			t.Errorf("ivanova%s: %s", q, body)
		}
	}
	cbs, body := list(supervisor, "")
	if len(cbs) != 2 || cbs[0].Debtor != "d3" || cbs[1].Debtor != "d2" || cbs[1].Phone != "+79131234502" ||
		!cbs[0].DueAt.Equal(t0.Add(time.Hour)) || cbs[1].PinnedTo != "petrov" || cbs[0].Campaign != "c2" {
		t.Errorf("supervisor: %s", body)
	}
	if cbs, body := list(admin, "?collector=petrov"); len(cbs) != 1 || cbs[0].Debtor != "d2" {
		t.Errorf("admin, petrov's: %s", body)
	}
	if cbs, body := list(admin, "?until="+t0.Add(90*time.Minute).Format(time.RFC3339)); len(cbs) != 1 || cbs[0].Debtor != "d3" {
		t.Errorf("admin, due within 90 minutes: %s", body)
	}
	status, raw := rg.do(admin, "GET", "/api/v1/callbacks?until=tomorrow", "", nil)
	if e := envelopeOf(t, status, raw); status != http.StatusBadRequest || e.Field != "until" {
		t.Errorf("until=tomorrow: %d %+v", status, e)
	}
}
