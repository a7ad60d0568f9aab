package store_test

import (
	"errors"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/dozvon/dozvon/clock"
	"github.com/dozvon/dozvon/compliance"
	"github.com/dozvon/dozvon/store"
)

// TestNoLimitExceededAfterPowerCut: the closes the guard writes without
// waiting for the disk are lost to a power cut (the WAL as its last sync
// left it, store.PowerCut), and after recovery the ledger still counts
// every contact at least as strictly as it was: a conversation committed
// after a durable answered mark, an attempt, a release and a reservation
// left open are lost or kept, and none of them lets a second conversation
// that day through; a conversation committed without the mark waits for
// the disk and is kept; a reservation whose sync the cut interrupted is
// never granted to its caller. The audit then finds no breach.
func TestNoLimitExceededAfterPowerCut(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	db, err := store.Open(ctx, "sqlite:"+filepath.Join(dir, "d.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	msk, err := time.LoadLocation("Europe/Moscow")
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 11, 23, 11, 0, 0, 0, msk) // a Monday, inside the calling window
	debtors := []string{"answered-conv", "bare-conv", "attempt", "released", "left-open", "cut-mid-sync"}
	var ds []store.Debtor
	for i, id := range debtors {
		d := store.Debtor{ID: id, Region: "г. Москва", Phones: []string{"+7916000000" + string(rune('0'+i))}}
		if err := db.UpsertDebtor(ctx, d); err != nil {
			t.Fatal(err)
		}
		ds = append(ds, d)
	}
	pc, err := db.PowerCutForTest(ctx)
	if err != nil {
		t.Fatal(err)
	}
	quiet := slog.New(slog.DiscardHandler)
	g, err := compliance.NewGuard(compliance.Config{Ledger: db, Clock: clock.Fixed(t0), Holder: "node-1", Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	res := map[string]compliance.Reservation{}
	for _, id := range debtors[:5] {
		r, dec, err := g.Reserve(ctx, compliance.Request{DebtorID: id, Channel: compliance.RobotCall})
		if err != nil || !dec.Allowed {
			t.Fatalf("reserve %s: %+v %v", id, dec, err)
		}
		res[id] = r
	}
	if err := g.Answered(ctx, res["answered-conv"]); err != nil {
		t.Fatal(err)
	}
	// Durable: a conversation on a call never marked answered.
	if err := g.Commit(ctx, res["bare-conv"], compliance.Conversation); err != nil {
		t.Fatal(err)
	}
	durable := pc.Syncs()
	// Lazy: each loss is stricter. None syncs the WAL.
	if err := g.Commit(ctx, res["answered-conv"], compliance.Conversation); err != nil {
		t.Fatal(err)
	}
	if err := g.Commit(ctx, res["attempt"], compliance.Attempt); err != nil {
		t.Fatal(err)
	}
	if err := g.Release(ctx, res["released"]); err != nil {
		t.Fatal(err)
	}
	if n := pc.Syncs(); n != durable {
		t.Fatalf("the lazy closes synced the WAL %d times", n-durable)
	}
	// The cut comes while a reservation's batch is committed and its
	// sync not yet done.
	pc.HoldSyncs()
	type reserved struct {
		dec compliance.Decision
		err error
	}
	mid := make(chan reserved, 1)
	go func() {
		_, dec, err := g.Reserve(ctx, compliance.Request{DebtorID: "cut-mid-sync", Channel: compliance.RobotCall})
		mid <- reserved{dec, err}
	}()
	waitFor(t, func() bool { return pc.Waiting() == 1 }, "the reservation's sync")
	crashed := filepath.Join(t.TempDir(), "d.db")
	if err := pc.Cut(crashed); err != nil {
		t.Fatal(err)
	}
	if m := <-mid; m.err == nil {
		t.Fatalf("a reservation whose sync the power cut interrupted was answered %+v, want an error (never dialled)", m.dec)
	}

	// After the cut: the disk's files, a new node, past the reservations' expiry.
	db2, err := store.Open(ctx, "sqlite:"+crashed)
	if err != nil {
		t.Fatal(err)
	}
	defer db2.Close()
	later := t0.Add(compliance.DefaultPolicy().ReservationTTL + time.Minute)
	g2, err := compliance.NewGuard(compliance.Config{Ledger: db2, Clock: clock.Fixed(later), Holder: "node-2", Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := g2.ExpireStale(ctx); err != nil {
		t.Fatal(err)
	}
	// What really happened, and the least each must count as.
	for _, c := range []struct {
		debtor       string
		convs, calls int // conversations and contacts (attempts or more) that took place
		lost         bool
	}{
		{"answered-conv", 1, 1, true}, // lost, expired as the conversation the mark makes it
		{"bare-conv", 1, 1, false},
		{"attempt", 0, 1, true}, // lost, expired as an attempt
		{"released", 0, 0, true},
		{"left-open", 0, 1, false},
		{"cut-mid-sync", 0, 0, false},
	} {
		es, err := db2.LedgerEntries(ctx, c.debtor)
		if err != nil {
			t.Fatal(err)
		}
		convs, calls, expired := 0, 0, 0
		for _, e := range es {
			if e.State == store.StateReleased {
				continue
			}
			calls++
			if e.Kind == string(compliance.Conversation) {
				convs++
			}
			if e.State == store.StateExpired {
				expired++
			}
		}
		if convs < c.convs || calls < c.calls {
			t.Errorf("%s after the cut: %d conversations, %d contacts counted (%+v); it had %d and %d", c.debtor, convs, calls, es, c.convs, c.calls)
		}
		if c.lost && expired != len(es) {
			t.Errorf("%s: the close was not lost (%+v): the cut kept more than the last sync", c.debtor, es)
		}
		if c.debtor == "cut-mid-sync" && len(es) != 0 {
			t.Errorf("cut-mid-sync: %+v, want nothing (its batch was never durable)", es)
		}
	}
	// The limits hold: a second conversation that day is refused to both.
	for _, id := range []string{"answered-conv", "bare-conv"} {
		if _, dec, err := g2.Reserve(ctx, compliance.Request{DebtorID: id, Channel: compliance.RobotCall}); err != nil || dec.Allowed {
			t.Errorf("%s after the cut: %+v %v, want a denial (its conversation today counts)", id, dec, err)
		}
	}
	a, err := g2.Audit(ctx, db2, ds)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Findings) > 0 {
		t.Errorf("the audit after the cut: %v", a.Findings)
	}
}

// TestGuardCloseNeverWaitsForASync: while a reservation's WAL sync is held
// (its batch committed), a close whose loss is stricter is answered — it
// waits neither for that sync nor for one of its own — and the
// reservation is not; a conversation on a call never marked answered
// waits for a sync of its own.
func TestGuardCloseNeverWaitsForASync(t *testing.T) {
	ctx := t.Context()
	db, err := store.Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "d.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	at := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC) // 11:00 in Moscow, a Monday
	for i, id := range []string{"x", "y", "z"} {
		if err := db.UpsertDebtor(ctx, store.Debtor{ID: id, Region: "г. Москва", Phones: []string{"+7916000001" + string(rune('0'+i))}}); err != nil {
			t.Fatal(err)
		}
	}
	pc, err := db.PowerCutForTest(ctx)
	if err != nil {
		t.Fatal(err)
	}
	g, err := compliance.NewGuard(compliance.Config{Ledger: db, Clock: clock.Fixed(at), Holder: "h", Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	rx, dx, err := g.Reserve(ctx, compliance.Request{DebtorID: "x", Channel: compliance.RobotCall})
	if err != nil || !dx.Allowed {
		t.Fatal(dx, err)
	}
	rz, dz, err := g.Reserve(ctx, compliance.Request{DebtorID: "z", Channel: compliance.RobotCall})
	if err != nil || !dz.Allowed {
		t.Fatal(dz, err)
	}
	pc.HoldSyncs()
	y := make(chan error, 1)
	go func() {
		_, d, err := g.Reserve(ctx, compliance.Request{DebtorID: "y", Channel: compliance.RobotCall})
		if err == nil && !d.Allowed {
			err = errDenied
		}
		y <- err
	}()
	waitFor(t, func() bool { return pc.Waiting() == 1 }, "the reservation's sync")
	x := make(chan error, 1)
	go func() { x <- g.Commit(ctx, rx, compliance.Attempt) }()
	waitFor(t, func() bool { return len(x) == 1 }, "the attempt's commit while a sync is held")
	if err := <-x; err != nil {
		t.Fatal(err)
	}
	z := make(chan error, 1)
	go func() { z <- g.Commit(ctx, rz, compliance.Conversation) }()
	waitFor(t, func() bool { return pc.Waiting() == 2 }, "the bare conversation's own sync")
	if len(y) != 0 || len(z) != 0 {
		t.Fatalf("answered before their syncs: reservation %d, conversation %d", len(y), len(z))
	}
	pc.Release()
	if err := <-y; err != nil {
		t.Errorf("the reservation after its sync: %v", err)
	}
	if err := <-z; err != nil {
		t.Errorf("the conversation after its sync: %v", err)
	}
}

var errDenied = errors.New("denied")
