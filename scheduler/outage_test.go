package scheduler_test

import (
	"context"
	"errors"
	"github.com/dozvon/dozvon/clock"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dozvon/dozvon/compliance"
	"github.com/dozvon/dozvon/scheduler"
	"github.com/dozvon/dozvon/scripts"
	"github.com/dozvon/dozvon/store"
)

// flakyStore is a test double around the real store: its campaign and
// next-due reads fail while failing() says so (a locked or restarting
// database), everything else goes through.
type flakyStore struct {
	*store.DB
	mu      sync.Mutex
	reads   int
	failing func(read int) bool
}

var errStoreDown = errors.New("database is locked")

func (f *flakyStore) fail() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reads++
	return f.failing(f.reads)
}

func (f *flakyStore) Campaigns(ctx context.Context, state string) ([]store.Campaign, error) {
	if f.fail() {
		return nil, errStoreDown
	}
	return f.DB.Campaigns(ctx, state)
}

func (f *flakyStore) NextDue(ctx context.Context, campaignID string) (time.Time, bool, error) {
	if f.fail() {
		return time.Time{}, false, errStoreDown
	}
	return f.DB.NextDue(ctx, campaignID)
}

// TestRunRidesOutAStoreOutage: a store that fails for a while does not end
// the sweep; one that keeps failing ends it with the store's error once the
// outage outlasts StoreOutage.
func TestRunRidesOutAStoreOutage(t *testing.T) {
	tests := []struct {
		name    string
		failing func(read int) bool
		wantErr bool
	}{
		{"fails at the start and midway, then recovers", func(n int) bool { return n <= 3 || (n >= 8 && n <= 10) }, false},
		{"never comes back", func(n int) bool { return n > 2 }, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := t.Context()
			db := openStore(t)
			start := time.Date(2026, 11, 25, 7, 0, 0, 0, time.UTC) // 10:00 in Moscow
			clock := clock.NewSim(start)
			guard, err := compliance.NewGuard(compliance.Config{Ledger: db, Clock: clock})
			if err != nil {
				t.Fatal(err)
			}
			var debtors []store.Debtor
			for _, p := range []string{"+79160000001", "+79160000002", "+79160000003"} {
				d := store.Debtor{ID: "d" + p[len(p)-1:], Region: "г. Москва", Phones: []string{p}}
				if err := db.UpsertDebtor(ctx, d); err != nil {
					t.Fatal(err)
				}
				debtors = append(debtors, d)
			}
			if _, err := scheduler.CreateCampaign(ctx, db, "c", "c", scheduler.Config{Script: "s"}, debtors, start); err != nil {
				t.Fatal(err)
			}
			dialer := newDialer(t, clock, map[string][]scheduler.Attempt{
				"+79160000001": {answered(scripts.OutcomeIdentified, nil)},
				"+79160000002": {answered(scripts.OutcomeIdentified, nil)},
				"+79160000003": {answered(scripts.OutcomeIdentified, nil)},
			})
			st := &flakyStore{DB: db, failing: tt.failing}
			s, err := scheduler.New(scheduler.Options{Store: st, Guard: guard, Dialer: dialer, Clock: clock, Channels: 1, StoreOutage: 2 * time.Second})
			if err != nil {
				t.Fatal(err)
			}
			err = s.Run(ctx, start.Add(time.Hour))
			if tt.wantErr {
				if !errors.Is(err, errStoreDown) || !strings.Contains(err.Error(), "failing for") {
					t.Fatalf("Run = %v, want the store's error after the outage limit", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Run = %v, want the outage ridden out", err)
			}
			tasks, _ := db.Tasks(ctx, "c")
			for _, tk := range tasks {
				if tk.State != store.TaskDone {
					t.Errorf("%s: %s, want done after the store came back", tk.Phone, tk.State)
				}
			}
		})
	}
}
