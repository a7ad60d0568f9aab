package store

import (
	"context"
	"maps"
	"slices"
	"sync"
)

// ExecForTest runs one statement on the store's writer: tests shape a
// database as an older dozvon left it.
func (db *DB) ExecForTest(ctx context.Context, query string) error {
	_, err := db.sql.ExecContext(ctx, query)
	return err
}

// SyncSettingForTest is what the batch's commit is set to wait for:
// SQLite's PRAGMA synchronous (2 FULL, 1 NORMAL), PostgreSQL's
// synchronous_commit.
func (b *BatchTx) SyncSettingForTest(ctx context.Context) (string, error) {
	q := `PRAGMA synchronous`
	if b.db.postgres {
		q = `SHOW synchronous_commit`
	}
	var s string
	err := b.tx.QueryRowContext(ctx, q).Scan(&s)
	return s, err
}

// WriterSyncForTest is SQLite's PRAGMA synchronous on the writer
// connection, as the next writer finds it.
func (db *DB) WriterSyncForTest(ctx context.Context) (int, error) {
	var n int
	err := db.sql.QueryRowContext(ctx, `PRAGMA synchronous`).Scan(&n)
	return n, err
}

// LedgerQueuedForTest is how many SQLite ledger transactions wait for the
// group commit's next batch.
func (db *DB) LedgerQueuedForTest() int {
	db.batch.mu.Lock()
	defer db.batch.mu.Unlock()
	return len(db.batch.queue)
}

// CountWALSyncsForTest makes the store count its syncs of SQLite's WAL
// (still syncing) and returns the count so far.
func (db *DB) CountWALSyncsForTest() func() int {
	var mu sync.Mutex
	n := 0
	inner := db.syncWAL
	db.syncWAL = func(path string) error {
		mu.Lock()
		n++
		mu.Unlock()
		return inner(path)
	}
	return func() int { mu.Lock(); defer mu.Unlock(); return n }
}

// FailWALSyncForTest makes every sync of SQLite's WAL fail with err.
func (db *DB) FailWALSyncForTest(err error) {
	db.syncWAL = func(string) error { return err }
}

// LedgerGenericPlansForTest is the PostgreSQL ledger batch's statements
// that run on their generic plans.
func (db *DB) LedgerGenericPlansForTest() []string {
	return slices.Sorted(maps.Keys(db.bulk.genericPlans))
}
