package store_test

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/dozvon/dozvon/store"
)

// importRows builds n debtors with two phones each, as a portfolio would.
func importRows(n int) ([]store.Debtor, []store.DebtorDetails) {
	ds := make([]store.Debtor, n)
	det := make([]store.DebtorDetails, n)
	for i := range n {
		id := fmt.Sprintf("b%06d", i)
		ds[i] = store.Debtor{ID: id, Name: fmt.Sprintf("Иванов Иван %d", i), Region: "г. Москва",
			Phones: []string{fmt.Sprintf("+7916%07d", i), fmt.Sprintf("+7917%07d", i)}}
		det[i] = store.DebtorDetails{DebtorID: id, Contract: "K" + id, BirthDate: "1980-01-02", DebtKop: int64(i)}
	}
	return ds, det
}

// BenchmarkImportDebtors100k stores a 100k-row portfolio into a fresh SQLite
// store (and PostgreSQL when available); run with -benchtime=1x:
//
//	go test ./store -run '^$' -bench ImportDebtors100k -benchtime=1x
func BenchmarkImportDebtors100k(b *testing.B) {
	ds, det := importRows(100_000)
	b.Run("sqlite", func(b *testing.B) {
		for range b.N {
			db, err := store.Open(b.Context(), "sqlite:"+filepath.Join(b.TempDir(), "dozvon.db"))
			if err != nil {
				b.Fatal(err)
			}
			if err := db.ImportDebtors(b.Context(), ds, det); err != nil {
				b.Fatal(err)
			}
			db.Close()
		}
	})
	if pg == nil {
		b.Log("postgres skipped")
		return
	}
	b.Run("postgres", func(b *testing.B) {
		for range b.N {
			dsn, err := pg.NewDatabase(b.Context())
			if err != nil {
				b.Fatal(err)
			}
			db, err := store.Open(b.Context(), dsn)
			if err != nil {
				b.Fatal(err)
			}
			if err := db.ImportDebtors(b.Context(), ds, det); err != nil {
				b.Fatal(err)
			}
			db.Close()
		}
	})
}
