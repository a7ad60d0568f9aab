package store

import (
	"context"
	"fmt"
	"time"
)

// Several nodes behind one SIP proxy serve the same collectors: a
// collector's softphone registers to one node, their page is open on
// another, and an inbound debtor lands on a third. Each node publishes what
// it sees of the collectors (collector_presence, rows that expire unless
// renewed), and a collector on a call is claimed in collector_lines, one
// row per collector: an insert that conflicts means another node has them,
// so no two nodes ring one phone at once. A node that dies stops renewing;
// its rows expire and its collectors are free again. Inbound callers
// waiting for a free collector wait in one line (collector_queue), first
// come first served whichever node took their call.

// presenceSchema is migration 16.
const presenceSchema = `CREATE TABLE collector_presence (
		node TEXT NOT NULL,
		login TEXT NOT NULL,
		contact TEXT NOT NULL,
		pages INTEGER NOT NULL,
		expires_at BIGINT NOT NULL,
		PRIMARY KEY (node, login)
	);
	CREATE TABLE collector_lines (
		login TEXT PRIMARY KEY,
		node TEXT NOT NULL,
		expires_at BIGINT NOT NULL
	);
	CREATE INDEX collector_lines_node ON collector_lines(node);
	CREATE TABLE collector_queue (
		id TEXT PRIMARY KEY,
		node TEXT NOT NULL,
		joined_at BIGINT NOT NULL,
		expires_at BIGINT NOT NULL
	);
	CREATE INDEX collector_queue_node ON collector_queue(node)`

// CollectorSeen is what one node sees of one collector: the contact their
// softphone registered to it with ("" for none) and how many of their
// pages are open on it.
type CollectorSeen struct {
	Login   string
	Contact string
	Pages   int
}

