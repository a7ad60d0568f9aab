package store_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/dozvon/dozvon/store"
)

// TestLedgerBatchSyncLater: a SyncLater batch commits without waiting for
// the disk (SQLite: its WAL is not synced; PostgreSQL: synchronous_commit
// off) and says so; a SyncNow batch syncs SQLite's WAL after its commit;
// the writes are stored either way; SQLite's writer is FULL again for the
// next transaction.
func TestLedgerBatchSyncLater(t *testing.T) {
	eachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		syncs := func() int { return 0 }
		if db.Backend() == "sqlite" {
			syncs = db.CountWALSyncsForTest()
		}
		at := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
		lazy := map[string]string{"sqlite": "1", "postgres": "off"}[db.Backend()]
		for i, c := range []struct {
			sync     store.Sync
			wantLazy bool
		}{{store.SyncLater, true}, {store.SyncNow, false}, {store.SyncLater, true}} {
			id := fmt.Sprintf("e%d", i)
			var setting string
			var said bool
			synced := syncs()
			err := db.LedgerBatch(ctx, []string{"d1"}, c.sync, func(tx *store.BatchTx) error {
				said = tx.SyncLater()
				var err error
				if setting, err = tx.SyncSettingForTest(ctx); err != nil {
					return err
				}
				return tx.InsertEntries(ctx, []store.LedgerEntry{{ID: id, DebtorID: "d1", Channel: "robot_call", Kind: "attempt",
					State: store.StateCommitted, At: at, ExpiresAt: at.Add(time.Hour), Holder: "h", PersonID: "d1"}})
			})
			if err != nil {
				t.Fatal(err)
			}
			if said != c.wantLazy {
				t.Errorf("sync %d: SyncLater() = %v, want %v", c.sync, said, c.wantLazy)
			}
			if c.wantLazy && setting != lazy {
				t.Errorf("sync %d: the batch commits with %s, want %s", c.sync, setting, lazy)
			}
			if db.Backend() == "sqlite" {
				// NORMAL either way: the store syncs the WAL itself
				if setting != "1" {
					t.Errorf("sync %d: the batch commits with synchronous=%s, want 1 (NORMAL)", c.sync, setting)
				}
				if got, want := syncs()-synced, map[bool]int{true: 0, false: 1}[c.wantLazy]; got != want {
					t.Errorf("sync %d: the WAL synced %d times after the batch, want %d", c.sync, got, want)
				}
			}
			if es, err := db.LedgerEntries(ctx, "d1"); err != nil || len(es) != i+1 || es[i].ID != id {
				t.Errorf("sync %d: the ledger after the batch: %v, %v; want %d entries, the last %s", c.sync, es, err, i+1, id)
			}
			if db.Backend() == "sqlite" {
				if n, err := db.WriterSyncForTest(ctx); err != nil || n != 2 {
					t.Errorf("sync %d: after the batch the writer is at synchronous=%d (%v), want 2 (FULL)", c.sync, n, err)
				}
			}
		}
	})
}

// TestLedgerBatchSyncLaterJoinsDurable: on SQLite a SyncLater batch that
// the group commit joins with a durable transaction commits durably, and
// is told so.
func TestLedgerBatchSyncLaterJoinsDurable(t *testing.T) {
	db := openSQLite(t)
	ctx := t.Context()
	syncs := db.CountWALSyncsForTest()
	gate, started := make(chan struct{}), make(chan struct{})
	first := make(chan error, 1)
	go func() {
		first <- db.WithDebtor(ctx, "d0", func(*store.Tx) error { close(started); <-gate; return nil })
	}()
	<-started
	durable := make(chan error, 1)
	go func() { durable <- db.WithDebtor(ctx, "d1", func(*store.Tx) error { return nil }) }()
	waitQueued(t, db, 1)
	var said bool
	lazy := make(chan error, 1)
	go func() {
		lazy <- db.LedgerBatch(ctx, []string{"d2"}, store.SyncLater, func(tx *store.BatchTx) error {
			said = tx.SyncLater()
			return nil
		})
	}()
	waitQueued(t, db, 2)
	close(gate)
	for _, c := range []chan error{first, durable, lazy} {
		if err := <-c; err != nil {
			t.Fatal(err)
		}
	}
	if said || syncs() != 2 {
		t.Errorf("a SyncLater batch joined with a durable one: SyncLater() = %v, the WAL synced %d times; want false and 2 (the first batch, then theirs)", said, syncs())
	}
}

func openSQLite(t *testing.T) *store.DB {
	t.Helper()
	db, err := store.Open(t.Context(), "sqlite:"+t.TempDir()+"/d.db")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// waitQueued waits (with a deadline, not a sleep) until n SQLite ledger
// transactions wait for the next batch.
func waitQueued(t *testing.T, db *store.DB, n int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	for db.LedgerQueuedForTest() < n {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			t.Fatalf("%d ledger transactions queued, want %d", db.LedgerQueuedForTest(), n)
		}
		runtime.Gosched()
	}
}

