package store_test

import (
	"testing"
	"time"

	"github.com/dozvon/dozvon/store"
)

// TestDebtorAddressFilterAndDenials: the collector's page finds debtors by
// part of their portfolio address (wildcards typed are literal), the list
// carries the address, and a campaign's 230-FZ denials count by reason code.
func TestDebtorAddressFilterAndDenials(t *testing.T) {
	eachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		t0 := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
		ds := []store.Debtor{{ID: "a1", Name: "А", Phones: []string{"+79131234501"}}, {ID: "a2", Name: "Б", Phones: []string{"+79131234502"}},
			{ID: "a3", Name: "В", Phones: []string{"+79131234503"}}}
		det := []store.DebtorDetails{{DebtorID: "a1", Address: "г. Томск, ул. Ленина, 5"}, {DebtorID: "a2", Address: "г. Томск, пр. Мира 100%"},
			{DebtorID: "a3", Address: "г. Северск, ул. Ленина, 1"}}
		if err := db.ImportDebtors(ctx, ds, det); err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			address string
			want    []string
		}{
			{"Ленина", []string{"a1", "a3"}},
			{"Томск", []string{"a1", "a2"}},
			{"100%", []string{"a2"}},
			{"%", []string{"a2"}},
			{"_", nil},
			{"", []string{"a1", "a2", "a3"}},
		}
		for _, tt := range tests {
			got, _, err := db.ListDebtors(ctx, store.DebtorFilter{Address: tt.address})
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, d := range got {
				ids = append(ids, d.ID)
			}
			if len(ids) != len(tt.want) || (len(ids) > 0 && ids[0] != tt.want[0]) {
				t.Errorf("address %q: %v, want %v", tt.address, ids, tt.want)
			}
		}
		if d, err := db.DebtorFor(ctx, "a2", ""); err != nil || d.Address != "г. Томск, пр. Мира 100%" {
			t.Fatalf("a2: %+v (%v)", d, err)
		}
		if err := db.SaveCampaign(ctx, store.Campaign{ID: "c1", Name: "c", State: store.CampaignActive, Config: "{}", CreatedAt: t0}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.AddTasks(ctx, []store.Task{{CampaignID: "c1", DebtorID: "a1", Phone: "+79131234501", State: "pending", DueAt: t0},
			{CampaignID: "c1", DebtorID: "a2", Phone: "+79131234502", State: "pending", DueAt: t0},
			{CampaignID: "c1", DebtorID: "a3", Phone: "+79131234503", State: "pending", DueAt: t0}}); err != nil {
			t.Fatal(err)
		}
		leased, err := db.LeaseTasks(ctx, "c1", t0, 10, "node", time.Minute)
		if err != nil || len(leased) != 3 {
			t.Fatalf("leased %d (%v)", len(leased), err)
		}
		reasons := []string{"230-FZ hours: 23:10 local", "230-FZ hours: 23:40 local", "230-FZ daily_limit,hours: 1 today"}
		for i, task := range leased {
			if err := db.FinishTask(ctx, task.ID, "node", t0, store.TaskUpdate{State: store.TaskPending, DueAt: t0.Add(time.Hour), LastResult: "denied", Reason: reasons[i]}); err != nil {
				t.Fatal(err)
			}
		}
		got, err := db.CampaignDenials(ctx, "c1")
		if err != nil || len(got) != 2 || got["hours"] != 2 || got["daily_limit,hours"] != 1 {
			t.Fatalf("denials %v (%v)", got, err)
		}
	})
}
