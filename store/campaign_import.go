package store

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"strings"
	"time"
)

// ImportDebtors stores a portfolio's debtors with their phones (replacing the
// phone lists of debtors already stored) and their details in one
// transaction: an import that fails on any row leaves the store as it was.
// Records that are one person — sharing a match key (name and birth date) or
// a phone, with each other or with stored records, transitively — get one
// PersonID (persons.go); Debtor.PersonID given here is ignored. details[i]
// belongs to debtors[i]; a debtor id given twice keeps its last row.
func (db *DB) ImportDebtors(ctx context.Context, debtors []Debtor, details []DebtorDetails) error {
	if len(details) != len(debtors) {
		return fmt.Errorf("import debtors: %d debtors, %d details", len(debtors), len(details))
	}
	if !db.postgres {
		// One transaction of 100k rows outgrows SQLite's default 2 MB page
		// cache, which then spills pages to the WAL mid-transaction. A larger
		// cache for the import's length keeps it in memory. The write pool
		// has one connection, so the pragma reaches the import's; it is
		// restored after the transaction has given the connection back.
		var old int64
		if err := db.sql.QueryRowContext(ctx, `PRAGMA cache_size`).Scan(&old); err != nil {
			return fmt.Errorf("import debtors: %w", err)
		}
		if _, err := db.sql.ExecContext(ctx, `PRAGMA cache_size = -262144`); err != nil { // KiB: 256 MiB at most, allocated as used
			return fmt.Errorf("import debtors: %w", err)
		}
		defer db.sql.ExecContext(context.WithoutCancel(ctx), fmt.Sprintf(`PRAGMA cache_size = %d`, old))
	}
	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("import debtors: %w", err)
	}
	defer tx.Rollback()
	if err := db.importTx(ctx, tx, debtors, details); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("import debtors: commit: %w", err)
	}
	return nil
}

func (db *DB) importTx(ctx context.Context, tx *sql.Tx, debtors []Debtor, details []DebtorDetails) error {
	// On PostgreSQL two imports at once would merge persons from two stale
	// pictures; one at a time (SQLite's write lock already does this).
	if err := db.lockKeys(ctx, tx, "import"); err != nil {
		return fmt.Errorf("import debtors: %w", err)
	}
	recs, err := db.loadPersonRecords(ctx, tx)
	if err != nil {
		return fmt.Errorf("import debtors: stored persons: %w", err)
	}
	stored := len(recs)
	at := make(map[string]int, len(recs)+len(debtors))
	for i, r := range recs {
		at[r.id] = i
	}
	// The last row of an id wins, as it would with one upsert per row.
	last := make(map[string]int, len(debtors))
	for i, d := range debtors {
		last[d.ID] = i
	}
	imported := make([]int, len(debtors)) // debtors[i] → its record
	for i, d := range debtors {
		if last[d.ID] != i {
			continue
		}
		j, ok := at[d.ID]
		if !ok {
			j = len(recs)
			at[d.ID] = j
			recs = append(recs, personRecord{id: d.ID})
		}
		recs[j].matchKey, recs[j].phones = d.MatchKey, d.Phones
		imported[i] = j
	}
	persons, absorbed := assignPersons(recs)

	now := time.Now().UnixNano()
	w := newBatchWriter(ctx, tx, db)
	for i, d := range debtors {
		if d.ID == "" {
			return fmt.Errorf("import debtors: row %d: empty debtor id", i+1)
		}
		if last[d.ID] != i {
			continue
		}
		x := details[i]
		if err := w.row(d, x, persons[imported[i]], now); err != nil {
			return fmt.Errorf("import debtors: row %d (%s): %w", i+1, d.ID, err)
		}
	}
	if err := w.flush(); err != nil {
		return fmt.Errorf("import debtors: %w", err)
	}
	// Stored records not in this file that joined another person.
	for j := range stored {
		if recs[j].person != persons[j] && !w.wrote[recs[j].id] {
			if _, err := tx.ExecContext(ctx, db.q(`UPDATE debtors SET person_id = ? WHERE id = ?`), persons[j], recs[j].id); err != nil {
				return fmt.Errorf("import debtors: re-key %s: %w", recs[j].id, err)
			}
		}
	}
	// Nobody is filed under an absorbed person any more: its whole ledger
	// counts for the person that absorbed it.
	forever := time.Unix(0, math.MaxInt64)
	for old, to := range absorbed {
		if err := db.relink(ctx, tx, to, old, forever); err != nil {
			return fmt.Errorf("import debtors: link %s to %s: %w", old, to, err)
		}
	}
	return nil
}

