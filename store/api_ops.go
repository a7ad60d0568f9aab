package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
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
	return db.webhooks(ctx, `WHERE state = ? AND (CAST(? AS TEXT) = '' OR endpoint_id IN (SELECT id FROM webhook_endpoints WHERE owner = ?))
		ORDER BY id DESC LIMIT ?`, state, owner, owner, limit)
}
