package compliance

import (
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
	if err := db1.LedgerBatch(ctx, []string{"d3"}, func(tx *store.BatchTx) error {
		v, ok, err := tx.LedgerVersion(ctx)
		if err == nil && (!ok || v != ver) {
			t.Errorf("stored version %d (%v), the view's %d", v, ok, ver)
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
}
