package scheduler_test

import (
	"fmt"
	"github.com/dozvon/dozvon/clock"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/dozvon/dozvon/compliance"
	"github.com/dozvon/dozvon/scheduler"
	"github.com/dozvon/dozvon/scripts"
	"github.com/dozvon/dozvon/store"
)

// TestTwoNodes: two scheduler nodes with their own connections to one store
// share a campaign; every task is dialed exactly once, and no debtor is ever
// dialed by both at once (the shared scriptedDialer fails the test if so).
func TestTwoNodes(t *testing.T) {
	ctx := t.Context()
	dsn := "sqlite:" + filepath.Join(t.TempDir(), "nodes.db")
	start := time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC)
	clock := clock.NewSim(start)
	setup, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer setup.Close()
	var debtors []store.Debtor
	plans := map[string][]scheduler.Attempt{}
	for i := range 40 {
		d := store.Debtor{ID: fmt.Sprintf("n%02d", i), Region: "г. Москва", Phones: []string{fmt.Sprintf("+791640000%02d", i), fmt.Sprintf("+791650000%02d", i)}}
		if err := setup.UpsertDebtor(ctx, d); err != nil {
			t.Fatal(err)
		}
		debtors = append(debtors, d)
		plans[d.Phones[0]] = []scheduler.Attempt{answered(scripts.OutcomeWrongPerson, nil)}
		plans[d.Phones[1]] = []scheduler.Attempt{answered(scripts.OutcomeIdentified, nil)}
	}
	if _, err := scheduler.CreateCampaign(ctx, setup, "c", "two nodes", scheduler.Config{Script: "s"}, debtors, start); err != nil {
		t.Fatal(err)
	}
	dialer := newDialer(t, clock, plans)
	var wg sync.WaitGroup
	for _, node := range []string{"node-a", "node-b"} {
		db, err := store.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		g, err := compliance.NewGuard(compliance.Config{Ledger: db, Clock: clock, Holder: node, Logger: slog.New(slog.DiscardHandler)})
		if err != nil {
			t.Fatal(err)
		}
		s, err := scheduler.New(scheduler.Options{Store: db, Guard: g, Dialer: dialer, Clock: clock, Holder: node, Channels: 6})
		if err != nil {
			t.Fatal(err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := s.Run(ctx, start); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	for _, d := range debtors {
		for _, p := range d.Phones {
			if n := len(dialer.calls[p]); n != 1 {
				t.Errorf("%s dialed %d times", p, n)
			}
		}
	}
	if c, _ := setup.TaskCounts(ctx, "c"); c[store.TaskDone] != 80 {
		t.Errorf("task states %v", c)
	}
}
