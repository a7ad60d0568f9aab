package compliance

import (
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/dozvon/dozvon/store"
)

// TestLedgerViewSeesOtherWriters: a guard on SQLite keeps the ledger, the
// debtors and their blocks in memory between batches, yet decides on what
// is stored now: a conversation another process wrote into the same file,
// a block added and a debtor moved to another region through the guard's
// own store outside its batches each change the next decision. Each would
// be missed by a view trusted without the ledger's version.
func TestLedgerViewSeesOtherWriters(t *testing.T) {
	ctx := t.Context()
	dsn := "sqlite:" + filepath.Join(t.TempDir(), "d.db")
	db1, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db1.Close()
	db2, err := store.Open(ctx, dsn) // another process on the same file
	if err != nil {
		t.Fatal(err)
	}
	defer db2.Close()
	clock := &settableClock{t: local(t, "Europe/Moscow", "2026-11-23 15:00")}
	g1, g2 := ledgerGuard(t, db1, clock, "node-1"), ledgerGuard(t, db2, clock, "node-2")
	if g1.view == nil {
		t.Fatal("no ledger view on SQLite")
	}
	for _, d := range []store.Debtor{
		{ID: "d1", Region: "г. Москва", Phones: []string{"+79161234567"}},
		{ID: "d2", Region: "г. Москва", Phones: []string{"+79161234568"}},
		{ID: "d3", Region: "г. Москва", Phones: []string{"+79161234569"}},
	} {
		if err := db1.UpsertDebtor(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	// g1 loads each debtor, its person and its number into its view.
	for _, id := range []string{"d1", "d2", "d3"} {
		r, d, err := g1.Reserve(ctx, Request{DebtorID: id, Channel: RobotCall})
		if err != nil || !d.Allowed {
			t.Fatalf("%s: first reserve: %+v %v", id, d, err)
		}
		if err := g1.Release(ctx, r); err != nil {
			t.Fatal(err)
		}
	}

	// Another process has a conversation with d1: its daily one.
	r, d, err := g2.Reserve(ctx, Request{DebtorID: "d1", Channel: RobotCall})
	if err != nil || !d.Allowed {
		t.Fatalf("d1 on node 2: %+v %v", d, err)
	}
	if err := g2.Commit(ctx, r, Conversation); err != nil {
		t.Fatal(err)
	}
	if _, d, err := g1.Reserve(ctx, Request{DebtorID: "d1", Channel: RobotCall}); err != nil || d.Allowed || d.Reason != ReasonLimitDay {
		t.Fatalf("d1 on node 1 after node 2's conversation: %+v %v", d, err)
	}

	// A refusal filed for d2, written outside the guard's batches.
	if _, err := db1.AddBlock(ctx, store.Block{DebtorID: "d2", Kind: "refusal", Since: clock.Now().Add(-time.Minute)}); err != nil {
		t.Fatal(err)
	}
	if _, d, err := g1.Reserve(ctx, Request{DebtorID: "d2", Channel: RobotCall}); err != nil || d.Allowed || d.Reason != ReasonBlocked {
		t.Fatalf("d2 after its refusal: %+v %v", d, err)
	}

	// d3 moves to Vladivostok, where it is 22:00: outside the window.
	if err := db1.UpsertDebtor(ctx, store.Debtor{ID: "d3", Region: "Приморский край", Phones: []string{"+79161234569"}}); err != nil {
		t.Fatal(err)
	}
	if _, d, err := g1.Reserve(ctx, Request{DebtorID: "d3", Channel: RobotCall}); err != nil || d.Allowed || d.Zone != "Asia/Vladivostok" {
		t.Fatalf("d3 after its move: %+v %v", d, err)
	}

	// The guard's own batches leave the version its view is at: the next
	// batch finds nothing to reload (a reservation of d3 reads no entries).
	ver := g1.view.version
	if ver < 0 {
		t.Fatalf("view emptied after a batch that succeeded: version %d", ver)
	}
	if err := db1.LedgerBatch(ctx, []string{"d3"}, store.SyncNow, func(tx *store.BatchTx) error {
		v, ok, err := tx.LedgerVersion(ctx)
		if err == nil && (!ok || v != ver) {
			t.Errorf("stored version %d (%v), the view's %d", v, ok, ver)
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
}

// failingLedger is a test double Ledger over a real store whose batches
// fail after deciding, while fail is set: the store rolls back what the
// guard decided in memory.
type failingLedger struct {
	*store.DB
	fail bool
}

var errInjected = errors.New("injected failure after the batch decided")

func (l *failingLedger) LedgerBatch(ctx context.Context, debtorIDs []string, mode store.Sync, fn func(tx *store.BatchTx) error) error {
	return l.DB.LedgerBatch(ctx, debtorIDs, mode, func(tx *store.BatchTx) error {
		if err := fn(tx); err != nil || !l.fail {
			return err
		}
		return errInjected
	})
}

// TestLedgerViewDropsAFailedBatch: a batch whose transaction does not
// commit leaves no trace in the next decision, though the guard granted
// it in memory and the ledger's version did not move: the view of a
// failed batch is dropped, not trusted.
func TestLedgerViewDropsAFailedBatch(t *testing.T) {
	ctx := t.Context()
	db, err := store.Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "d.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.UpsertDebtor(ctx, store.Debtor{ID: "d1", Region: "г. Москва", Phones: []string{"+79161234567"}}); err != nil {
		t.Fatal(err)
	}
	l := &failingLedger{DB: db}
	clock := &settableClock{t: local(t, "Europe/Moscow", "2026-11-23 15:00")}
	g, err := NewGuard(Config{Ledger: l, Clock: clock, Holder: "test", Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	if g.view == nil {
		t.Fatal("no ledger view on SQLite")
	}
	l.fail = true
	if _, _, err := g.Reserve(ctx, Request{DebtorID: "d1", Channel: RobotCall}); !errors.Is(err, errInjected) {
		t.Fatalf("reserve in a failing batch: %v", err)
	}
	l.fail = false
	if _, d, err := g.Reserve(ctx, Request{DebtorID: "d1", Channel: RobotCall}); err != nil || !d.Allowed {
		t.Fatalf("reserve after the failed batch: %+v %v", d, err)
	}
}

// storedVersion is the ledger's version as a batch reads it.
func storedVersion(t *testing.T, db *store.DB) int64 {
	t.Helper()
	var v int64
	if err := db.LedgerBatch(t.Context(), []string{"-"}, store.SyncNow, func(tx *store.BatchTx) error {
		var err error
		v, _, err = tx.LedgerVersion(t.Context())
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return v
}

// TestLedgerViewFollowsItsOwnWrites: Answered and Renew write the ledger
// outside the batches; the guard's view takes their changes and their
// version, so it is neither emptied by them nor wrong after them: an
// answered reservation past its expiry counts as a conversation, a renewed
// one past its first expiry is still held.
func TestLedgerViewFollowsItsOwnWrites(t *testing.T) {
	ctx := t.Context()
	db, err := store.Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "d.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, id := range []string{"d1", "d2"} {
		if err := db.UpsertDebtor(ctx, store.Debtor{ID: id, Region: "г. Москва"}); err != nil {
			t.Fatal(err)
		}
	}
	start := local(t, "Europe/Moscow", "2026-11-23 15:00")
	clock := &settableClock{t: start}
	g := ledgerGuard(t, db, clock, "test")
	inStep := func(what string) {
		t.Helper()
		if v := storedVersion(t, db); g.view.version != v || len(g.view.l.byID) == 0 {
			t.Fatalf("%s: view at version %d with %d entries, the ledger at %d", what, g.view.version, len(g.view.l.byID), v)
		}
	}

	r1, d, err := g.Reserve(ctx, Request{DebtorID: "d1", Channel: RobotCall})
	if err != nil || !d.Allowed {
		t.Fatalf("d1: %+v %v", d, err)
	}
	if err := g.Answered(ctx, r1); err != nil {
		t.Fatal(err)
	}
	inStep("answered")
	clock.Set(start.Add(20 * time.Minute)) // r1's holder is gone: it expires
	if _, d, err := g.Reserve(ctx, Request{DebtorID: "d1", Channel: RobotCall}); err != nil || d.Allowed || d.Reason != ReasonLimitDay {
		t.Fatalf("d1 after its answered reservation expired: %+v %v", d, err)
	}

	r2, d, err := g.Reserve(ctx, Request{DebtorID: "d2", Channel: RobotCall})
	if err != nil || !d.Allowed {
		t.Fatalf("d2: %+v %v", d, err)
	}
	clock.Set(start.Add(30 * time.Minute))
	if _, err := g.Renew(ctx, r2); err != nil {
		t.Fatal(err)
	}
	inStep("renewed")
	clock.Set(start.Add(40 * time.Minute)) // past r2's first expiry, not its renewed one
	if _, d, err := g.Reserve(ctx, Request{DebtorID: "d2", Channel: RobotCall}); err != nil || d.Allowed || d.Reason != ReasonLimitDay {
		t.Fatalf("d2 while its renewed reservation is held: %+v %v", d, err)
	}
}
