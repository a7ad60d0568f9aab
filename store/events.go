package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// eventSchema is migration step 9: the live events of the service (package
// events), kept with a sequence so a WebSocket client that reconnects with
// its last seq is sent exactly what it missed. body is the event's data as
// JSON; no phone number is ever in it.
const eventSchema = `CREATE TABLE events (
		seq {{id}},
		at BIGINT NOT NULL,
		type TEXT NOT NULL,
		campaign TEXT NOT NULL DEFAULT '',
		call_id TEXT NOT NULL DEFAULT '',
		debtor_id TEXT NOT NULL DEFAULT '',
		body TEXT NOT NULL
	);
	CREATE INDEX events_campaign_seq ON events(campaign, seq)`

// EventRow is one stored event.
type EventRow struct {
	Seq      int64 // assigned by AppendEvents
	At       time.Time
	Type     string
	Campaign string
	CallID   string
	DebtorID string
	Body     []byte // JSON
}

// EventFilter narrows a replay. Empty Campaigns means every campaign.
type EventFilter struct {
	Campaigns []string
}

// AppendEvents stores rows in one transaction, in order, and sets each
// row's Seq. Appends are serialised across processes too, so seqs become
// visible in increasing order: a reader that has seen seq n will never
// later find a smaller one committed (the events hubs of several nodes
// follow the table by seq, and a client resumes after the last seq it saw).
func (db *DB) AppendEvents(ctx context.Context, rows []EventRow) error {
	if len(rows) == 0 {
		return nil
	}
	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("append events: %w", err)
	}
	defer tx.Rollback()
	if db.postgres {
		// A sequence hands out seqs in call order but transactions commit in
		// any order; held to the commit, this lock makes the two orders one
		// (SQLite has one writer at a time already).
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(7255003)`); err != nil {
			return fmt.Errorf("append events: lock: %w", err)
		}
	}
	stmt, err := tx.PrepareContext(ctx, db.q(`INSERT INTO events (at, type, campaign, call_id, debtor_id, body) VALUES (?, ?, ?, ?, ?, ?) RETURNING seq`))
	if err != nil {
		return fmt.Errorf("append events: %w", err)
	}
	defer stmt.Close()
	seqs := make([]int64, len(rows))
	for i, r := range rows {
		if err := stmt.QueryRowContext(ctx, ns(r.At), r.Type, r.Campaign, r.CallID, r.DebtorID, string(r.Body)).Scan(&seqs[i]); err != nil {
			return fmt.Errorf("append events: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("append events: %w", err)
	}
	for i := range rows {
		rows[i].Seq = seqs[i]
	}
	return nil
}

// LastEventSeq returns the highest stored seq (0: no event yet).
func (db *DB) LastEventSeq(ctx context.Context) (int64, error) {
	var seq sql.NullInt64
	if err := db.rd.QueryRowContext(ctx, `SELECT MAX(seq) FROM events`).Scan(&seq); err != nil {
		return 0, fmt.Errorf("last event seq: %w", err)
	}
	return seq.Int64, nil
}

// EventsSince returns up to limit events with seq > after, in seq order.
func (db *DB) EventsSince(ctx context.Context, after int64, f EventFilter, limit int) ([]EventRow, error) {
	if limit <= 0 {
		return nil, fmt.Errorf("events since %d: limit %d: want > 0", after, limit)
	}
	query := `SELECT seq, at, type, campaign, call_id, debtor_id, body FROM events WHERE seq > ?`
	args := []any{after}
	if len(f.Campaigns) > 0 {
		query += ` AND campaign IN (?` + strings.Repeat(`, ?`, len(f.Campaigns)-1) + `)`
		for _, c := range f.Campaigns {
			args = append(args, c)
		}
	}
	var out []EventRow
	rs, err := db.rd.QueryContext(ctx, db.q(query+` ORDER BY seq LIMIT ?`), append(args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("events since %d: %w", after, err)
	}
	defer rs.Close()
	for rs.Next() {
		var r EventRow
		var at int64
		var body string
		if err := rs.Scan(&r.Seq, &at, &r.Type, &r.Campaign, &r.CallID, &r.DebtorID, &body); err != nil {
			return nil, fmt.Errorf("events since %d: %w", after, err)
		}
		r.At, r.Body = fromNS(at), []byte(body)
		out = append(out, r)
	}
	if err := rs.Err(); err != nil {
		return nil, fmt.Errorf("events since %d: %w", after, err)
	}
	return out, nil
}
