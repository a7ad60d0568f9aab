package store_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/dozvon/dozvon/store"
	"github.com/dozvon/dozvon/store/storetest"
)

func TestTaskLeaseAndFinish(t *testing.T) {
	eachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		t0 := time.Date(2026, 11, 25, 7, 0, 0, 0, time.UTC)
		if err := db.SaveCampaign(ctx, store.Campaign{ID: "c1", Name: "sweep", Priority: 2, Config: `{"x":1}`}); err != nil {
			t.Fatal(err)
		}
		n, err := db.AddTasks(ctx, []store.Task{
			{CampaignID: "c1", DebtorID: "a", Phone: "+79130000001", Position: 0, DueAt: t0},
			{CampaignID: "c1", DebtorID: "a", Phone: "+79130000002", Position: 1, State: store.TaskWaiting},
			{CampaignID: "c1", DebtorID: "a", Phone: "+79130000003", Position: 2, State: store.TaskWaiting},
			{CampaignID: "c1", DebtorID: "b", Phone: "+79130000004", Position: 0, DueAt: t0.Add(time.Minute)},
		})
		if err != nil || n != 4 {
			t.Fatalf("add: %d %v", n, err)
		}
		if n, _ := db.AddTasks(ctx, []store.Task{{CampaignID: "c1", DebtorID: "a", Phone: "+79130000001"}}); n != 0 {
			t.Fatalf("re-adding an existing task added %d", n)
		}
		// At t0 only a's first phone is due.
		got, err := db.LeaseTasks(ctx, "c1", t0, 10, "node1", 10*time.Minute)
		if err != nil || len(got) != 1 || got[0].Phone != "+79130000001" {
			t.Fatalf("lease at t0: %+v %v", got, err)
		}
		a1 := got[0]
		// a is leased: a's other phones are not handed out even when pending; b is due later.
		again, _ := db.LeaseTasks(ctx, "c1", t0.Add(2*time.Minute), 10, "node2", time.Minute)
		if len(again) != 1 || again[0].DebtorID != "b" {
			t.Fatalf("second lease: %+v", again)
		}
		// a1 unreached: retry in 15 min, and a's next phone becomes due now.
		if err := db.FinishTask(ctx, a1.ID, "node1", t0, store.TaskUpdate{State: store.TaskPending, DueAt: t0.Add(15 * time.Minute), Attempted: true,
			LastResult: "busy", NextPhoneAt: t0, Call: &store.TaskCall{CallID: "call-1", At: t0, Result: "busy", Duration: 2 * time.Second}}); err != nil {
			t.Fatal(err)
		}
		if err := db.FinishTask(ctx, a1.ID, "node1", t0, store.TaskUpdate{State: store.TaskDone}); !errors.Is(err, store.ErrLeaseLost) {
			t.Fatalf("finishing twice: %v", err)
		}
		got, _ = db.LeaseTasks(ctx, "c1", t0.Add(time.Second), 10, "node1", time.Minute)
		if len(got) != 1 || got[0].Phone != "+79130000002" {
			t.Fatalf("next phone: %+v", got)
		}
		// Reached on the second phone: the first (pending retry) and the third (waiting) are skipped.
		if err := db.FinishTask(ctx, got[0].ID, "node1", t0, store.TaskUpdate{State: store.TaskDone, Attempted: true, Outcome: "identified", SkipOthers: "reached on another phone",
			Slots: map[string]string{"k": "v"}}); err != nil {
			t.Fatal(err)
		}
		ts, _ := db.DebtorTasks(ctx, "c1", "a")
		states := []string{ts[0].State, ts[1].State, ts[2].State}
		if states[0] != store.TaskSkipped || states[1] != store.TaskDone || states[2] != store.TaskSkipped || ts[1].Slots["k"] != "v" || ts[0].Attempts != 1 {
			t.Fatalf("after reaching a: %v %+v", states, ts)
		}
		calls, _ := db.TaskCalls(ctx, a1.ID)
		if len(calls) != 1 || calls[0].CallID != "call-1" || calls[0].Duration != 2*time.Second {
			t.Fatalf("task calls %+v", calls)
		}
		if n, _ := db.DebtorAttempts(ctx, "c1", "a"); n != 2 {
			t.Fatalf("debtor attempts %d, want 2", n)
		}
		// node2 died holding b: after the lease runs out b is handed out again, and node2 can no longer finish it.
		if got, _ := db.LeaseTasks(ctx, "c1", t0.Add(2*time.Minute+30*time.Second), 10, "node1", time.Minute); len(got) != 0 {
			t.Fatalf("live lease handed out: %+v", got)
		}
		due, ok, _ := db.NextDue(ctx, "c1")
		if !ok || !due.Equal(t0.Add(3*time.Minute)) {
			t.Fatalf("next due %v %v, want the lease expiry", due, ok)
		}
		got, _ = db.LeaseTasks(ctx, "c1", t0.Add(3*time.Minute), 10, "node1", time.Minute)
		if len(got) != 1 || got[0].DebtorID != "b" {
			t.Fatalf("expired lease not re-leased: %+v", got)
		}
		if err := db.RenewLease(ctx, got[0].ID, "node2", t0.Add(time.Hour)); !errors.Is(err, store.ErrLeaseLost) {
			t.Fatalf("stale holder renewed: %v", err)
		}
		if err := db.RenewLease(ctx, got[0].ID, "node1", t0.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		counts, _ := db.TaskCounts(ctx, "c1")
		if counts[store.TaskLeased] != 1 || counts[store.TaskSkipped] != 2 || counts[store.TaskDone] != 1 {
			t.Fatalf("counts %v", counts)
		}
		c, err := db.Campaign(ctx, "c1")
		if err != nil || c.Priority != 2 || c.Config != `{"x":1}` || c.State != store.CampaignActive {
			t.Fatalf("campaign %+v %v", c, err)
		}
	})
}

