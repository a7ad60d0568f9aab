package callflow_test

import (
	"strings"
	"testing"
	"time"

	"github.com/dozvon/dozvon/callbacks"
	"github.com/dozvon/dozvon/compliance"
	"github.com/dozvon/dozvon/store"
	"github.com/dozvon/dozvon/testcalls"
)

// offerDueCallback makes debtor d1's number a callback pinned to alice, due
// now, leases it as the scheduler does and offers it through o exactly as
// scheduler.Scheduler does (Grace, then the store's offer, then Offered).
// It returns the task as offered.
func offerDueCallback(t *testing.T, hr *handoffRig, o *callbacks.Offers) store.Task {
	t.Helper()
	ctx, now := hr.ctx, hr.clock.Now()
	if err := hr.db.SaveCampaign(ctx, store.Campaign{ID: "c", Name: "c", State: store.CampaignActive, Config: "{}", CreatedAt: now}); err != nil {
		t.Fatal(err)
	}
	if _, err := hr.db.AddTasks(ctx, []store.Task{{CampaignID: "c", DebtorID: "d1", Phone: hr.phone, State: store.TaskPending, DueAt: now}}); err != nil {
		t.Fatal(err)
	}
	lease := func() store.Task {
		ts, err := hr.db.LeaseTasks(ctx, "c", now, 1, "node", time.Minute)
		if err != nil || len(ts) != 1 {
			t.Fatalf("lease: %v %v", ts, err)
		}
		return ts[0]
	}
	tk := lease()
	if err := hr.db.FinishTask(ctx, tk.ID, "node", now, store.TaskUpdate{State: store.TaskPending, DueAt: now, Attempted: true, LastResult: "answered",
		Outcome: "callback", Reason: store.CallbackReasonPrefix + now.Format(time.RFC3339) + ", pinned to alice", PinnedTo: "alice"}); err != nil {
		t.Fatal(err)
	}
	tk = lease()
	g := o.Grace(ctx, tk)
	if g <= 0 {
		t.Fatal("alice's phone is registered, but the callback was not offered to her")
	}
	until := now.Add(g)
	if err := hr.db.OfferTask(ctx, tk.ID, "node", "alice", now, until); err != nil {
		t.Fatal(err)
	}
	tk.State, tk.DueAt, tk.OfferedTo = store.TaskPending, until, "alice"
	o.Offered(ctx, tk, until)
	return tk
}

// TestDueCallbackRingsCollector: a due callback pinned to a collector whose
// softphone (baresip) is registered rings that phone; answered, the debtor's
// simulated phone is dialled through the guard and bridged; the ledger has
// one conversation, the INVITE to the softphone carries the debtor's alias
// and never the number, and the task is done — the robot never leases it.
func TestDueCallbackRingsCollector(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC) // 11:00 in Moscow, a Wednesday
	hr := newHandoffRig(t, start, testcalls.Behaviour{Ring: 200 * time.Millisecond,
		Steps: []testcalls.Step{{Interrupt: "Алло, слушаю вас", After: 300 * time.Millisecond}}}, 10*time.Second)
	sp := startSoftphone(t, hr.ctx, hr.ua, "alice", "s3cret", 3*time.Second)
	waitRegistered(t, hr.dir, "alice")
	o := callbacks.New(hr.ctx, hr.db, hr.dir, hr.flow, nil, callbacks.Config{Grace: 5 * time.Minute, Node: "n1", Clock: hr.clock, Log: testLog(t)})
	tk := offerDueCallback(t, hr, o)
	o.Wait() // the ring, the bridged call, the task settled
	if reps := hr.phones.Reports(); len(reps) != 1 {
		t.Fatalf("the debtor's phone got %d calls, want 1", len(reps))
	}
	es, err := hr.db.LedgerEntries(hr.ctx, "d1")
	if err != nil || len(es) != 1 || es[0].Channel != string(compliance.HumanCall) || es[0].Kind != string(compliance.Conversation) {
		t.Errorf("ledger: %+v (%v), want one human-call conversation", es, err)
	}
	if trace := sp.trace(); strings.Contains(trace, "9160000021") || !strings.Contains(trace, "debtor-d1") {
		t.Fatalf("the softphone's SIP traffic: want the alias debtor-d1 and never the number:\n%s", trace)
	}
	ts, err := hr.db.Tasks(hr.ctx, "c")
	if err != nil || len(ts) != 1 || ts[0].State != store.TaskDone || ts[0].Attempts != 2 {
		t.Fatalf("task after the collector's call: %+v (%v), want done with the collector's call counted", ts, err)
	}
	if calls, _ := hr.db.TaskCalls(hr.ctx, tk.ID); len(calls) != 1 || calls[0].Result != "answered" {
		t.Errorf("calls listed under the task: %+v, want the collector's, answered", calls)
	}
	if ls, err := hr.db.LeaseTasks(hr.ctx, "c", tk.DueAt.Add(time.Hour), 1, "robot", time.Minute); err != nil || len(ls) != 0 {
		t.Errorf("the robot leased %+v (%v) after the collector called back", ls, err)
	}
}

// TestDueCallbackAtForbiddenTime: a callback offered at a time the debtor
// may not be called (23:00 local) rings the collector, who hears the
// refusal; nothing is dialled to the debtor, and the task waits, still a
// callback, for the guard's next allowed time.
func TestDueCallbackAtForbiddenTime(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 11, 25, 20, 0, 0, 0, time.UTC) // 23:00 in Moscow
	hr := newHandoffRig(t, start, testcalls.Behaviour{Ring: 100 * time.Millisecond}, 10*time.Second)
	sp := startSoftphone(t, hr.ctx, hr.ua, "alice", "s3cret", 2*time.Second)
	waitRegistered(t, hr.dir, "alice")
	o := callbacks.New(hr.ctx, hr.db, hr.dir, hr.flow, nil, callbacks.Config{Grace: 5 * time.Minute, Node: "n1", Clock: hr.clock, Log: testLog(t)})
	offerDueCallback(t, hr, o)
	o.Wait()
	if !strings.Contains(sp.trace(), "INVITE sip:") {
		t.Fatal("the collector's phone did not ring")
	}
	if reps := hr.phones.Reports(); len(reps) != 0 {
		t.Fatalf("the debtor's phone got %d INVITE(s) at 23:00", len(reps))
	}
	ts, err := hr.db.Tasks(hr.ctx, "c")
	if err != nil || len(ts) != 1 {
		t.Fatal(ts, err)
	}
	got := ts[0]
	morning := time.Date(2026, 11, 26, 5, 0, 0, 0, time.UTC) // 08:00 in Moscow
	if got.State != store.TaskPending || got.DueAt.Before(morning) || !got.IsCallback() || got.OfferedTo != "" || got.LastResult != "denied" {
		t.Fatalf("task %s due %s, %q, offered to %q, last %q: want pending from the next allowed time, still a callback, to be offered again",
			got.State, got.DueAt, got.Reason, got.OfferedTo, got.LastResult)
	}
}
