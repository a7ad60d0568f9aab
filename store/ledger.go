package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Ledger entry states.
const (
	StateOpen      = "open"      // reserved, the contact may be under way
	StateCommitted = "committed" // ended as Kind
	StateReleased  = "released"  // never left; does not count
	StateExpired   = "expired"   // the holder vanished; counted as an attempt
)

// LedgerEntry is one reservation and what it became.
type LedgerEntry struct {
	ID        string
	DebtorID  string
	Channel   string
	Kind      string // what it counts as: while open, the worst case for its channel
	State     string
	At        time.Time
	ExpiresAt time.Time
	ClosedAt  time.Time
	Holder    string
	Phone     string
	CallID    string
	// AnsweredAt is when the call was answered (zero: not, or not a call):
	// an answered entry that expires counts as a conversation, not an attempt.
	AnsweredAt time.Time
	// PersonID is the debtor's person when the entry was made: the limits
	// count per person (persons.go).
	PersonID string
}

// AuditRecord is one guard decision, kept forever.
type AuditRecord struct {
	ID            int64
	At            time.Time
	DebtorID      string
	Action        string // reserve, commit, release, expire
	Allowed       bool
	Reason        string
	Reasons       []string
	Detail        string
	ReservationID string
	Channel       string
	Kind          string
	Zone          string
	LocalTime     string
	NextAllowedAt time.Time
	Holder        string
}

// Tx is a transaction that holds the exclusive lock on one debtor's ledger.
type Tx struct {
	db       *DB
	tx       querier
	debtorID string
	// syncLater: SQLite's batch commits without waiting for the disk
	// (every job in it asked for SyncLater)
	syncLater bool
	// job is the SQLite group commit's job running fn (BatchTx.SyncNow
	// and AfterSync reach the batch through it); nil on PostgreSQL
	job *ledgerJob
}