func TestPhoneStatusAndDetails(t *testing.T) {
	eachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		t0 := time.Date(2026, 11, 25, 7, 0, 0, 0, time.UTC)
		if err := db.SaveDebtorDetails(ctx, store.DebtorDetails{DebtorID: "a", Contract: "K-1", DebtKop: 1050, Collector: "Орлов"}); err != nil {
			t.Fatal(err)
		}
		d, err := db.DebtorDetailsOf(ctx, "a")
		if err != nil || d.Contract != "K-1" || d.DebtKop != 1050 || d.Collector != "Орлов" {
			t.Fatalf("details %+v %v", d, err)
		}
		if _, err := db.DebtorDetailsOf(ctx, "zz"); !errors.Is(err, store.ErrNotFound) {
			t.Fatal(err)
		}
		if err := db.SetPhoneStatus(ctx, store.PhoneStatus{DebtorID: "a", Phone: "+79130000001", Status: store.PhoneQuarantined, At: t0}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.AddBlock(ctx, store.Block{DebtorID: "a", Phone: "+79130000001", Kind: "wrong_person", Since: t0}); err != nil {
			t.Fatal(err)
		}
		q, _ := db.PhoneStatuses(ctx, store.PhoneQuarantined, "")
		if len(q) != 1 || q[0].Phone != "+79130000001" {
			t.Fatalf("quarantined %+v", q)
		}
		if n, err := db.EndBlocks(ctx, "a", "+79130000001", "wrong_person", t0.Add(time.Hour)); n != 1 || err != nil {
			t.Fatalf("end blocks %d %v", n, err)
		}
		if bs, _ := db.Blocks(ctx, "a", t0.Add(2*time.Hour)); len(bs) != 0 {
			t.Fatalf("block still in force: %+v", bs)
		}
		if bs, _ := db.Blocks(ctx, "a", t0.Add(30*time.Minute)); len(bs) != 1 {
			t.Fatalf("block history lost: %+v", bs)
		}
	})
}

func TestImportDebtors(t *testing.T) {
	eachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		var ds []store.Debtor
		var det []store.DebtorDetails
		for i := range 1500 { // two batches
			id := fmt.Sprintf("i%04d", i)
			ds = append(ds, store.Debtor{ID: id, Name: "N", Region: "г. Москва", Phones: []string{fmt.Sprintf("+7916%07d", i), fmt.Sprintf("+7917%07d", i)}})
			det = append(det, store.DebtorDetails{DebtorID: id, Contract: "K" + id, DebtKop: int64(i)})
		}
		if err := db.ImportDebtors(ctx, ds, det); err != nil {
			t.Fatal(err)
		}
		// Re-import with one phone: the list is replaced.
		ds[1499].Phones = ds[1499].Phones[1:]
		if err := db.ImportDebtors(ctx, ds[1499:], det[1499:]); err != nil {
			t.Fatal(err)
		}
		d, err := db.Debtor(ctx, "i1499")
		if err != nil || len(d.Phones) != 1 || d.Phones[0] != "+79170001499" {
			t.Fatalf("re-imported %+v %v", d, err)
		}
		x, err := db.DebtorDetailsOf(ctx, "i0007")
		if err != nil || x.Contract != "Ki0007" || x.DebtKop != 7 {
			t.Fatalf("details %+v %v", x, err)
		}
		if err := db.ImportDebtors(ctx, ds[:2], det[:1]); err == nil {
			t.Fatal("mismatched details accepted")
		}
	})
}

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

