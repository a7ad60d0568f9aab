package callbacks

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/dozvon/dozvon/callflow"
	"github.com/dozvon/dozvon/compliance"
	"github.com/dozvon/dozvon/phonenum"
	"github.com/dozvon/dozvon/store"
)

// ClickToCall is a collector's call to a debtor (the page's call button, the
// API, or their phone rung for an offered callback). When the collector has
// a callback of that debtor on offer, the call takes its task — the robot
// cannot lease it meanwhile — dials the task's number, and settles the task
// from how the call went: the debtor reached, it is done; refused by the
// guard, it waits for the next allowed time; not answered, the robot calls
// back when the grace ends. Without an offer it is a plain click-to-call.
// It returns once the debtor is being dialled; the call runs on the
// service's context.
func (o *Offers) ClickToCall(ctx context.Context, req callflow.ClickToCall) (string, error) {
	if o.calls == nil {
		return "", fmt.Errorf("callbacks: click-to-call: %w (no phones)", callflow.ErrNoCollector)
	}
	holder := o.cfg.Node + " collector " + req.Collector
	t, err := o.st.TakeOffer(ctx, req.DebtorID, req.Collector, holder, o.cfg.Clock.Now(), leaseTTL)
	switch {
	case errors.Is(err, store.ErrNoOffer):
		return o.place(ctx, req, nil, "")
	case err != nil:
		return "", fmt.Errorf("callbacks: click-to-call: %w", err)
	}
	if p, err := phonenum.Parse(t.Phone); err == nil {
		req.Phone = p // the number the debtor asked to be called on
	}
	req.Campaign, req.TaskID = t.CampaignID, t.ID
	return o.place(ctx, req, &t, holder)
}

// place runs the click-to-call, holding task t (nil: none) meanwhile.
func (o *Offers) place(ctx context.Context, req callflow.ClickToCall, t *store.Task, holder string) (string, error) {
	stop := func() {}
	if t != nil {
		stop = o.keepLease(t.ID, holder)
	}
	id, done, err := o.calls.ClickToCall(o.life, ctx, req)
	if err != nil {
		stop()
		if t != nil {
			o.finish(*t, holder, o.refused(*t, err))
		}
		return "", err
	}
	o.wg.Add(1)
	go func() {
		defer o.wg.Done()
		rep := <-done
		stop()
		if t != nil {
			o.finish(*t, holder, o.called(*t, rep))
		}
		o.cfg.Log.Info("click-to-call ended", "call", id, "collector", req.Collector, "task", req.TaskID, "result", rep.Record.Result, "kind", rep.Kind)
	}()
	return id, nil
}

// kept is task t let go as it was: pending, due when its offer ends (the
// robot's fallback), with what the robot's last call left.
func kept(t store.Task) store.TaskUpdate {
	return store.TaskUpdate{State: store.TaskPending, DueAt: t.DueAt, LastResult: t.LastResult, Outcome: t.Outcome, Slots: t.Slots,
		Reason: t.Reason, PinnedTo: t.PinnedTo, OfferedTo: t.OfferedTo}
}

// promise is the callback part of t's reason (without what was added later).
func promise(t store.Task) string {
	r, _, _ := strings.Cut(t.Reason, "; ")
	return r
}

// refused is t after a click-to-call that reached nobody: refused by the
// guard, it waits for the next allowed time and is offered again then;
// else (the collector's phone offline or unanswered) nothing reached the
// debtor and the offer stands until its grace ends.
func (o *Offers) refused(t store.Task, err error) store.TaskUpdate {
	u := kept(t)
	var denied *callflow.DeniedError
	if !errors.As(err, &denied) {
		return u
	}
	dec := denied.Decision
	u.DueAt, u.OfferedTo, u.LastResult = dec.NextAllowedAt, "", "denied"
	if u.DueAt.IsZero() { // blocked, or nothing allowed within the guard's horizon: look again tomorrow
		u.DueAt = o.cfg.Clock.Now().Add(24 * time.Hour)
	}
	u.Reason = promise(t) + "; the collector's call was refused: 230-FZ " + strings.Join(dec.Reasons, ",")
	return u
}

// called is t after the collector's call to the debtor: reached, the
// callback is done; not answered, the robot calls back when the grace ends.
func (o *Offers) called(t store.Task, rep callflow.Report) store.TaskUpdate {
	u := kept(t)
	if rep.Record.ID == "" { // nothing was dialled (no trunk)
		return u
	}
	u.Attempted, u.LastResult = true, rep.Record.Result
	u.Call = &store.TaskCall{CallID: rep.Record.ID, At: rep.Record.Started, Result: rep.Record.Result, Outcome: rep.Record.Outcome,
		Duration: rep.Duration, CostKop: rep.Record.CostKop, Trunk: rep.Record.Trunk, CallerID: rep.Record.From, RecordingPath: rep.Record.RecordingPath}
	if rep.Kind == compliance.Conversation {
		u.State, u.OfferedTo, u.SkipOthers = store.TaskDone, "", "the debtor was reached on another phone"
		u.Reason = promise(t) + "; called back by the collector"
		return u
	}
	if now := o.cfg.Clock.Now(); now.After(u.DueAt) {
		u.DueAt = now
	}
	return u
}

func (o *Offers) finish(t store.Task, holder string, u store.TaskUpdate) {
	if err := o.st.FinishTask(context.WithoutCancel(o.life), t.ID, holder, o.cfg.Clock.Now(), u); err != nil {
		o.cfg.Log.Error("callback: settle the task after the collector's call", "task", t.ID, "err", err)
	}
}

// keepLease renews the collector's lease of a task while their call lives.
func (o *Offers) keepLease(taskID int64, holder string) (stop func()) {
	quit := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(leaseTTL / 3)
		defer tick.Stop()
		for {
			select {
			case <-quit:
				return
			case <-tick.C:
				if err := o.st.RenewLease(context.WithoutCancel(o.life), taskID, holder, o.cfg.Clock.Now().Add(leaseTTL)); err != nil {
					o.cfg.Log.Warn("callback: renew the collector's lease", "task", taskID, "err", err)
				}
			}
		}
	}()
	return func() { close(quit); wg.Wait() }
}
