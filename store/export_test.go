package store

import (
	"context"
	"errors"
	"maps"
	"os"
	"slices"
	"strings"
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

// PowerCut models a power cut on SQLite for tests: the disk keeps the
// database file as of PowerCutForTest (no checkpoint runs after it) and
// the WAL as the last successful sync found it on entry — what that sync
// is sure to have made durable — never what was written after. Syncs may
// be held (the WAL written, the sync not yet done) to cut in between.
type PowerCut struct {
	mu      sync.Mutex
	dbFile  []byte
	wal     []byte
	cut     bool
	held    chan struct{} // non-nil: syncs wait for it
	waiting int           // syncs waiting on held
	syncs   int           // successful syncs
}

// PowerCutForTest stops the background checkpointer, checkpoints the WAL
// into the database file (TRUNCATE) and from then on records what each
// sync of the WAL makes durable.
func (db *DB) PowerCutForTest(ctx context.Context) (*PowerCut, error) {
	if db.postgres {
		return nil, errors.New("a power cut is modelled on SQLite only")
	}
	if db.stopCheckpointer != nil {
		db.stopCheckpointer()
		db.stopCheckpointer = nil
	}
	if _, err := db.sql.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		return nil, err
	}
	f, err := os.ReadFile(strings.TrimSuffix(db.walPath, "-wal"))
	if err != nil {
		return nil, err
	}
	pc := &PowerCut{dbFile: f}
	inner := db.syncWAL
	db.syncWAL = func(path string) error {
		snap, err := os.ReadFile(path) // written before the sync: it covers this much at least
		if err != nil {
			return err
		}
		pc.mu.Lock()
		held := pc.held
		if held != nil {
			pc.waiting++
		}
		pc.mu.Unlock()
		if held != nil {
			<-held
		}
		pc.mu.Lock()
		cut := pc.cut
		pc.mu.Unlock()
		if cut {
			return errors.New("power cut")
		}
		if err := inner(path); err != nil {
			return err
		}
		pc.mu.Lock()
		defer pc.mu.Unlock()
		if !pc.cut {
			pc.wal, pc.syncs = snap, pc.syncs+1
		}
		return nil
	}
	return pc, nil
}

// HoldSyncs makes the WAL's syncs wait until Release or Cut.
func (pc *PowerCut) HoldSyncs() {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if pc.held == nil {
		pc.held = make(chan struct{})
	}
}

// Waiting is how many syncs wait on HoldSyncs; Syncs how many succeeded.
func (pc *PowerCut) Waiting() int { pc.mu.Lock(); defer pc.mu.Unlock(); return pc.waiting }
func (pc *PowerCut) Syncs() int   { pc.mu.Lock(); defer pc.mu.Unlock(); return pc.syncs }

// Release lets the held syncs go on.
func (pc *PowerCut) Release() {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if pc.held != nil {
		close(pc.held)
		pc.held, pc.waiting = nil, 0
	}
}

// Cut cuts the power: every sync from now on fails (held ones too), and
// the files the disk kept are written to path and path-wal, for Open.
func (pc *PowerCut) Cut(path string) error {
	pc.mu.Lock()
	pc.cut = true
	dbFile, wal := pc.dbFile, pc.wal
	pc.mu.Unlock()
	pc.Release()
	if err := os.WriteFile(path, dbFile, 0o600); err != nil {
		return err
	}
	return os.WriteFile(path+"-wal", wal, 0o600)
}