// PublishPresence replaces what node published before with seen, valid
// until `until`, and drops every node's expired rows.
func (db *DB) PublishPresence(ctx context.Context, node string, seen []CollectorSeen, now, until time.Time) error {
	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("publish presence: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, db.q(`DELETE FROM collector_presence WHERE node = ? OR expires_at <= ?`), node, ns(now)); err != nil {
		return fmt.Errorf("publish presence: %w", err)
	}
	for _, s := range seen {
		if _, err := tx.ExecContext(ctx, db.q(`INSERT INTO collector_presence (node, login, contact, pages, expires_at) VALUES (?, ?, ?, ?, ?)`),
			node, s.Login, s.Contact, s.Pages, ns(until)); err != nil {
			return fmt.Errorf("publish presence of %s: %w", s.Login, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("publish presence: %w", err)
	}
	return nil
}

// OthersPresence is what the nodes other than node see now, one entry per
// node and collector, by login.
func (db *DB) OthersPresence(ctx context.Context, node string, now time.Time) ([]CollectorSeen, error) {
	rows, err := db.rd.QueryContext(ctx, db.q(`SELECT login, contact, pages FROM collector_presence
		WHERE node <> ? AND expires_at > ? ORDER BY login, node`), node, ns(now))
	if err != nil {
		return nil, fmt.Errorf("others' presence: %w", err)
	}
	defer rows.Close()
	var out []CollectorSeen
	for rows.Next() {
		var s CollectorSeen
		if err := rows.Scan(&s.Login, &s.Contact, &s.Pages); err != nil {
			return nil, fmt.Errorf("others' presence: %w", err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("others' presence: %w", err)
	}
	return out, nil
}

// ClaimLines claims for node, until `until`, those of logins no node holds
// now (a claim past its expiry is nobody's), and returns them. A login node
// already holds is renewed and returned.
func (db *DB) ClaimLines(ctx context.Context, node string, logins []string, now, until time.Time) ([]string, error) {
	if len(logins) == 0 {
		return nil, nil
	}
	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("claim lines: %w", err)
	}
	defer tx.Rollback()
	var got []string
	for _, login := range logins {
		if _, err := tx.ExecContext(ctx, db.q(`DELETE FROM collector_lines WHERE login = ? AND expires_at <= ?`), login, ns(now)); err != nil {
			return nil, fmt.Errorf("claim line of %s: %w", login, err)
		}
		// One statement decides between nodes: the row is inserted, or
		// updated only when this node holds it already.
		r, err := tx.ExecContext(ctx, db.q(`INSERT INTO collector_lines (login, node, expires_at) VALUES (?, ?, ?)
			ON CONFLICT (login) DO UPDATE SET expires_at = excluded.expires_at WHERE collector_lines.node = excluded.node`),
			login, node, ns(until))
		if err != nil {
			return nil, fmt.Errorf("claim line of %s: %w", login, err)
		}
		if k, _ := r.RowsAffected(); k == 1 {
			got = append(got, login)
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("claim lines: %w", err)
	}
	return got, nil
}

// FreeLines gives back node's claims of logins.
func (db *DB) FreeLines(ctx context.Context, node string, logins []string) error {
	for _, login := range logins {
		if _, err := db.sql.ExecContext(ctx, db.q(`DELETE FROM collector_lines WHERE login = ? AND node = ?`), login, node); err != nil {
			return fmt.Errorf("free line of %s: %w", login, err)
		}
	}
	return nil
}

// RenewLines extends every claim and place in the line node holds to
// `until`, and drops every node's claims and places expired by now (a dead
// node's).
func (db *DB) RenewLines(ctx context.Context, node string, now, until time.Time) error {
	for _, table := range []string{"collector_lines", "collector_queue"} {
		if _, err := db.sql.ExecContext(ctx, db.q(`DELETE FROM `+table+` WHERE expires_at <= ?`), ns(now)); err != nil {
			return fmt.Errorf("renew lines: %w", err)
		}
		if _, err := db.sql.ExecContext(ctx, db.q(`UPDATE `+table+` SET expires_at = ? WHERE node = ?`), ns(until), node); err != nil {
			return fmt.Errorf("renew lines: %w", err)
		}
	}
	return nil
}

// JoinQueue puts a caller (id, unique among the nodes) in the line at
// joined, held by node until `until` unless renewed.
func (db *DB) JoinQueue(ctx context.Context, node, id string, joined, until time.Time) error {
	if _, err := db.sql.ExecContext(ctx, db.q(`INSERT INTO collector_queue (id, node, joined_at, expires_at) VALUES (?, ?, ?, ?)`),
		id, node, ns(joined), ns(until)); err != nil {
		return fmt.Errorf("join the line: %w", err)
	}
	return nil
}

// LeaveQueue takes the caller id out of the line.
func (db *DB) LeaveQueue(ctx context.Context, id string) error {
	if _, err := db.sql.ExecContext(ctx, db.q(`DELETE FROM collector_queue WHERE id = ?`), id); err != nil {
		return fmt.Errorf("leave the line: %w", err)
	}
	return nil
}

// QueuePosition is the caller id's place in the line now, 1 first, by the
// time each joined (then by id); 0 when id is not in the line.
func (db *DB) QueuePosition(ctx context.Context, id string, now time.Time) (int, error) {
	var n int
	err := db.rd.QueryRowContext(ctx, db.q(`SELECT COUNT(*) FROM collector_queue q JOIN collector_queue me ON me.id = ?
		WHERE q.expires_at > ? AND (q.joined_at < me.joined_at OR (q.joined_at = me.joined_at AND q.id <= me.id))`), id, ns(now)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("place in the line: %w", err)
	}
	return n, nil
}

// BusyLines is who the nodes other than node hold now.
func (db *DB) BusyLines(ctx context.Context, node string, now time.Time) ([]string, error) {
	ls, err := db.texts(ctx, db.rd, `SELECT login FROM collector_lines WHERE node <> ? AND expires_at > ? ORDER BY login`, node, ns(now))
	if err != nil {
		return nil, fmt.Errorf("busy lines: %w", err)
	}
	return ls, nil
}

// LeaveCluster drops everything node published, claimed and queued: it is
// shutting down.
func (db *DB) LeaveCluster(ctx context.Context, node string) error {
	if _, err := db.sql.ExecContext(ctx, db.q(`DELETE FROM collector_presence WHERE node = ?`), node); err != nil {
		return fmt.Errorf("leave cluster: %w", err)
	}
	if _, err := db.sql.ExecContext(ctx, db.q(`DELETE FROM collector_lines WHERE node = ?`), node); err != nil {
		return fmt.Errorf("leave cluster: %w", err)
	}
	if _, err := db.sql.ExecContext(ctx, db.q(`DELETE FROM collector_queue WHERE node = ?`), node); err != nil {
		return fmt.Errorf("leave cluster: %w", err)
	}
	return nil
}