// batchWriter writes import rows as multi-row statements, a few hundred rows
// each: one round trip per statement made PostgreSQL imports ~50 s per 100k
// rows. Placeholders stay far below both back ends' limits.
type batchWriter struct {
	ctx     context.Context
	tx      *sql.Tx
	db      *DB
	debtors [][]any
	phones  [][]any
	details [][]any
	ids     []any
	wrote   map[string]bool
}

const importBatch = 500

func newBatchWriter(ctx context.Context, tx *sql.Tx, db *DB) *batchWriter {
	return &batchWriter{ctx: ctx, tx: tx, db: db, wrote: map[string]bool{}}
}

func (w *batchWriter) row(d Debtor, x DebtorDetails, person string, now int64) error {
	w.wrote[d.ID] = true
	w.debtors = append(w.debtors, []any{d.ID, d.Name, d.Region, d.District, now, person, d.MatchKey})
	w.ids = append(w.ids, d.ID)
	for j, p := range d.Phones {
		w.phones = append(w.phones, []any{d.ID, p, j})
	}
	w.details = append(w.details, []any{d.ID, x.Contract, x.BirthDate, x.Address, x.Collector, x.DebtKop, x.Source, now})
	if len(w.debtors) >= importBatch {
		return w.flush()
	}
	return nil
}

func (w *batchWriter) flush() error {
	if len(w.debtors) == 0 {
		return nil
	}
	if err := w.exec(`INSERT INTO debtors (id, name, region, district, created_at, person_id, match_key) VALUES %s
		ON CONFLICT (id) DO UPDATE SET name = excluded.name, region = excluded.region, district = excluded.district,
		person_id = excluded.person_id, match_key = excluded.match_key`, w.debtors); err != nil {
		return fmt.Errorf("debtors: %w", err)
	}
	if _, err := w.tx.ExecContext(w.ctx, w.db.q(`DELETE FROM phones WHERE debtor_id IN (`+placeholders(len(w.ids))+`)`), w.ids...); err != nil {
		return fmt.Errorf("phones: %w", err)
	}
	for lo := 0; lo < len(w.phones); lo += importBatch {
		if err := w.exec(`INSERT INTO phones (debtor_id, phone, position) VALUES %s ON CONFLICT DO NOTHING`, w.phones[lo:min(lo+importBatch, len(w.phones))]); err != nil {
			return fmt.Errorf("phones: %w", err)
		}
	}
	if err := w.exec(`INSERT INTO debtor_details (debtor_id, contract, birth_date, address, collector, debt_kop, source, updated_at)
		VALUES %s ON CONFLICT (debtor_id) DO UPDATE SET contract = excluded.contract, birth_date = excluded.birth_date,
		address = excluded.address, collector = excluded.collector, debt_kop = excluded.debt_kop, source = excluded.source, updated_at = excluded.updated_at`,
		w.details); err != nil {
		return fmt.Errorf("details: %w", err)
	}
	w.debtors, w.phones, w.details, w.ids = w.debtors[:0], w.phones[:0], w.details[:0], w.ids[:0]
	return nil
}

// exec runs query with its %s replaced by one (?, …) group per row.
func (w *batchWriter) exec(query string, rows [][]any) error {
	groups := make([]string, len(rows))
	args := make([]any, 0, len(rows)*len(rows[0]))
	for i, r := range rows {
		groups[i] = "(" + placeholders(len(r)) + ")"
		args = append(args, r...)
	}
	_, err := w.tx.ExecContext(w.ctx, w.db.q(fmt.Sprintf(query, strings.Join(groups, ", "))), args...)
	return err
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}
