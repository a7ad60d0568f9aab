package scheduler

import (
	"context"
	"errors"
	"time"

	"github.com/dozvon/dozvon/store"
)

// Offerer offers a due callback pinned to a collector to that collector
// before the robot dials it (issue 15 item 5): the collector is told and
// their phone rings, and the robot holds off for a grace period. Package
// callbacks implements it for serve.
type Offerer interface {
	// Grace is how long the robot holds off task t, leased and due: 0 when
	// it is not offered and the robot dials it now — its collector is
	// offline, or t's offer has run out (t.OfferedTo is set: the fallback).
	Grace(ctx context.Context, t store.Task) time.Duration
	// Offered is told once the store holds the offer of t until `until`.
	Offered(ctx context.Context, t store.Task, until time.Time)
}

// offered lets go of a due callback pinned to a collector as offered to
// them for the Offerer's grace period instead of dialling it. The store
// moves its due time to the grace's end, so no node leases it before; false:
// the robot dials it now.
func (s *Scheduler) offered(ctx context.Context, t store.Task, ev *Event) bool {
	if s.o.Offer == nil || t.PinnedTo == "" || !t.IsCallback() {
		return false
	}
	grace := s.o.Offer.Grace(ctx, t)
	if grace <= 0 {
		return false
	}
	now := s.o.Clock.Now()
	until := now.Add(grace)
	err := s.o.Store.OfferTask(context.WithoutCancel(ctx), t.ID, s.o.Holder, t.PinnedTo, now, until)
	if err != nil {
		s.o.Log.Error("offer callback", "task", t.ID, "err", err)
		if !errors.Is(err, store.ErrLeaseLost) {
			return false // the store failed: the robot calls back, as it would without an offer
		}
		ev.Err = err // another node has the task now
	} else {
		t.State, t.DueAt, t.OfferedTo = store.TaskPending, until, t.PinnedTo
		s.o.Offer.Offered(ctx, t, until)
		ev.Update = store.TaskUpdate{State: store.TaskPending, DueAt: until, Reason: t.Reason, PinnedTo: t.PinnedTo, OfferedTo: t.PinnedTo}
	}
	if s.o.OnEvent != nil {
		s.o.OnEvent(*ev)
	}
	return true
}
