package store

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"
)

// TestLedgerBatchKeepsEachTransactionApart: ledger transactions that queue
// behind a running one commit together on SQLite, yet each is its own: in
// arrival order, each sees what those before it wrote, a failing or
// panicking one leaves nothing behind, one cancelled while it waited never
// runs — and the others are kept.
func TestLedgerBatchKeepsEachTransactionApart(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db, err := Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "d.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	at := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	insert := func(tx *Tx, id string) error {
		return tx.InsertEntry(ctx, LedgerEntry{ID: id, DebtorID: "d1", Channel: "robot_call", Kind: "attempt", State: StateOpen, At: at, ExpiresAt: at.Add(time.Hour)})
	}
	seen := func(tx *Tx) []string {
		es, err := tx.Entries(ctx, at.Add(-time.Hour))
		if err != nil {
			t.Error(err)
		}
		var ids []string
		for _, e := range es {
			ids = append(ids, e.ID)
		}
		slices.Sort(ids)
		return ids
	}

	// The leader holds its batch open until the others have queued.
	release := make(chan struct{})
	leaderIn := make(chan struct{})
	errs := make(map[string]error)
	var mu sync.Mutex
	var wg sync.WaitGroup
	run := func(name string, ctx context.Context, fn func(tx *Tx) error) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var err error
			func() {
				defer func() {
					if p := recover(); p != nil {
						err = errors.New("panicked: " + p.(string))
					}
				}()
				err = db.WithDebtor(ctx, "d1", fn)
			}()
			mu.Lock()
			errs[name] = err
			mu.Unlock()
		}()
	}
	run("a", ctx, func(tx *Tx) error {
		close(leaderIn)
		<-release
		return insert(tx, "a")
	})
	<-leaderIn
	queued := func(n int) {
		t.Helper()
		for deadline := time.Now().Add(20 * time.Second); ; {
			db.batch.mu.Lock()
			got := len(db.batch.queue)
			db.batch.mu.Unlock()
			if got == n {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("%d transactions queued, want %d", got, n)
			}
			time.Sleep(time.Millisecond)
		}
	}
	var bSaw, fSaw []string
	run("b", ctx, func(tx *Tx) error { bSaw = seen(tx); return insert(tx, "b") })
	queued(1)
	run("c", ctx, func(tx *Tx) error {
		if err := insert(tx, "c"); err != nil {
			return err
		}
		return errors.New("c decided against it")
	})
	queued(2)
	run("d", ctx, func(tx *Tx) error {
		if err := insert(tx, "d"); err != nil {
			return err
		}
		panic("d blew up")
	})
	queued(3)
	cctx, cancel := context.WithCancel(ctx)
	eRan := false
	run("e", cctx, func(tx *Tx) error { eRan = true; return insert(tx, "e") })
	queued(4)
	cancel()
	run("f", ctx, func(tx *Tx) error { fSaw = seen(tx); return insert(tx, "f") })
	queued(5)
	close(release)
	wg.Wait()

	if errs["a"] != nil || errs["b"] != nil || errs["f"] != nil {
		t.Errorf("kept transactions failed: a %v, b %v, f %v", errs["a"], errs["b"], errs["f"])
	}
	if errs["c"] == nil || errs["c"].Error() != "c decided against it" {
		t.Errorf("c: %v, want its own error", errs["c"])
	}
	if errs["d"] == nil || errs["d"].Error() != "panicked: d blew up" {
		t.Errorf("d: %v, want its panic raised in its caller", errs["d"])
	}
	if !errors.Is(errs["e"], context.Canceled) || eRan {
		t.Errorf("e: %v (ran: %v), want context.Canceled without running", errs["e"], eRan)
	}
	if !slices.Equal(bSaw, []string{"a"}) || !slices.Equal(fSaw, []string{"a", "b"}) {
		t.Errorf("b saw %v, f saw %v; want [a] and [a b]: each sees those before it, not the rolled back", bSaw, fSaw)
	}
	es, err := db.LedgerEntries(ctx, "d1")
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, e := range es {
		ids = append(ids, e.ID)
	}
	slices.Sort(ids)
	if !slices.Equal(ids, []string{"a", "b", "f"}) {
		t.Errorf("stored %v, want [a b f]", ids)
	}
}