// TestLeaseBatchAcrossNodes: two nodes with their own connections lease
// batches from one campaign at once. Every task is handed out once, and no
// debtor ever has two live leases (each debtor has two phones due).
func TestLeaseBatchAcrossNodes(t *testing.T) {
	for _, b := range storetest.Backends(pg) {
		t.Run(b.Name, func(t *testing.T) {
			ctx := t.Context()
			db, dsn, err := b.Open(ctx, t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			other, err := store.Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer other.Close()
			t0 := time.Date(2026, 11, 25, 7, 0, 0, 0, time.UTC)
			if err := db.SaveCampaign(ctx, store.Campaign{ID: "c", Name: "c", Priority: 1, Config: `{}`}); err != nil {
				t.Fatal(err)
			}
			var tasks []store.Task
			for i := range 60 {
				for p := range 2 {
					tasks = append(tasks, store.Task{CampaignID: "c", DebtorID: fmt.Sprintf("d%02d", i), Phone: fmt.Sprintf("+7913%03d%04d", i, p), Position: p, DueAt: t0})
				}
			}
			if _, err := db.AddTasks(ctx, tasks); err != nil {
				t.Fatal(err)
			}
			var mu sync.Mutex
			byTask, byDebtor := map[int64]string{}, map[string]int{}
			var wg sync.WaitGroup
			for node, h := range map[string]*store.DB{"node1": db, "node2": other} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for range 20 {
						got, err := h.LeaseTasks(ctx, "c", t0, 7, node, time.Hour)
						if err != nil {
							t.Error(err)
							return
						}
						mu.Lock()
						for _, tk := range got {
							if prev, ok := byTask[tk.ID]; ok {
								t.Errorf("task %d leased by %s and %s", tk.ID, prev, node)
							}
							byTask[tk.ID] = node
							byDebtor[tk.DebtorID]++
						}
						mu.Unlock()
					}
				}()
			}
			wg.Wait()
			if len(byTask) != 60 {
				t.Errorf("%d tasks leased, want 60 (one phone of each debtor)", len(byTask))
			}
			for d, n := range byDebtor {
				if n != 1 {
					t.Errorf("debtor %s has %d live leases", d, n)
				}
			}
		})
	}
}

// TestReleaseTask: a task leased but not started goes back to pending as it
// was, only by its holder, and is handed out again at once.
func TestReleaseTask(t *testing.T) {
	eachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		t0 := time.Date(2026, 11, 25, 7, 0, 0, 0, time.UTC)
		if err := db.SaveCampaign(ctx, store.Campaign{ID: "c", Name: "c", Priority: 1, Config: `{}`}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.AddTasks(ctx, []store.Task{
			{CampaignID: "c", DebtorID: "a", Phone: "+79130000001", DueAt: t0},
			{CampaignID: "c", DebtorID: "b", Phone: "+79130000002", DueAt: t0.Add(time.Second)},
		}); err != nil {
			t.Fatal(err)
		}
		got, err := db.LeaseTasks(ctx, "c", t0.Add(time.Minute), 5, "node1", time.Hour)
		if err != nil || len(got) != 2 || got[0].DebtorID != "a" || got[1].DebtorID != "b" {
			t.Fatalf("batch lease: %+v %v, want a then b", got, err)
		}
		if err := db.ReleaseTask(ctx, got[1].ID, "node2", t0); !errors.Is(err, store.ErrLeaseLost) {
			t.Fatalf("release by another holder: %v, want ErrLeaseLost", err)
		}
		if err := db.ReleaseTask(ctx, got[1].ID, "node1", t0); err != nil {
			t.Fatal(err)
		}
		ts, _ := db.DebtorTasks(ctx, "c", "b")
		if ts[0].State != store.TaskPending || ts[0].LeaseHolder != "" || !ts[0].DueAt.Equal(t0.Add(time.Second)) || ts[0].Attempts != 0 {
			t.Fatalf("released task %+v, want pending as before", ts[0])
		}
		again, err := db.LeaseTasks(ctx, "c", t0.Add(time.Minute), 5, "node2", time.Hour)
		if err != nil || len(again) != 1 || again[0].DebtorID != "b" {
			t.Fatalf("lease after release: %+v %v, want b alone (a still leased)", again, err)
		}
	})
}
