package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// QuarantinedFor is the status of one debtor's quarantined (or confirmed
// wrong) number; ErrNotFound when that number is not under review for that
// debtor. The API names both, so no guessing between debtors is needed.
func (db *DB) QuarantinedFor(ctx context.Context, phone, debtor string) (PhoneStatus, error) {
	s := PhoneStatus{DebtorID: debtor, Phone: phone}
	var at int64
	err := db.rd.QueryRowContext(ctx, db.q(`SELECT status, note, at FROM phone_status
		WHERE debtor_id = ? AND phone = ? AND status IN (?, ?)`), debtor, phone, PhoneQuarantined, PhoneWrongConfirmed).Scan(&s.Status, &s.Note, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return PhoneStatus{}, ErrNotFound
	}
	if err != nil {
		return PhoneStatus{}, fmt.Errorf("quarantined number: %w", err)
	}
	s.At = fromNS(at)
	return s, nil
}

// WebhooksOf lists deliveries in a state (e.g. dead letters), newest first,
// of the endpoints an owner registered ("" owner: every endpoint's). The
// owner filter is in the query so an integration's list cannot hold
// another's deliveries.
func (db *DB) WebhooksOf(ctx context.Context, owner, state string, limit int) ([]WebhookDelivery, error) {
	return db.WebhooksOfBefore(ctx, owner, state, 0, limit)
}

// WebhooksOfBefore is WebhooksOf from the delivery before id before (0:
// from the newest): the API's pages.
func (db *DB) WebhooksOfBefore(ctx context.Context, owner, state string, before int64, limit int) ([]WebhookDelivery, error) {
	return db.webhooks(ctx, `WHERE state = ? AND (CAST(? AS TEXT) = '' OR endpoint_id IN (SELECT id FROM webhook_endpoints WHERE owner = ?))
		AND (CAST(? AS BIGINT) = 0 OR id < ?) ORDER BY id DESC LIMIT ?`, state, owner, owner, before, before, limit)
}

// callbackReason is how the scheduler marks a callback the debtor asked
// for (scheduler/rules.go, CallbackAsked): a pending task whose reason
// starts so. The tasks table has no column of its own for it.
const callbackReason = "callback at "

// Callbacks lists pending callbacks due at or before until (zero: every
// one scheduled), soonest first. collector, when set, is part of the query
// (debtors.collector): a collector's list cannot hold another's debtor.
func (db *DB) Callbacks(ctx context.Context, collector string, until time.Time, limit int) ([]Task, error) {
	return db.CallbacksAfter(ctx, collector, until, 0, limit)
}

// CallbacksAfter is Callbacks from after the callback task after (0: from
// the soonest), in the same order: the API's pages. A cursor task that is
// no longer a pending callback ends the list.
func (db *DB) CallbacksAfter(ctx context.Context, collector string, until time.Time, after int64, limit int) ([]Task, error) {
	return db.queryTasks(ctx, `SELECT `+taskCols+` FROM tasks
		WHERE state = ? AND reason LIKE ? AND (CAST(? AS BIGINT) = 0 OR due_at <= ?)
		AND (CAST(? AS TEXT) = '' OR debtor_id IN (SELECT id FROM debtors WHERE collector = ?))
		AND (CAST(? AS BIGINT) = 0 OR (due_at, id) > ((SELECT c.due_at FROM tasks c WHERE c.id = ? AND c.state = ? AND c.reason LIKE ?), ?))
		ORDER BY due_at, id LIMIT ?`, TaskPending, callbackReason+"%", ns(until), ns(until), collector, collector,
		after, after, TaskPending, callbackReason+"%", after, limit)
}
