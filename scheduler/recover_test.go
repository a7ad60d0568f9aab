package scheduler_test

import (
	"testing"
	"time"

	"github.com/dozvon/dozvon/callflow"
	"github.com/dozvon/dozvon/clock"
	"github.com/dozvon/dozvon/compliance"
	"github.com/dozvon/dozvon/scheduler"
	"github.com/dozvon/dozvon/scripts"
	"github.com/dozvon/dozvon/store"
)

// recoveringDialer is a scriptedDialer that reads stored calls as the call
// path does (callflow.Dialer's Recover).
type recoveringDialer struct{ *scriptedDialer }

func (recoveringDialer) Recover(rec store.CallRecord) scheduler.Attempt {
	return (&callflow.Dialer{}).Recover(rec)
}

// TestDeadNodesSavedCallsFinishTheirTasks: a node died after its calls
// ended and were saved, before it finished their tasks. The node that takes
// the tasks over finishes them from the saved calls — the debtor who was
// reached is not dialled again, a busy line is retried by the busy rule —
// and each call stays listed once under its task.
func TestDeadNodesSavedCallsFinishTheirTasks(t *testing.T) {
	ctx := t.Context()
	db := openStore(t)
	start := time.Date(2026, 11, 25, 7, 0, 0, 0, time.UTC) // Wednesday 10:00 in Moscow
	clk := clock.NewSim(start)
	guard, err := compliance.NewGuard(compliance.Config{Ledger: db, Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	debtors := []store.Debtor{
		{ID: "reached", Region: "г. Москва", Phones: []string{"+79160000001"}},
		{ID: "busyline", Region: "г. Москва", Phones: []string{"+79160000002"}},
	}
	for _, d := range debtors {
		if err := db.UpsertDebtor(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	cfg := scheduler.Config{Script: "verify_contact.yaml", Retry: scheduler.RetryRules{MaxPerPhone: 3}}
	if _, err := scheduler.CreateCampaign(ctx, db, "c", "crash", cfg, debtors, start); err != nil {
		t.Fatal(err)
	}
	// The dead node's work: both tasks leased, both calls over and saved.
	leased, err := db.LeaseTasks(ctx, "c", start, 10, "dead-node", 2*time.Minute)
	if err != nil || len(leased) != 2 {
		t.Fatalf("lease: %d tasks, %v", len(leased), err)
	}
	for _, tk := range leased {
		rec := store.CallRecord{ID: "call-" + tk.DebtorID, Direction: "outbound", To: tk.Phone, Started: start, Ended: start.Add(40 * time.Second),
			Result: "busy", SIPCode: 486, TaskID: tk.ID}
		if tk.DebtorID == "reached" {
			rec.Result, rec.SIPCode, rec.Answered, rec.Outcome = "answered", 200, start.Add(5*time.Second), string(scripts.OutcomeIdentified)
		}
		if err := db.SaveCall(ctx, rec); err != nil {
			t.Fatal(err)
		}
	}
	clk.JumpTo(start.Add(3 * time.Minute)) // the dead node's leases have lapsed

	dialer := newDialer(t, clk, map[string][]scheduler.Attempt{"+79160000002": {answered(scripts.OutcomeIdentified, nil)}})
	s, err := scheduler.New(scheduler.Options{Store: db, Guard: guard, Dialer: recoveringDialer{dialer}, Clock: clk, Holder: "heir", Channels: 2})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Run(ctx, start.Add(3*time.Hour)); err != nil {
		t.Fatal(err)
	}
	tasks, err := db.Tasks(ctx, "c")
	if err != nil {
		t.Fatal(err)
	}
	for _, tk := range tasks {
		calls, err := db.TaskCalls(ctx, tk.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(calls) != tk.Attempts || len(calls) == 0 || calls[0].CallID != "call-"+tk.DebtorID {
			t.Errorf("%s: %d attempts, calls %+v; want the saved call first and each call counted once", tk.DebtorID, tk.Attempts, calls)
		}
		switch tk.DebtorID {
		case "reached":
			if tk.State != store.TaskDone || tk.Outcome != string(scripts.OutcomeIdentified) || len(dialer.calls[tk.Phone]) != 0 {
				t.Errorf("reached: %s/%s after %d new dials; want done as identified from the saved call, never dialled again",
					tk.State, tk.Outcome, len(dialer.calls[tk.Phone]))
			}
		case "busyline":
			if tk.State != store.TaskDone || tk.Attempts != 2 || len(dialer.calls[tk.Phone]) != 1 {
				t.Errorf("busyline: %s after %d attempts, %d new dials; want the busy call counted and one retry that reached them",
					tk.State, tk.Attempts, len(dialer.calls[tk.Phone]))
			}
		}
	}
}
