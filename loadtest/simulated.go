package loadtest

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/dozvon/dozvon/clock"
	"github.com/dozvon/dozvon/compliance"
	"github.com/dozvon/dozvon/phonenum"
	"github.com/dozvon/dozvon/scheduler"
	"github.com/dozvon/dozvon/store"
	"github.com/dozvon/dozvon/testcalls"
)

// SeedPhones stores the simulated phones' debtors (`dozvon demo calls`) with
// their standing blocks (filed 30 days before now), and an operator's
// conversation an hour before now with those who already spoke today, so
// the 230-FZ guard has something to refuse.
func SeedPhones(ctx context.Context, db *store.DB, phones []testcalls.SimulatedPhone, now time.Time, log *slog.Logger) error {
	for _, d := range phones {
		if err := db.UpsertDebtor(ctx, store.Debtor{ID: d.ID, Name: d.Name, Region: d.Region, Phones: []string{d.Phone}}); err != nil {
			return err
		}
		if d.Block != "" {
			if _, err := db.AddBlock(ctx, store.Block{DebtorID: d.ID, Kind: d.Block, Note: "demo", Since: now.Add(-30 * 24 * time.Hour)}); err != nil {
				return err
			}
		}
		if !d.SpokeToday {
			continue
		}
		g, err := compliance.NewGuard(compliance.Config{Ledger: db, Clock: clock.Fixed(now.Add(-time.Hour)), Logger: log})
		if err != nil {
			return err
		}
		phone, err := phonenum.ParseRussian(d.Phone)
		if err != nil {
			return fmt.Errorf("simulated phone of %s: %w", d.ID, err)
		}
		if res, dec, err := g.Reserve(ctx, compliance.Request{DebtorID: d.ID, Phone: phone, Channel: compliance.HumanCall}); err == nil && dec.Allowed {
			_ = g.Commit(ctx, res, compliance.Conversation)
		}
	}
	return nil
}

// SweepPhones sets up a simulated sweep (`dozvon sweep --simulate`): each
// debtor's numbers ring phones on callee, standing blocks are filed a day
// before now, and expect holds each debtor's predicted result. target turns
// a scheduler call into the simulated phone's URI (callflow.Dialer.Target).
func SweepPhones(ctx context.Context, db *store.DB, callee *testcalls.Callee, sim []testcalls.SimulatedDebtor, now time.Time) (target func(scheduler.Call) string, expect map[string]string, err error) {
	uris, expect := map[string]string{}, map[string]string{}
	for _, s := range sim {
		for i, p := range s.Debtor.Phones {
			uris[p.String()] = callee.Phone(p.String(), s.Phones[i])
		}
		expect[s.Debtor.ID] = s.Expect
		if s.Block != "" {
			if _, err := db.AddBlock(ctx, store.Block{DebtorID: s.Debtor.ID, Kind: s.Block, Note: "simulation", Since: now.Add(-24 * time.Hour)}); err != nil {
				return nil, nil, err
			}
		}
	}
	return func(c scheduler.Call) string { return uris[c.Task.Phone] }, expect, nil
}