// WithDebtor runs fn in a transaction holding the debtor's ledger lock: on
// SQLite the database write lock (BEGIN IMMEDIATE), on PostgreSQL a
// transaction-scoped advisory lock on the debtor id. fn must use only tx.
// The transaction commits when fn returns nil.
//
// On SQLite, transactions that wait while another commits are committed
// together (ledger_batch.go); fn then runs on the batch's goroutine, and
// its statements are not cancelled by ctx once it has started.
func (db *DB) WithDebtor(ctx context.Context, debtorID string, fn func(tx *Tx) error) error {
	if debtorID == "" {
		return errors.New("ledger: empty debtor id")
	}
	if !db.postgres {
		return db.batch.do(ctx, debtorID, false, fn)
	}
	stx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("ledger %s: begin: %w", debtorID, err)
	}
	defer stx.Rollback()
	if db.postgres {
		if _, err := stx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtextextended($1, 7255))`, debtorID); err != nil {
			return fmt.Errorf("ledger %s: lock: %w", debtorID, err)
		}
	}
	if err := fn(&Tx{db: db, tx: stx, debtorID: debtorID}); err != nil {
		return err
	}
	if err := stx.Commit(); err != nil {
		return fmt.Errorf("ledger %s: commit: %w", debtorID, err)
	}
	return nil
}

// Debtor returns the locked debtor, or ErrNotFound.
func (t *Tx) Debtor(ctx context.Context) (Debtor, error) { return t.db.debtor(ctx, t.tx, t.debtorID) }

// Blocks returns the locked debtor's blocks in force at at.
func (t *Tx) Blocks(ctx context.Context, at time.Time) ([]Block, error) {
	return t.db.blocks(ctx, t.tx, t.debtorID, at)
}

const entryCols = `id, debtor_id, channel, kind, state, at, expires_at, closed_at, holder, phone, call_id, answered_at, person_id`

func scanEntries(rows *sql.Rows) ([]LedgerEntry, error) {
	defer rows.Close()
	return scanEntryRows(rows)
}

// scanEntryRows reads entries of entryCols from rows of either driver.
func scanEntryRows(rows rowScanner) ([]LedgerEntry, error) {
	var out []LedgerEntry
	for rows.Next() {
		var e LedgerEntry
		var at, exp, closed, answered int64
		if err := rows.Scan(&e.ID, &e.DebtorID, &e.Channel, &e.Kind, &e.State, &at, &exp, &closed, &e.Holder, &e.Phone, &e.CallID, &answered, &e.PersonID); err != nil {
			return nil, err
		}
		e.At, e.ExpiresAt, e.ClosedAt, e.AnsweredAt = fromNS(at), fromNS(exp), fromNS(closed), fromNS(answered)
		out = append(out, e)
	}
	return out, rows.Err()
}

// Entries returns the locked debtor's counted entries (all but released) from since on.
func (t *Tx) Entries(ctx context.Context, since time.Time) ([]LedgerEntry, error) {
	rows, err := t.tx.QueryContext(ctx, t.db.q(`SELECT `+entryCols+` FROM ledger WHERE debtor_id = ? AND at >= ? AND state <> ? ORDER BY at, id`),
		t.debtorID, ns(since), StateReleased)
	if err != nil {
		return nil, fmt.Errorf("ledger %s: entries: %w", t.debtorID, err)
	}
	es, err := scanEntries(rows)
	if err != nil {
		return nil, fmt.Errorf("ledger %s: entries: %w", t.debtorID, err)
	}
	return es, nil
}

// Entry returns one entry of the locked debtor, or ErrNotFound.
func (t *Tx) Entry(ctx context.Context, id string) (LedgerEntry, error) {
	rows, err := t.tx.QueryContext(ctx, t.db.q(`SELECT `+entryCols+` FROM ledger WHERE id = ? AND debtor_id = ?`), id, t.debtorID)
	if err != nil {
		return LedgerEntry{}, fmt.Errorf("ledger entry %s: %w", id, err)
	}
	es, err := scanEntries(rows)
	if err != nil {
		return LedgerEntry{}, fmt.Errorf("ledger entry %s: %w", id, err)
	}
	if len(es) == 0 {
		return LedgerEntry{}, fmt.Errorf("ledger entry %s of %s: %w", id, t.debtorID, ErrNotFound)
	}
	return es[0], nil
}

// InsertEntry adds a new entry for the locked debtor.
func (t *Tx) InsertEntry(ctx context.Context, e LedgerEntry) error {
	if e.DebtorID != t.debtorID {
		return fmt.Errorf("ledger %s: insert entry for %s outside its lock", t.debtorID, e.DebtorID)
	}
	person := e.PersonID
	if person == "" {
		person = e.DebtorID // a debtor without a person is one of its own
	}
	_, err := t.tx.ExecContext(ctx, t.db.q(`INSERT INTO ledger (`+entryCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
		e.ID, e.DebtorID, e.Channel, e.Kind, e.State, ns(e.At), ns(e.ExpiresAt), ns(e.ClosedAt), e.Holder, e.Phone, e.CallID, ns(e.AnsweredAt), person)
	if err != nil {
		return fmt.Errorf("ledger %s: insert entry: %w", t.debtorID, err)
	}
	return nil
}

// CloseEntry moves an entry from one of the states in from to state, counted as kind.
// It reports whether the entry was in one of those states.
func (t *Tx) CloseEntry(ctx context.Context, id, kind, state string, at time.Time, callID string, from ...string) (bool, error) {
	args := []any{kind, state, ns(at), callID, callID, id, t.debtorID}
	ph := make([]string, len(from))
	for i, f := range from {
		ph[i] = "?"
		args = append(args, f)
	}
	return t.updateEntry(ctx, id, "close", `UPDATE ledger SET kind = ?, state = ?, closed_at = ?, call_id = CASE WHEN ? = '' THEN call_id ELSE ? END
		WHERE id = ? AND debtor_id = ? AND state IN (`+strings.Join(ph, ",")+`)`, args...)
}

// updateEntry runs an update of one entry and reports whether it matched.
func (t *Tx) updateEntry(ctx context.Context, id, what, query string, args ...any) (bool, error) {
	res, err := t.tx.ExecContext(ctx, t.db.q(query), args...)
	if err != nil {
		return false, fmt.Errorf("ledger entry %s: %s: %w", id, what, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("ledger entry %s: %s: %w", id, what, err)
	}
	return n == 1, nil
}

// Audit appends a decision to the audit log inside the ledger transaction, so a
// decision and its ledger effect are stored together or not at all.
func (t *Tx) Audit(ctx context.Context, a AuditRecord) error {
	_, err := t.tx.ExecContext(ctx, t.db.q(`INSERT INTO audit (at, debtor_id, action, allowed, reason, reasons, detail, reservation_id, channel, kind, zone, local_time, next_allowed_at, holder)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
		ns(a.At), t.debtorID, a.Action, boolInt(a.Allowed), a.Reason, strings.Join(a.Reasons, ","), a.Detail, a.ReservationID,
		a.Channel, a.Kind, a.Zone, a.LocalTime, ns(a.NextAllowedAt), a.Holder)
	if err != nil {
		return fmt.Errorf("ledger %s: audit: %w", t.debtorID, err)
	}
	return nil
}

