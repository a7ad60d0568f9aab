package scheduler_test

import (
	"strings"
	"testing"
	"time"

	"github.com/dozvon/dozvon/clock"
	"github.com/dozvon/dozvon/compliance"
	"github.com/dozvon/dozvon/scheduler"
	"github.com/dozvon/dozvon/scripts"
	"github.com/dozvon/dozvon/store"
)

// TestUnplaceableDebtorsAreCalled: a foreign number, a Russian range the
// numbering plan lacks, an empty and a garbage region are no guard errors:
// each is called once, when every Russian zone's window is open (from 08:10
// in Kaliningrad, 06:10 UTC); a readable address region wins over the phone.
func TestUnplaceableDebtorsAreCalled(t *testing.T) {
	ctx := t.Context()
	db := openStore(t)
	// Wednesday 25 Nov 2026 03:00 UTC: 05:00 in Kaliningrad, 15:00 in Kamchatka.
	start := time.Date(2026, 11, 25, 3, 0, 0, 0, time.UTC)
	clk := clock.NewSim(start)
	plan, err := compliance.NewPlan([]compliance.Range{{From: 9131000000, To: 9139999999, Region: "Новосибирская область"}})
	if err != nil {
		t.Fatal(err)
	}
	guard, err := compliance.NewGuard(compliance.Config{Ledger: db, Clock: clk, Plan: plan})
	if err != nil {
		t.Fatal(err)
	}
	allZones := time.Date(2026, 11, 25, 6, 10, 0, 0, time.UTC)
	cases := []struct {
		debtor store.Debtor
		from   time.Time // the earliest legal call
	}{
		{store.Debtor{ID: "foreign", Phones: []string{"+442079460958"}}, allZones},
		{store.Debtor{ID: "unknown-range", Phones: []string{"+79160000001"}}, allZones},
		{store.Debtor{ID: "empty-region", Phones: []string{"+79131000002"}}, start},                        // the plan places it: 10:00 in Novosibirsk
		{store.Debtor{ID: "garbage-region", Region: "Нарния", Phones: []string{"+79131000003"}}, allZones}, // unreadable address: not the phone's zone
		{store.Debtor{ID: "foreign-known", Region: "Камчатский край", Phones: []string{"+442079460959"}}, start},
	}
	plans := map[string][]scheduler.Attempt{}
	var debtors []store.Debtor
	for _, c := range cases {
		if err := db.UpsertDebtor(ctx, c.debtor); err != nil {
			t.Fatal(err)
		}
		debtors = append(debtors, c.debtor)
		plans[c.debtor.Phones[0]] = []scheduler.Attempt{answered(scripts.OutcomeIdentified, nil)}
	}
	dialer := newDialer(t, clk, plans)
	cfg := scheduler.Config{Script: "verify_contact.yaml", Retry: scheduler.RetryRules{MaxPerPhone: 3}}
	if _, err := scheduler.CreateCampaign(ctx, db, "abroad", "unplaceable", cfg, debtors, start); err != nil {
		t.Fatal(err)
	}
	var errs []error
	s, err := scheduler.New(scheduler.Options{Store: db, Guard: guard, Dialer: dialer, Clock: clk, Channels: 2,
		OnEvent: func(e scheduler.Event) {
			if e.Err != nil {
				errs = append(errs, e.Err)
			}
		}})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Run(ctx, start.Add(6*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if len(errs) > 0 {
		t.Errorf("%d guard errors, the first: %v", len(errs), errs[0])
	}
	tasks, _ := db.Tasks(ctx, "abroad")
	for _, c := range cases {
		phone := c.debtor.Phones[0]
		calls := dialer.calls[phone]
		var task store.Task
		for _, tk := range tasks {
			if tk.Phone == phone {
				task = tk
			}
		}
		if task.State != store.TaskDone || len(calls) != 1 || strings.HasPrefix(task.Reason, "guard:") {
			t.Errorf("%s: state %s reason %q, %d calls; want done after one call", c.debtor.ID, task.State, task.Reason, len(calls))
			continue
		}
		if calls[0].Before(c.from) {
			t.Errorf("%s: called at %s UTC, before %s", c.debtor.ID, calls[0].Format("15:04"), c.from.Format("15:04"))
		}
		if c.from.Equal(start) && !calls[0].Before(allZones) {
			t.Errorf("%s: called at %s UTC: waited for every zone although its zone is known", c.debtor.ID, calls[0].Format("15:04"))
		}
	}
}
