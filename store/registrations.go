package store

import (
	"context"
	"fmt"
	"time"
)

// A collector's softphone registers to whichever node the SIP proxy sends
// its REGISTER to. The binding is kept here too, so that it outlives its
// node: a node that restarts, or dies, does not take its collectors
// offline until their softphones register again (often an hour later),
// and every node rings the latest binding whichever node took it.

// registrationSchema is migration 18.
const registrationSchema = `CREATE TABLE sip_registrations (
		sip_user TEXT PRIMARY KEY,
		contact TEXT NOT NULL,
		node TEXT NOT NULL,
		expires_at BIGINT NOT NULL
	)`

// Registration is one SIP user's current binding.
type Registration struct {
	User    string
	Contact string
	Node    string // the node that took the REGISTER
	Expires time.Time
}

// KeepRegistration stores r as its user's binding, replacing an earlier one
// (the latest REGISTER wins, whichever node took it), and drops every
// binding expired by now.
func (db *DB) KeepRegistration(ctx context.Context, r Registration, now time.Time) error {
	if r.User == "" || r.Contact == "" {
		return fmt.Errorf("keep registration: user and contact are required")
	}
	if _, err := db.sql.ExecContext(ctx, db.q(`DELETE FROM sip_registrations WHERE expires_at <= ?`), ns(now)); err != nil {
		return fmt.Errorf("keep registration: %w", err)
	}
	if _, err := db.sql.ExecContext(ctx, db.q(`INSERT INTO sip_registrations (sip_user, contact, node, expires_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (sip_user) DO UPDATE SET contact = excluded.contact, node = excluded.node, expires_at = excluded.expires_at`),
		r.User, r.Contact, r.Node, ns(r.Expires)); err != nil {
		return fmt.Errorf("keep registration of %s: %w", r.User, err)
	}
	return nil
}

// DropRegistration removes user's binding (the softphone unregistered).
func (db *DB) DropRegistration(ctx context.Context, user string) error {
	if _, err := db.sql.ExecContext(ctx, db.q(`DELETE FROM sip_registrations WHERE sip_user = ?`), user); err != nil {
		return fmt.Errorf("drop registration of %s: %w", user, err)
	}
	return nil
}

// Registrations are the bindings not expired at now, by user.
func (db *DB) Registrations(ctx context.Context, now time.Time) ([]Registration, error) {
	rows, err := db.rd.QueryContext(ctx, db.q(`SELECT sip_user, contact, node, expires_at FROM sip_registrations
		WHERE expires_at > ? ORDER BY sip_user`), ns(now))
	if err != nil {
		return nil, fmt.Errorf("registrations: %w", err)
	}
	defer rows.Close()
	var out []Registration
	for rows.Next() {
		var r Registration
		var exp int64
		if err := rows.Scan(&r.User, &r.Contact, &r.Node, &exp); err != nil {
			return nil, fmt.Errorf("registrations: %w", err)
		}
		r.Expires = time.Unix(0, exp)
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("registrations: %w", err)
	}
	return out, nil
}
