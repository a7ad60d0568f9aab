package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Debtor is a person the agency collects from. Phones are E.164, first = primary.
type Debtor struct {
	ID       string
	Name     string
	Region   string // address region as written (resolved by compliance)
	District string
	Phones   []string
	// PersonID is the human behind this record (persons.go): records of
	// one person share it, and the 230-FZ limits count per person. Empty
	// on upsert: the record is a person of its own (a stored one keeps its).
	PersonID string
	// MatchKey is the normalised name and birth date an import merges
	// records by (portfolio.MatchKey); empty: merge by phone only.
	MatchKey string
}

// Block is a standing prohibition on interaction with a debtor, or with one of
// the debtor's numbers when Phone is set (wrong-person quarantine, do-not-call).
type Block struct {
	ID       int64
	DebtorID string
	Phone    string
	Kind     string
	Note     string
	Since    time.Time
	Until    time.Time // zero: indefinite
}

// UpsertDebtor inserts or replaces a debtor and its phone list.
func (db *DB) UpsertDebtor(ctx context.Context, d Debtor) error {
	if d.ID == "" {
		return errors.New("upsert debtor: empty id")
	}
	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("upsert debtor %s: %w", d.ID, err)
	}
	defer tx.Rollback()
	person := d.PersonID
	if person == "" {
		person = d.ID
	}
	if _, err := tx.ExecContext(ctx, db.q(`INSERT INTO debtors (id, name, region, district, created_at, person_id, match_key) VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET name = excluded.name, region = excluded.region, district = excluded.district, match_key = excluded.match_key,
		person_id = CASE WHEN ? <> '' AND debtors.person_manual = 0 THEN excluded.person_id ELSE debtors.person_id END`),
		d.ID, d.Name, d.Region, d.District, time.Now().UnixNano(), person, d.MatchKey, d.PersonID); err != nil {
		return fmt.Errorf("upsert debtor %s: %w", d.ID, err)
	}
	if _, err := tx.ExecContext(ctx, db.q(`DELETE FROM phones WHERE debtor_id = ?`), d.ID); err != nil {
		return fmt.Errorf("upsert debtor %s: %w", d.ID, err)
	}
	for i, p := range d.Phones {
		if _, err := tx.ExecContext(ctx, db.q(`INSERT INTO phones (debtor_id, phone, position) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`), d.ID, p, i); err != nil {
			return fmt.Errorf("upsert debtor %s: phone %d: %w", d.ID, i, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("upsert debtor %s: %w", d.ID, err)
	}
	return nil
}

type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// Debtor returns a debtor with its phones, or ErrNotFound.
func (db *DB) Debtor(ctx context.Context, id string) (Debtor, error) {
	return db.debtor(ctx, db.rd, id)
}

func (db *DB) debtor(ctx context.Context, q querier, id string) (Debtor, error) {
	d := Debtor{ID: id}
	err := q.QueryRowContext(ctx, db.q(`SELECT name, region, district, person_id, match_key FROM debtors WHERE id = ?`), id).Scan(&d.Name, &d.Region, &d.District, &d.PersonID, &d.MatchKey)
	if errors.Is(err, sql.ErrNoRows) {
		return Debtor{}, fmt.Errorf("debtor %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return Debtor{}, fmt.Errorf("debtor %s: %w", id, err)
	}
	if d.Phones, err = db.texts(ctx, q, `SELECT phone FROM phones WHERE debtor_id = ? ORDER BY position`, id); err != nil {
		return Debtor{}, fmt.Errorf("debtor %s: phones: %w", id, err)
	}
	return d, nil
}

// AddBlock records a block and returns its id.
func (db *DB) AddBlock(ctx context.Context, b Block) (int64, error) {
	if b.DebtorID == "" || b.Kind == "" {
		return 0, errors.New("add block: debtor id and kind are required")
	}
	var id int64
	err := db.sql.QueryRowContext(ctx, db.q(`INSERT INTO blocks (debtor_id, phone, kind, note, since, until, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`),
		b.DebtorID, b.Phone, b.Kind, b.Note, ns(b.Since), ns(b.Until), time.Now().UnixNano()).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("add block %s for %s: %w", b.Kind, b.DebtorID, err)
	}
	return id, nil
}

func (db *DB) blocks(ctx context.Context, q querier, debtorID string, at time.Time) ([]Block, error) {
	rows, err := q.QueryContext(ctx, db.q(`SELECT id, phone, kind, note, since, until FROM blocks
		WHERE debtor_id = ? AND since <= ? AND (until = 0 OR until > ?) ORDER BY id`), debtorID, ns(at), ns(at))
	if err != nil {
		return nil, fmt.Errorf("blocks of %s: %w", debtorID, err)
	}
	defer rows.Close()
	var out []Block
	for rows.Next() {
		b := Block{DebtorID: debtorID}
		var since, until int64
		if err := rows.Scan(&b.ID, &b.Phone, &b.Kind, &b.Note, &since, &until); err != nil {
			return nil, fmt.Errorf("blocks of %s: %w", debtorID, err)
		}
		b.Since, b.Until = fromNS(since), fromNS(until)
		out = append(out, b)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("blocks of %s: %w", debtorID, err)
	}
	return out, nil
}

// Blocks returns the blocks of a debtor in force at the given instant.
func (db *DB) Blocks(ctx context.Context, debtorID string, at time.Time) ([]Block, error) {
	return db.blocks(ctx, db.rd, debtorID, at)
}
