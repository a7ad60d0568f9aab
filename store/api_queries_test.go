package store_test

import (
	"errors"
	"testing"
	"time"

	"github.com/dozvon/dozvon/store"
)

// TestAPIQueriesScopeToCollector: a collector-scoped query returns only that
// collector's debtors and calls, and another's debtor or call is
// ErrNotFound exactly like a missing one.
func TestAPIQueriesScopeToCollector(t *testing.T) {
	eachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		t0 := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
		for i, id := range []string{"d1", "d2", "d3", "d4"} {
			if err := db.UpsertDebtor(ctx, store.Debtor{ID: id, Name: "Должник " + id, Region: []string{"Москва", "Томская обл"}[i%2],
				Phones: []string{"+7913123450" + id[1:]}}); err != nil {
				t.Fatal(err)
			}
		}
		for id, who := range map[string]string{"d1": "ivanova", "d2": "petrov", "d3": "ivanova"} {
			if err := db.AssignCollector(ctx, id, who); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.AssignCollector(ctx, "nobody", "ivanova"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("assign a missing debtor: %v", err)
		}
		// one call each for d1 and d2, through a campaign's tasks
		if err := db.SaveCampaign(ctx, store.Campaign{ID: "c1", Name: "sweep", State: store.CampaignActive, Config: "{}", CreatedAt: t0}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.AddTasks(ctx, []store.Task{{CampaignID: "c1", DebtorID: "d1", Phone: "+79131234501", State: "pending", DueAt: t0},
			{CampaignID: "c1", DebtorID: "d2", Phone: "+79131234502", State: "pending", DueAt: t0}}); err != nil {
			t.Fatal(err)
		}
		leased, err := db.LeaseTasks(ctx, "c1", t0, 10, "node", time.Minute)
		if err != nil || len(leased) != 2 {
			t.Fatalf("lease: %v %v", leased, err)
		}
		for _, task := range leased {
			callID := "call-" + task.DebtorID
			if err := db.SaveCall(ctx, store.CallRecord{ID: callID, Direction: "outbound", To: task.Phone, Started: t0, Ended: t0.Add(time.Minute),
				Result: "answered", Outcome: "promise"}); err != nil {
				t.Fatal(err)
			}
			if err := db.FinishTask(ctx, task.ID, "node", t0.Add(time.Minute), store.TaskUpdate{State: "done", Attempted: true, LastResult: "answered",
				Outcome: "promise", Call: &store.TaskCall{CallID: callID, At: t0, Result: "answered", Outcome: "promise"}}); err != nil {
				t.Fatal(err)
			}
		}

		mine, next, err := db.ListDebtors(ctx, store.DebtorFilter{Collector: "ivanova"})
		if err != nil || next != "" || len(mine) != 2 || mine[0].ID != "d1" || mine[1].ID != "d3" || mine[0].Outcome != "promise" || len(mine[0].Phones) != 1 {
			t.Fatalf("ivanova's debtors: %+v next %q %v", mine, next, err)
		}
		if _, err := db.DebtorFor(ctx, "d2", "ivanova"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("another's debtor: %v", err)
		}
		if d, err := db.DebtorFor(ctx, "d2", ""); err != nil || d.Collector != "petrov" {
			t.Fatalf("unscoped: %+v %v", d, err)
		}
		calls, _, err := db.ListCalls(ctx, store.CallFilter{Collector: "ivanova"})
		if err != nil || len(calls) != 1 || calls[0].ID != "call-d1" || calls[0].DebtorID != "d1" || calls[0].Campaign != "c1" {
			t.Fatalf("ivanova's calls: %+v %v", calls, err)
		}
		if _, err := db.CallFor(ctx, "call-d2", "ivanova"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("another's call: %v", err)
		}
		if c, err := db.CallFor(ctx, "call-d2", ""); err != nil || c.DebtorCollector != "petrov" {
			t.Fatalf("unscoped call: %+v %v", c, err)
		}
		// filters and paging
		page, next, err := db.ListDebtors(ctx, store.DebtorFilter{Limit: 3})
		if err != nil || len(page) != 3 || next != "d3" {
			t.Fatalf("page 1: %d next %q %v", len(page), next, err)
		}
		if page, next, err = db.ListDebtors(ctx, store.DebtorFilter{Limit: 3, After: next}); err != nil || len(page) != 1 || page[0].ID != "d4" || next != "" {
			t.Fatalf("page 2: %+v next %q %v", page, next, err)
		}
		if page, _, err = db.ListDebtors(ctx, store.DebtorFilter{Region: "Москва", Outcome: "promise"}); err != nil || len(page) != 1 || page[0].ID != "d1" {
			t.Fatalf("region+outcome: %+v %v", page, err)
		}
	})
}

func TestUploadKeptOnce(t *testing.T) {
	eachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		if _, ok, err := db.Upload(ctx, "abc"); ok || err != nil {
			t.Fatalf("before: %v %v", ok, err)
		}
		at := time.Unix(1, 0)
		if kept, created, err := db.SaveUpload(ctx, "abc", []byte(`{"rows":1}`), "a.csv", at); !created || err != nil || string(kept) != `{"rows":1}` {
			t.Fatalf("first: %s %v %v", kept, created, err)
		}
		if kept, created, err := db.SaveUpload(ctx, "abc", []byte(`{"rows":2}`), "b.csv", at); created || err != nil || string(kept) != `{"rows":1}` {
			t.Fatalf("second: %s %v %v", kept, created, err)
		}
	})
}
