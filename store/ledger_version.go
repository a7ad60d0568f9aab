package store

import (
	"context"
	"fmt"
)

// ledgerVersionSchema stands for migration 17 in the migrations list; its
// statements depend on the back end (ledgerVersionStatements).
const ledgerVersionSchema = "-- ledger_version"

// ledgerVersionStatements make ledger_version: one row whose v every write
// of what a 230-FZ decision reads moves, in the writing transaction: the
// ledger, person_links, debtors, their phones and blocks. On
// SQLite triggers move it, so every writer does — this process's other
// code, another process on the same file, an older dozvon — and a guard
// that finds v where its own last batch left it knows nobody else changed
// what it keeps in memory of the ledger (compliance's ledger view). On
// PostgreSQL the row is there but nothing moves it: several nodes write the
// ledger at once, and one row every ledger write updates would serialise
// them all; the guard keeps no view there (LedgerVersion says so).
func ledgerVersionStatements(postgres bool) []string {
	s := []string{
		`CREATE TABLE ledger_version (id INTEGER PRIMARY KEY CHECK (id = 1), v BIGINT NOT NULL)`,
		`INSERT INTO ledger_version (id, v) VALUES (1, 0)`,
	}
	if postgres {
		return s
	}
	for _, t := range []string{"ledger", "person_links", "debtors", "phones", "blocks"} {
		for _, ev := range []string{"INSERT", "UPDATE", "DELETE"} {
			s = append(s, fmt.Sprintf(`CREATE TRIGGER %s_version_%s AFTER %s ON %s BEGIN UPDATE ledger_version SET v = v + 1 WHERE id = 1; END`,
				t, ev, ev, t))
		}
	}
	return s
}

// ledgerVersionQuery reads the version (SQLite; prepared at Open).
const ledgerVersionQuery = `SELECT v FROM ledger_version WHERE id = 1`

// LedgerVersion returns the ledger's version as the batch's transaction
// sees it: it moved with every row of the ledger, person_links, debtors,
// phones and blocks written since
// the value last read, this batch's own writes included. ok is false on
// PostgreSQL, where nothing moves it.
func (b *BatchTx) LedgerVersion(ctx context.Context) (v int64, ok bool, err error) {
	if b.db.postgres {
		return 0, false, nil
	}
	if err := b.tx.QueryRowContext(ctx, ledgerVersionQuery).Scan(&v); err != nil {
		return 0, false, fmt.Errorf("ledger batch: version: %w", err)
	}
	return v, true, nil
}

// LedgerVersioned tells the guard whether LedgerVersion tracks every
// write of the ledger (SQLite), so that it may keep a view of the ledger
// in memory between batches.
func (db *DB) LedgerVersioned() bool { return !db.postgres }

// LedgerVersion is BatchTx.LedgerVersion inside a debtor's transaction.
func (t *Tx) LedgerVersion(ctx context.Context) (v int64, ok bool, err error) {
	if t.db.postgres {
		return 0, false, nil
	}
	if err := t.tx.QueryRowContext(ctx, ledgerVersionQuery).Scan(&v); err != nil {
		return 0, false, fmt.Errorf("ledger %s: version: %w", t.debtorID, err)
	}
	return v, true, nil
}
