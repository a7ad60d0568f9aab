package store_test

import (
	"testing"
	"time"

	"github.com/dozvon/dozvon/store"
)

// TestCallSavedWithItsTask: a campaign call is listed under its task (so in
// its campaign, with its debtor) once it is saved — a node killed before it
// finishes the task must not leave a call of no campaign and no debtor —
// and the scheduler's finish later updates that line instead of adding one.
func TestCallSavedWithItsTask(t *testing.T) {
	eachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		t0 := time.Date(2026, 11, 24, 8, 0, 0, 0, time.UTC)
		if err := db.UpsertDebtor(ctx, store.Debtor{ID: "d1", Name: "Иванов", Region: "г. Москва", Phones: []string{"+79131234501"}}); err != nil {
			t.Fatal(err)
		}
		if err := db.SaveCampaign(ctx, store.Campaign{ID: "c1", Name: "sweep", Priority: 1, Config: `{}`}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.AddTasks(ctx, []store.Task{{CampaignID: "c1", DebtorID: "d1", Phone: "+79131234501", DueAt: t0}}); err != nil {
			t.Fatal(err)
		}
		leased, err := db.LeaseTasks(ctx, "c1", t0, 1, "node1", time.Minute)
		if err != nil || len(leased) != 1 {
			t.Fatalf("lease: %+v %v", leased, err)
		}
		task := leased[0]
		call := store.CallRecord{ID: "out-1", Direction: "outbound", To: "+79131234501", Started: t0, Answered: t0.Add(time.Second),
			Ended: t0.Add(9 * time.Second), Result: "answered", SIPCode: 200, Outcome: "identified", TaskID: task.ID}
		if err := db.SaveCall(ctx, call); err != nil {
			t.Fatal(err)
		}
		// the node dies here: the task is still leased, the call is its campaign's
		calls, _, err := db.ListCalls(ctx, store.CallFilter{Campaign: "c1"})
		if err != nil || len(calls) != 1 || calls[0].ID != "out-1" || calls[0].DebtorID != "d1" {
			t.Fatalf("the campaign's calls before the task is finished: %+v %v", calls, err)
		}
		if err := db.SaveCall(ctx, call); err != nil { // saved again (a retried write): still one line
			t.Fatal(err)
		}
		if err := db.FinishTask(ctx, task.ID, "node1", t0.Add(10*time.Second), store.TaskUpdate{State: store.TaskDone, Attempted: true, Outcome: "identified",
			Call: &store.TaskCall{CallID: "out-1", At: t0, Result: "answered", Outcome: "identified", Duration: 8 * time.Second, CallerID: "+74950000000"}}); err != nil {
			t.Fatal(err)
		}
		tcs, err := db.TaskCalls(ctx, task.ID)
		if err != nil || len(tcs) != 1 || tcs[0].Duration != 8*time.Second || tcs[0].CallerID != "+74950000000" {
			t.Fatalf("the task's calls after the finish: %+v %v", tcs, err)
		}
	})
}