// TestLedgerBatchWALSyncFails: on SQLite a durable batch whose WAL sync
// fails is not acknowledged (its caller, a reservation about to be
// dialled on, hears an error); a lazy one never waits for the sync.
func TestLedgerBatchWALSyncFails(t *testing.T) {
	db := openSQLite(t)
	ctx := t.Context()
	disk := errors.New("disk gone")
	db.FailWALSyncForTest(disk)
	noop := func(*store.BatchTx) error { return nil }
	if err := db.LedgerBatch(ctx, []string{"d1"}, store.SyncNow, noop); !errors.Is(err, disk) {
		t.Errorf("a durable batch whose WAL sync failed: %v, want %v", err, disk)
	}
	if err := db.WithDebtor(ctx, "d1", func(*store.Tx) error { return nil }); !errors.Is(err, disk) {
		t.Errorf("a WithDebtor whose WAL sync failed: %v, want %v", err, disk)
	}
	if err := db.LedgerBatch(ctx, []string{"d1"}, store.SyncLater, noop); err != nil {
		t.Errorf("a lazy batch: %v, want nil (it does not sync)", err)
	}
}

// TestLedgerBatchAfterSync: a durable batch whose caller asked to hear of
// its commit at once (AfterSync) returns at COMMIT, and is told of the
// sync when the WAL is on disk — its failure too; the writer goes on
// meanwhile (a lazy batch behind it commits while the sync is held), and
// a transaction that did not ask waits for the sync as before. On
// PostgreSQL (COMMIT waits for the server) the callback comes before
// LedgerBatch returns; a batch that fails never calls it.
func TestLedgerBatchAfterSync(t *testing.T) {
	eachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		var mu sync.Mutex
		var heard []error
		hear := func(err error) { mu.Lock(); heard = append(heard, err); mu.Unlock() }
		told := func() []error { mu.Lock(); defer mu.Unlock(); return slices.Clone(heard) }
		if db.Backend() == "postgres" {
			if err := db.LedgerBatch(ctx, []string{"d1"}, store.SyncNow, func(tx *store.BatchTx) error { tx.AfterSync(hear); return nil }); err != nil {
				t.Fatal(err)
			}
			boom := errors.New("boom")
			if err := db.LedgerBatch(ctx, []string{"d1"}, store.SyncNow, func(tx *store.BatchTx) error { tx.AfterSync(hear); return boom }); !errors.Is(err, boom) {
				t.Fatalf("a failing batch: %v", err)
			}
			if got := told(); len(got) != 1 || got[0] != nil {
				t.Errorf("told %v, want one nil (the committed batch only)", got)
			}
			return
		}
		pc, err := db.PowerCutForTest(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pc.HoldSyncs()
		if err := db.LedgerBatch(ctx, []string{"d1"}, store.SyncNow, func(tx *store.BatchTx) error { tx.AfterSync(hear); return nil }); err != nil {
			t.Fatal(err)
		}
		if got := told(); len(got) != 0 {
			t.Fatalf("told %v while the sync is held", got)
		}
		durable := make(chan error, 1)
		go func() { durable <- db.WithDebtor(ctx, "d2", func(*store.Tx) error { return nil }) }()
		waitFor(t, func() bool { return pc.Waiting() == 2 }, "the second sync to be held")
		select {
		case err := <-durable:
			t.Fatalf("a WithDebtor returned (%v) before its sync", err)
		default:
		}
		if err := db.LedgerBatch(ctx, []string{"d3"}, store.SyncLater, func(*store.BatchTx) error { return nil }); err != nil {
			t.Fatalf("a lazy batch behind a held sync: %v", err)
		}
		pc.Release()
		if err := <-durable; err != nil {
			t.Fatal(err)
		}
		waitFor(t, func() bool { return len(told()) == 1 }, "the batch to be told of its sync")
		if got := told(); got[0] != nil {
			t.Errorf("told %v, want nil", got)
		}
		disk := errors.New("disk gone")
		db.FailWALSyncForTest(disk)
		if err := db.LedgerBatch(ctx, []string{"d1"}, store.SyncNow, func(tx *store.BatchTx) error { tx.AfterSync(hear); return nil }); err != nil {
			t.Fatalf("a batch told of its sync apart: %v, want nil at COMMIT", err)
		}
		waitFor(t, func() bool { return len(told()) == 2 }, "the batch to be told of its failed sync")
		if got := told(); !errors.Is(got[1], disk) {
			t.Errorf("told %v, want %v", got[1], disk)
		}
	})
}

// waitFor waits (with a deadline against a hang, not a sleep) until ok.
func waitFor(t *testing.T, ok func() bool, what string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	for !ok() {
		if ctx.Err() != nil {
			t.Fatalf("gave up waiting for %s", what)
		}
		runtime.Gosched()
	}
}
