package store_test

import (
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/dozvon/dozvon/store"
)

// TestImportMergesPersons: records are one person by match key or shared
// phone, transitively, across the file and what the store already holds.
func TestImportMergesPersons(t *testing.T) {
	eachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		imp := func(ds ...store.Debtor) {
			t.Helper()
			if err := db.ImportDebtors(ctx, ds, make([]store.DebtorDetails, len(ds))); err != nil {
				t.Fatal(err)
			}
		}
		// First file: a alone.
		imp(store.Debtor{ID: "a", MatchKey: "иванов иван|1980-01-02", Phones: []string{"+79160000001"}})
		// Second file: b shares a's match key, c shares b's phone, d shares
		// nothing, e shares d's phone only through a stored record f.
		if err := db.UpsertDebtor(ctx, store.Debtor{ID: "f", Phones: []string{"+79160000009"}}); err != nil {
			t.Fatal(err)
		}
		imp(store.Debtor{ID: "b", MatchKey: "иванов иван|1980-01-02", Phones: []string{"+79160000002"}},
			store.Debtor{ID: "c", Phones: []string{"+79160000002", "+79160000003"}},
			store.Debtor{ID: "d", MatchKey: "петров петр|1990-01-01", Phones: []string{"+79160000004"}},
			store.Debtor{ID: "e", Phones: []string{"+79160000009"}})
		for _, c := range []struct {
			id   string
			with []string
		}{
			{"a", []string{"a", "b", "c"}},
			{"c", []string{"a", "b", "c"}},
			{"d", []string{"d"}},
			{"e", []string{"e", "f"}},
		} {
			p, err := db.PersonOf(ctx, c.id)
			if err != nil || !reflect.DeepEqual(p.Debtors, c.with) {
				t.Errorf("person of %s: %+v %v, want records %v", c.id, p, err, c.with)
			}
		}
		// a kept its person (the stored one wins), so its ledger still counts.
		pa, _ := db.PersonOf(ctx, "a")
		if pa.ID != "a" && !strings.HasPrefix(pa.ID, "p-") {
			t.Errorf("person id %q", pa.ID)
		}
		// The same file again changes nothing.
		before, _ := db.PersonOf(ctx, "c")
		imp(store.Debtor{ID: "c", Phones: []string{"+79160000002", "+79160000003"}})
		if after, _ := db.PersonOf(ctx, "c"); after.ID != before.ID {
			t.Errorf("re-import moved c from %s to %s", before.ID, after.ID)
		}
	})
}

// TestImportIsAllOrNothing: an import whose row 1,500 fails at store time
// (after the rows before it were written in the same transaction) leaves
// the store exactly as it was — debtors, phones, details and persons.
func TestImportIsAllOrNothing(t *testing.T) {
	eachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		ds, det := importRows(300)
		if err := db.ImportDebtors(ctx, ds, det); err != nil {
			t.Fatal(err)
		}
		snapshot := func() string {
			t.Helper()
			var b strings.Builder
			for i := range 2000 {
				id := fmt.Sprintf("b%06d", i)
				d, err := db.Debtor(ctx, id)
				x, xerr := db.DebtorDetailsOf(ctx, id)
				fmt.Fprintf(&b, "%+v %v %+v %v\n", d, err, x, xerr)
			}
			return b.String()
		}
		before := snapshot()
		// 2,000 rows: the first 300 update stored debtors (new phones, a new
		// name); row 1,500 has no id.
		ds, det = importRows(2000)
		for i := range ds {
			ds[i].Name += " (new)"
			ds[i].Phones = append(ds[i].Phones, fmt.Sprintf("+7918%07d", i))
		}
		ds[1499].ID = ""
		err := db.ImportDebtors(ctx, ds, det)
		if err == nil {
			t.Fatal("import with a bad row 1500 accepted")
		}
		if after := snapshot(); after != before {
			t.Fatal("a failed import changed the store")
		}
		if !strings.Contains(err.Error(), "row 1500") {
			t.Errorf("error %q does not name row 1500", err)
		}
	})
}

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
