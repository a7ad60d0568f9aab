package scheduler_test

import (
	"fmt"
	"github.com/dozvon/dozvon/clock"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/dozvon/dozvon/compliance"
	"github.com/dozvon/dozvon/scheduler"
	"github.com/dozvon/dozvon/scripts"
	"github.com/dozvon/dozvon/store"
)

// BenchmarkDecisionPerTask measures the scheduler's own cost per task on
// SQLite with an instant dialer: lease, guard reserve (ledger, audit), commit,
// retry rules, outcome effects and the task update. Reports tasks/s.
//
//	go test -run '^$' -bench DecisionPerTask -benchtime 2000x ./scheduler
func BenchmarkDecisionPerTask(b *testing.B) {
	ctx := b.Context()
	db, err := store.Open(ctx, "sqlite:"+filepath.Join(b.TempDir(), "b.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	start := time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC)
	clock := clock.NewSim(start)
	guard, err := compliance.NewGuard(compliance.Config{Ledger: db, Clock: clock, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	debtors := make([]store.Debtor, b.N)
	plans := map[string][]scheduler.Attempt{}
	for i := range debtors {
		debtors[i] = store.Debtor{ID: fmt.Sprintf("b%07d", i), Region: "г. Москва", Phones: []string{fmt.Sprintf("+7916%07d", i)}}
		if err := db.UpsertDebtor(ctx, debtors[i]); err != nil {
			b.Fatal(err)
		}
		plans[debtors[i].Phones[0]] = []scheduler.Attempt{answered(scripts.OutcomeIdentified, nil)}
	}
	if _, err := scheduler.CreateCampaign(ctx, db, "bench", "bench", scheduler.Config{Script: "s"}, debtors, start); err != nil {
		b.Fatal(err)
	}
	s, err := scheduler.New(scheduler.Options{Store: db, Guard: guard, Dialer: newDialer(b, clock, plans), Clock: clock, Channels: 8})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	if err := s.Run(ctx, start); err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	if c, _ := db.TaskCounts(ctx, "bench"); c[store.TaskDone] != b.N {
		b.Fatalf("done %v of %d", c, b.N)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "tasks/s")
}
