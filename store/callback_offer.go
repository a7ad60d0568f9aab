package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// A due callback pinned to a collector is first offered to that collector
// for a grace period (issue 15 item 5). The offer is a state of the task:
// its due time moves to the end of the grace period — so no scheduler
// leases it before, on any node — and offered_to names the collector, so
// the lease after the grace is the robot's fallback, not a new offer.

// callbackOfferSchema is the migration that remembers to whom a due
// callback was offered (”: not offered since the task was last finished).
const callbackOfferSchema = `ALTER TABLE tasks ADD COLUMN offered_to TEXT NOT NULL DEFAULT ''`

// CallbackReasonPrefix starts the reason of a task that is a callback the
// debtor asked for (the scheduler's retry rules write it).
const CallbackReasonPrefix = "callback at "

// IsCallback tells whether t is a callback the debtor asked for.
func (t Task) IsCallback() bool { return strings.HasPrefix(t.Reason, CallbackReasonPrefix) }

// OfferTask lets go of a leased callback task as offered to collector until
// `until`: it is pending again, due at until, and its due time counts as
// announced (the offer is its announcement). ErrLeaseLost when holder does
// not hold the task.
func (db *DB) OfferTask(ctx context.Context, taskID int64, holder, collector string, now, until time.Time) error {
	if collector == "" {
		return fmt.Errorf("offer task %d: no collector", taskID)
	}
	r, err := db.sql.ExecContext(ctx, db.q(`UPDATE tasks SET state = 'pending', due_at = ?, lease_holder = '', lease_until = 0,
		offered_to = ?, callback_notified = ?, updated_at = ? WHERE id = ? AND state = 'leased' AND lease_holder = ?`),
		ns(until), collector, ns(until), ns(now), taskID, holder)
	if err != nil {
		return fmt.Errorf("offer task %d: %w", taskID, err)
	}
	if k, _ := r.RowsAffected(); k != 1 {
		return fmt.Errorf("offer task %d: %w", taskID, ErrLeaseLost)
	}
	return nil
}

// ErrNoOffer is returned by TakeOffer when the collector has no callback of
// the debtor on offer (none pinned to them, or the robot has it now).
var ErrNoOffer = errors.New("no callback on offer")

// TakeOffer leases to holder, until now+ttl, the debtor's callback task
// offered to collector, so the robot cannot dial it while the collector
// calls: of two nodes or a robot and a collector, one gets it. It is the
// earliest such task; ErrNoOffer when there is none.
func (db *DB) TakeOffer(ctx context.Context, debtorID, collector, holder string, now time.Time, ttl time.Duration) (Task, error) {
	for range 3 {
		ts, err := db.queryTasks(ctx, `SELECT `+taskCols+` FROM tasks WHERE debtor_id = ? AND offered_to = ? AND state = 'pending'
			ORDER BY due_at, id LIMIT 1`, debtorID, collector)
		if err != nil {
			return Task{}, fmt.Errorf("take offer: %w", err)
		}
		if len(ts) == 0 {
			return Task{}, ErrNoOffer
		}
		t := ts[0]
		until := now.Add(ttl)
		r, err := db.sql.ExecContext(ctx, db.q(`UPDATE tasks SET state = 'leased', lease_holder = ?, lease_until = ?, updated_at = ?
			WHERE id = ? AND state = 'pending' AND offered_to = ?`), holder, ns(until), ns(now), t.ID, collector)
		if err != nil {
			return Task{}, fmt.Errorf("take offer %d: %w", t.ID, err)
		}
		if k, _ := r.RowsAffected(); k == 1 {
			t.State, t.LeaseHolder, t.LeaseUntil = TaskLeased, holder, until
			return t, nil
		}
		// taken by someone else between the two statements: look again
	}
	return Task{}, ErrNoOffer
}
