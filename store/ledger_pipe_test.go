package store_test

import (
	"database/sql"
	"testing"
	"time"

	"github.com/dozvon/dozvon/store"
)

// TestLedgerBatchReadsAfterItsLocks: on PostgreSQL a batch's read goes out
// in one round trip with the lock statement queued before it
// (ledger_pipe.go), and still sees what the lock's holder committed while
// the batch waited for it: the server takes the read's snapshot only once
// the lock is held. A read sent before the lock, or merged into the lock's
// statement, would take its snapshot before the wait and miss the entry.
func TestLedgerBatchReadsAfterItsLocks(t *testing.T) {
	ctx := t.Context()
	db, watch := openPostgres(t)
	if err := db.UpsertDebtor(ctx, store.Debtor{ID: "d1", Phones: []string{"+79160000001"}}); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	entry := store.LedgerEntry{ID: "e1", DebtorID: "d1", Channel: "robot_call", Kind: "attempt", State: store.StateOpen, At: at,
		ExpiresAt: at.Add(time.Hour), Holder: "h", Phone: "+79160000001", PersonID: "d1"}

	holding, release := make(chan struct{}), make(chan struct{})
	first := make(chan error, 1)
	go func() {
		first <- db.LedgerBatch(ctx, []string{"d1"}, store.SyncNow, func(tx *store.BatchTx) error {
			// the debtor's lock goes out with this first read
			if _, _, err := tx.DebtorsAndBlocks(ctx, []string{"d1"}, at); err != nil {
				return err
			}
			if err := tx.InsertEntries(ctx, []store.LedgerEntry{entry}); err != nil {
				return err
			}
			close(holding)
			<-release
			return nil
		})
	}()
	select {
	case <-holding:
	case err := <-first:
		t.Fatalf("first batch: %v", err)
	}
	type result struct {
		es  []store.LedgerEntry
		err error
	}
	second := make(chan result, 1)
	go func() {
		var r result
		r.err = db.LedgerBatch(ctx, []string{"d1"}, store.SyncNow, func(tx *store.BatchTx) error {
			var err error
			_, _, r.es, err = tx.DebtorsBlocksAndEntries(ctx, []string{"d1"}, at, []string{"e1"})
			return err
		})
		second <- r
	}()
	// The second batch's pipeline is in: it waits for the debtor's lock.
	for {
		var waiting int
		if err := watch.QueryRowContext(ctx, `SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted`).Scan(&waiting); err != nil {
			t.Fatal(err)
		}
		if waiting > 0 {
			break
		}
		select {
		case r := <-second:
			t.Fatalf("the second batch ran while the first held the debtor's lock: %v, %v", r.es, r.err)
		case <-ctx.Done():
			t.Fatal(ctx.Err())
		case <-time.After(5 * time.Millisecond):
		}
	}
	close(release)
	if err := <-first; err != nil {
		t.Fatalf("first batch: %v", err)
	}
	r := <-second
	if r.err != nil {
		t.Fatalf("second batch: %v", r.err)
	}
	if len(r.es) != 1 || r.es[0].ID != "e1" {
		t.Fatalf("the read after the lock found %v, want the entry committed while it waited", r.es)
	}
}

// TestLedgerBatchPanicReleasesItsLocks: a PostgreSQL batch whose fn
// panics rolls back at once — the panic goes on up, and no advisory lock
// is left held by a connection idling in the pool until its next use.
func TestLedgerBatchPanicReleasesItsLocks(t *testing.T) {
	ctx := t.Context()
	db, watch := openPostgres(t)
	at := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	func() {
		defer func() {
			if r := recover(); r != "boom" {
				t.Errorf("recovered %v, want the batch's panic", r)
			}
		}()
		_ = db.LedgerBatch(ctx, []string{"d1"}, store.SyncNow, func(tx *store.BatchTx) error {
			if _, _, err := tx.DebtorsAndBlocks(ctx, []string{"d1"}, at); err != nil { // takes the lock
				return err
			}
			panic("boom")
		})
	}()
	var held int
	if err := watch.QueryRowContext(ctx, `SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'`).Scan(&held); err != nil {
		t.Fatal(err)
	}
	if held != 0 {
		t.Fatalf("%d advisory locks held after the batch panicked, want 0", held)
	}
}

// openPostgres opens a store on a fresh throwaway PostgreSQL database and a
// plain connection to the same database for the test's own looks (locks,
// plans); it skips the test when no PostgreSQL is set up. Both are closed
// when the test ends.
func openPostgres(t *testing.T) (*store.DB, *sql.DB) {
	t.Helper()
	if pg == nil {
		t.Skip("no PostgreSQL")
	}
	dsn, err := pg.NewDatabase(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	raw, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	return db, raw
}
