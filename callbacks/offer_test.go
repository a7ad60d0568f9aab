package callbacks_test

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/dozvon/dozvon/callbacks"
	"github.com/dozvon/dozvon/callflow"
	"github.com/dozvon/dozvon/clock"
	"github.com/dozvon/dozvon/compliance"
	"github.com/dozvon/dozvon/events"
	"github.com/dozvon/dozvon/handoff"
	"github.com/dozvon/dozvon/store"
)

// placerForTests stands for callflow's click-to-call: it records each
// request and answers with err, else with a call whose report is rep.
type placerForTests struct {
	mu   sync.Mutex
	reqs []callflow.ClickToCall
	err  error
	rep  callflow.Report
}

func (p *placerForTests) ClickToCall(_, _ context.Context, req callflow.ClickToCall) (string, <-chan callflow.Report, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.reqs = append(p.reqs, req)
	if p.err != nil {
		return "", nil, p.err
	}
	done := make(chan callflow.Report, 1)
	done <- p.rep
	return p.rep.ID, done, nil
}

// presenceForTests is who is online, by login.
type presenceForTests map[string]handoff.Presence

func (p presenceForTests) Presence(login string) handoff.Presence { return p[login] }

var t0 = time.Date(2026, 11, 25, 6, 0, 0, 0, time.UTC)

const grace = 5 * time.Minute

// offeredTask leaves debtor d1's second phone as a callback pinned to
// ivanova, due at t0 and offered to her until t0+grace, as the scheduler
// leaves it; it returns the task.
func offeredTask(t *testing.T, db *store.DB) store.Task {
	t.Helper()
	ctx := t.Context()
	if err := db.UpsertDebtor(ctx, store.Debtor{ID: "d1", Name: "Иванов Пётр", Region: "г. Москва", Phones: []string{"+79161110001", "+79161110002"}}); err != nil {
		t.Fatal(err)
	}
	if err := db.SaveCampaign(ctx, store.Campaign{ID: "c", Name: "c", State: store.CampaignActive, Config: "{}", CreatedAt: t0}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddTasks(ctx, []store.Task{{CampaignID: "c", DebtorID: "d1", Phone: "+79161110002", State: store.TaskPending, DueAt: t0}}); err != nil {
		t.Fatal(err)
	}
	lease := func() store.Task {
		ts, err := db.LeaseTasks(ctx, "c", t0, 1, "node", time.Minute)
		if err != nil || len(ts) != 1 {
			t.Fatalf("lease: %v %v", ts, err)
		}
		return ts[0]
	}
	tk := lease()
	if err := db.FinishTask(ctx, tk.ID, "node", t0, store.TaskUpdate{State: store.TaskPending, DueAt: t0, Attempted: true, LastResult: "answered",
		Outcome: "callback", Reason: store.CallbackReasonPrefix + t0.Format(time.RFC3339) + ", pinned to ivanova", PinnedTo: "ivanova"}); err != nil {
		t.Fatal(err)
	}
	tk = lease()
	if err := db.OfferTask(ctx, tk.ID, "node", "ivanova", t0, t0.Add(grace)); err != nil {
		t.Fatal(err)
	}
	ts, err := db.Tasks(ctx, "c")
	if err != nil || len(ts) != 1 {
		t.Fatalf("tasks: %v %v", ts, err)
	}
	return ts[0]
}

// TestCollectorCallSettlesTheOffer: the collector's click-to-call to a
// debtor whose callback is on offer to them dials the task's number under
// the task, and settles the task from how it went — and the robot's next
// lease follows: reached, never; refused by the guard, at the next allowed
// time (offered again then); not reached, when the grace ends.
func TestCollectorCallSettlesTheOffer(t *testing.T) {
	nextAllowed := t0.Add(20 * time.Hour)
	for _, c := range []struct {
		name      string
		placer    *placerForTests
		wantErr   error
		wantState string
		wantDue   time.Time
		wantOffer string
		wantAtt   int
	}{
		{name: "debtor reached", placer: &placerForTests{rep: callflow.Report{ID: "call-1", Kind: compliance.Conversation,
			Record: store.CallRecord{ID: "call-1", Result: "answered", Started: t0}}},
			wantState: store.TaskDone, wantDue: t0.Add(grace), wantAtt: 1},
		{name: "debtor did not answer", placer: &placerForTests{rep: callflow.Report{ID: "call-2", Kind: compliance.Attempt,
			Record: store.CallRecord{ID: "call-2", Result: "no_answer", Started: t0}}},
			wantState: store.TaskPending, wantDue: t0.Add(grace), wantOffer: "ivanova", wantAtt: 1},
		{name: "refused by the guard", placer: &placerForTests{err: &callflow.DeniedError{Decision: compliance.Decision{Reasons: []string{"hours"}, NextAllowedAt: nextAllowed}}},
			wantErr: callflow.ErrDenied, wantState: store.TaskPending, wantDue: nextAllowed},
		{name: "collector's phone did not answer", placer: &placerForTests{err: callflow.ErrNoCollectorAnswer},
			wantErr: callflow.ErrNoCollectorAnswer, wantState: store.TaskPending, wantDue: t0.Add(grace), wantOffer: "ivanova"},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx, db := t.Context(), openStore(t)
			tk := offeredTask(t, db)
			clk := clock.NewSim(t0.Add(time.Minute))
			o := callbacks.New(ctx, db, presenceForTests{}, c.placer, nil, callbacks.Config{Grace: grace, Node: "n1", Clock: clk})
			_, err := o.ClickToCall(ctx, callflow.ClickToCall{DebtorID: "d1", Collector: "ivanova"})
			o.Wait()
			if !errors.Is(err, c.wantErr) {
				t.Fatalf("click-to-call: %v, want %v", err, c.wantErr)
			}
			if len(c.placer.reqs) != 1 || c.placer.reqs[0].TaskID != tk.ID || c.placer.reqs[0].Phone.String() != "+79161110002" {
				t.Fatalf("calls placed %+v, want one, under task %d, to the task's number", c.placer.reqs, tk.ID)
			}
			ts, err := db.Tasks(ctx, "c")
			if err != nil {
				t.Fatal(err)
			}
			got := ts[0]
			if got.State != c.wantState || !got.DueAt.Equal(c.wantDue) || got.OfferedTo != c.wantOffer || got.Attempts != 1+c.wantAtt || got.PinnedTo != "ivanova" {
				t.Errorf("task %s due %s offered to %q, %d attempts (%s); want %s due %s offered to %q, %d attempts", got.State, got.DueAt.Format(time.DateTime),
					got.OfferedTo, got.Attempts, got.Reason, c.wantState, c.wantDue.Format(time.DateTime), c.wantOffer, 1+c.wantAtt)
			}
			if got.State == store.TaskPending && !got.IsCallback() {
				t.Errorf("reason %q: no longer a callback", got.Reason)
			}
			// the robot: nothing before the task's due time
			if ls, err := db.LeaseTasks(ctx, "c", c.wantDue.Add(-time.Second), 1, "robot", time.Minute); err != nil || len(ls) != 0 {
				t.Errorf("robot leased %v (%v) before %s", ls, err, c.wantDue.Format(time.DateTime))
			}
			if calls, _ := db.TaskCalls(ctx, tk.ID); len(calls) != c.wantAtt {
				t.Errorf("calls listed under the task: %+v, want %d", calls, c.wantAtt)
			}
		})
	}
}

