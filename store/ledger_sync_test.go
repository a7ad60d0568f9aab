package store_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/dozvon/dozvon/store"
)

// TestLedgerBatchSyncLater: a SyncLater batch commits without waiting for
// the disk (SQLite synchronous=NORMAL, PostgreSQL synchronous_commit off)
// and says so; its writes are stored; SQLite's writer is FULL again for the
// next transaction; a SyncNow batch keeps FULL.
func TestLedgerBatchSyncLater(t *testing.T) {
	eachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		at := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
		lazy := map[string]string{"sqlite": "1", "postgres": "off"}[db.Backend()]
		for i, c := range []struct {
			sync     store.Sync
			wantLazy bool
		}{{store.SyncLater, true}, {store.SyncNow, false}, {store.SyncLater, true}} {
			id := fmt.Sprintf("e%d", i)
			var setting string
			var said bool
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
			if !c.wantLazy && db.Backend() == "sqlite" && setting != "2" {
				t.Errorf("sync %d: the batch commits with synchronous=%s, want 2 (FULL)", c.sync, setting)
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
	var setting string
	lazy := make(chan error, 1)
	go func() {
		lazy <- db.LedgerBatch(ctx, []string{"d2"}, store.SyncLater, func(tx *store.BatchTx) error {
			said = tx.SyncLater()
			var err error
			setting, err = tx.SyncSettingForTest(ctx)
			return err
		})
	}()
	waitQueued(t, db, 2)
	close(gate)
	for _, c := range []chan error{first, durable, lazy} {
		if err := <-c; err != nil {
			t.Fatal(err)
		}
	}
	if said || setting != "2" {
		t.Errorf("a SyncLater batch joined with a durable one: SyncLater() = %v, synchronous=%s; want false and 2", said, setting)
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