// StaleEntries lists open entries whose expiry is at or before now, any debtor.
func (db *DB) StaleEntries(ctx context.Context, now time.Time) ([]LedgerEntry, error) {
	rows, err := db.rd.QueryContext(ctx, db.q(`SELECT `+entryCols+` FROM ledger WHERE state = '`+StateOpen+`' AND expires_at <= ? ORDER BY expires_at`), ns(now))
	if err != nil {
		return nil, fmt.Errorf("stale ledger entries: %w", err)
	}
	es, err := scanEntries(rows)
	if err != nil {
		return nil, fmt.Errorf("stale ledger entries: %w", err)
	}
	return es, nil
}

// LedgerEntries returns every entry of a debtor ("" for all debtors) in insertion-time order.
func (db *DB) LedgerEntries(ctx context.Context, debtorID string) ([]LedgerEntry, error) {
	q, args := `SELECT `+entryCols+` FROM ledger ORDER BY debtor_id, at, id`, []any{}
	if debtorID != "" {
		q, args = `SELECT `+entryCols+` FROM ledger WHERE debtor_id = ? ORDER BY at, id`, []any{debtorID}
	}
	rows, err := db.rd.QueryContext(ctx, db.q(q), args...)
	if err != nil {
		return nil, fmt.Errorf("ledger entries: %w", err)
	}
	es, err := scanEntries(rows)
	if err != nil {
		return nil, fmt.Errorf("ledger entries: %w", err)
	}
	return es, nil
}

// AuditLog returns the audit records of a debtor ("" for all) in the order they were written.
func (db *DB) AuditLog(ctx context.Context, debtorID string) ([]AuditRecord, error) {
	const cols = `id, at, debtor_id, action, allowed, reason, reasons, detail, reservation_id, channel, kind, zone, local_time, next_allowed_at, holder`
	q, args := `SELECT `+cols+` FROM audit ORDER BY id`, []any{}
	if debtorID != "" {
		q, args = `SELECT `+cols+` FROM audit WHERE debtor_id = ? ORDER BY id`, []any{debtorID}
	}
	rows, err := db.rd.QueryContext(ctx, db.q(q), args...)
	if err != nil {
		return nil, fmt.Errorf("audit log: %w", err)
	}
	defer rows.Close()
	var out []AuditRecord
	for rows.Next() {
		var a AuditRecord
		var at, next int64
		var allowed int
		var reasons string
		if err := rows.Scan(&a.ID, &at, &a.DebtorID, &a.Action, &allowed, &a.Reason, &reasons, &a.Detail, &a.ReservationID,
			&a.Channel, &a.Kind, &a.Zone, &a.LocalTime, &next, &a.Holder); err != nil {
			return nil, fmt.Errorf("audit log: %w", err)
		}
		a.At, a.NextAllowedAt, a.Allowed = fromNS(at), fromNS(next), allowed == 1
		if reasons != "" {
			a.Reasons = strings.Split(reasons, ",")
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("audit log: %w", err)
	}
	return out, nil
}

// MarkAnswered records that the open entry's call was answered at at; it
// reports whether the entry was open.
func (t *Tx) MarkAnswered(ctx context.Context, id string, at time.Time) (bool, error) {
	return t.updateEntry(ctx, id, "answered", `UPDATE ledger SET answered_at = ? WHERE id = ? AND debtor_id = ? AND state = ?`,
		ns(at), id, t.debtorID, StateOpen)
}

// ExtendEntry moves the expiry of an open, unexpired entry to expires; it
// reports whether the entry was open and not yet expired at now.
func (t *Tx) ExtendEntry(ctx context.Context, id string, now, expires time.Time) (bool, error) {
	return t.updateEntry(ctx, id, "extend", `UPDATE ledger SET expires_at = ? WHERE id = ? AND debtor_id = ? AND state = ? AND expires_at > ?`,
		ns(expires), id, t.debtorID, StateOpen, ns(now))
}