// TestClickToCallWithoutOffer: a collector's call to a debtor with nothing
// on offer to them is a plain click-to-call: no task is touched.
func TestClickToCallWithoutOffer(t *testing.T) {
	ctx, db := t.Context(), openStore(t)
	offeredTask(t, db)
	p := &placerForTests{err: callflow.ErrNoCollector}
	o := callbacks.New(ctx, db, presenceForTests{}, p, nil, callbacks.Config{Clock: clock.NewSim(t0)})
	if _, err := o.ClickToCall(ctx, callflow.ClickToCall{DebtorID: "d1", Collector: "petrov"}); !errors.Is(err, callflow.ErrNoCollector) {
		t.Fatalf("click-to-call: %v", err)
	}
	if len(p.reqs) != 1 || p.reqs[0].TaskID != 0 {
		t.Errorf("calls placed %+v, want one under no task", p.reqs)
	}
	if ts, _ := db.Tasks(ctx, "c"); ts[0].OfferedTo != "ivanova" || ts[0].State != store.TaskPending {
		t.Errorf("task %+v, want it untouched", ts[0])
	}
}

// TestOfferOrFallBack: the grace is given only to an online collector and
// only once per due time; each turn is told on the live stream with the
// phone masked; a registered phone is rung for the offered task.
func TestOfferOrFallBack(t *testing.T) {
	for _, c := range []struct {
		name       string
		presence   handoff.Presence
		offeredTo  string // the task's offer ran out
		wantGrace  time.Duration
		wantType   string
		wantReason string
		wantRing   bool
	}{
		{name: "offline", wantType: events.TypeCallbackFallback, wantReason: events.FallbackOffline},
		{name: "page open", presence: handoff.Presence{PageOpen: true}, wantGrace: grace, wantType: events.TypeCallbackOffered},
		{name: "phone registered", presence: handoff.Presence{Registered: true}, wantGrace: grace, wantType: events.TypeCallbackOffered, wantRing: true},
		{name: "offer ran out", presence: handoff.Presence{Registered: true}, offeredTo: "ivanova", wantType: events.TypeCallbackFallback, wantReason: events.FallbackNotCalled},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx, db := t.Context(), openStore(t)
			tk := offeredTask(t, db)
			tk.OfferedTo = c.offeredTo
			live := make(publishedForTests, 4)
			p := &placerForTests{err: callflow.ErrNoCollectorAnswer}
			o := callbacks.New(ctx, db, presenceForTests{"ivanova": c.presence}, p, live, callbacks.Config{Grace: grace, Clock: clock.NewSim(t0)})
			g := o.Grace(ctx, tk)
			if g != c.wantGrace {
				t.Fatalf("grace %v, want %v", g, c.wantGrace)
			}
			if g > 0 {
				tk.OfferedTo = tk.PinnedTo
				o.Offered(ctx, tk, t0.Add(g))
			}
			o.Wait()
			e := <-live
			var d events.CallbackOfferData
			if err := json.Unmarshal(e.Data, &d); err != nil {
				t.Fatal(err)
			}
			if e.Type != c.wantType || d.Reason != c.wantReason || d.Ring != c.wantRing || e.Debtor != "d1" || d.Collector != "ivanova" || d.Phone == tk.Phone {
				t.Errorf("event %s %s, want %s reason %q ring %v, the phone masked", e.Type, e.Data, c.wantType, c.wantReason, c.wantRing)
			}
			if rung := len(p.reqs) == 1 && p.reqs[0].Collector == "ivanova" && p.reqs[0].TaskID == tk.ID && p.reqs[0].Name == "Иванов Пётр"; rung != c.wantRing {
				t.Errorf("rung %+v, want ring %v", p.reqs, c.wantRing)
			}
		})
	}
}
