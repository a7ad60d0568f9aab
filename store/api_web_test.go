package store_test

import (
	"testing"

	"github.com/dozvon/dozvon/store"
)

// TestDebtorAddressFilter: the collector's page finds debtors by part of
// their portfolio address (wildcards typed are literal), and the list
// carries the address.
func TestDebtorAddressFilter(t *testing.T) {
	eachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
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
	})
}
