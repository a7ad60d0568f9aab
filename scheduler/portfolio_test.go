package scheduler_test

import (
	"testing"
	"time"

	"github.com/dozvon/dozvon/phonenum"
	"github.com/dozvon/dozvon/portfolio"
	"github.com/dozvon/dozvon/scheduler"
	"github.com/dozvon/dozvon/store"
)

func TestCampaignFromPortfolio(t *testing.T) {
	db := openStore(t)
	start := time.Date(2026, 11, 24, 5, 0, 0, 0, time.UTC)
	ds := []portfolio.Debtor{
		{ID: "A", Name: "Иванов Иван Иванович", Region: "г. Москва", Phones: phonenum.List{phonenum.MustParse("+79160000001"), phonenum.MustParse("+79160000002")}},
		{ID: "B", Name: "Петрова Анна Сергеевна", Region: "Приморский край", Phones: phonenum.List{phonenum.MustParse("+79160000003")}},
	}
	cfg := scheduler.Config{Script: "scripts/verify_contact.yaml"}
	first, err := scheduler.CampaignFromPortfolio(t.Context(), db, cfg, "p.csv", ds, start)
	if err != nil {
		t.Fatal(err)
	}
	if first.Tasks != 3 || len(first.Debtors) != 2 || first.Debtors[1].Region != "Приморский край" {
		t.Fatalf("first run: %+v", first)
	}
	tasks, err := db.Tasks(t.Context(), first.ID)
	if err != nil {
		t.Fatal(err)
	}
	states := map[string]string{}
	for _, tk := range tasks {
		states[tk.Phone] = tk.State
	}
	if states["+79160000001"] != store.TaskPending || states["+79160000002"] != store.TaskWaiting || states["+79160000003"] != store.TaskPending {
		t.Fatalf("task states %v: want each debtor's first phone due, the others waiting", states)
	}

	tests := []struct {
		name    string
		cfg     scheduler.Config
		source  string
		debtors []portfolio.Debtor
		sameID  bool
		added   int
	}{
		{"the same sweep again resumes it", cfg, "p.csv", ds, true, 0},
		{"another script is another campaign", scheduler.Config{Script: "scripts/other.yaml"}, "p.csv", ds, false, 3},
		{"another source is another campaign", cfg, "q.csv", ds, false, 3},
		{"another phone is another campaign", cfg, "p.csv", append(ds[:1:1], portfolio.Debtor{ID: "B", Phones: phonenum.List{phonenum.MustParse("+79160000009")}}), false, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := scheduler.CampaignFromPortfolio(t.Context(), db, tt.cfg, tt.source, tt.debtors, start)
			if err != nil {
				t.Fatal(err)
			}
			if (got.ID == first.ID) != tt.sameID || got.Tasks != tt.added {
				t.Fatalf("id %s (first %s), %d tasks added; want same id %v, %d added", got.ID, first.ID, got.Tasks, tt.sameID, tt.added)
			}
		})
	}
	if _, err := scheduler.CampaignFromPortfolio(t.Context(), db, scheduler.Config{}, "p.csv", ds, start); err == nil {
		t.Fatal("a campaign without a script was created")
	}
}
