package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/dozvon/dozvon/store"
	"github.com/dozvon/dozvon/store/storetest"
)

// TestLedgerVersionMigration: a database at migration 16 (one this dozvon
// made, with migration 17's table and triggers taken out again) keeps its
// ledger rows through the upgrade to 17, and on SQLite every ledger,
// person_links, debtors, phones or blocks write after it moves the
// version, in the writing transaction; PostgreSQL has the table and says
// it keeps no version.
func TestLedgerVersionMigration(t *testing.T) {
	for _, b := range storetest.Backends(pg) {
		t.Run(b.Name, func(t *testing.T) {
			ctx := t.Context()
			db, dsn, err := b.Open(ctx, t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			// The later migrations go too: the database is as version 16 left it.
			down := []string{"DROP TABLE ledger_version", "DROP TABLE sip_registrations", "DELETE FROM schema_migrations WHERE version >= 17"}
			if db.Backend() == "sqlite" {
				for _, tb := range []string{"ledger", "person_links", "debtors", "phones", "blocks"} {
					for _, ev := range []string{"insert", "update", "delete"} {
						down = append(down, fmt.Sprintf("DROP TRIGGER %s_version_%s", tb, ev))
					}
				}
			}
			for _, q := range down {
				if err := db.ExecForTest(ctx, q); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
			at := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
			if err := db.UpsertDebtor(ctx, store.Debtor{ID: "d1", Phones: []string{"+79161234567"}}); err != nil {
				t.Fatal(err)
			}
			for i := range 3 {
				if err := db.WithDebtor(ctx, "d1", func(tx *store.Tx) error {
					return tx.InsertEntry(ctx, store.LedgerEntry{ID: fmt.Sprintf("e%d", i), DebtorID: "d1", Channel: "robot_call", Kind: "attempt",
						State: store.StateOpen, At: at.Add(time.Duration(i) * time.Minute), ExpiresAt: at.Add(time.Hour), Phone: "+79161234567"})
				}); err != nil {
					t.Fatal(err)
				}
			}
			db.Close()

			db, err = store.Open(ctx, dsn) // migrates from 16 on
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			es, err := db.LedgerEntries(ctx, "d1")
			if err != nil || len(es) != 3 {
				t.Fatalf("ledger after the upgrade: %d entries, %v", len(es), err)
			}
			version := func() (v int64, ok bool) {
				t.Helper()
				if err := db.LedgerBatch(ctx, []string{"d1"}, store.SyncNow, func(tx *store.BatchTx) error {
					var err error
					v, ok, err = tx.LedgerVersion(ctx)
					return err
				}); err != nil {
					t.Fatal(err)
				}
				return v, ok
			}
			v0, ok := version()
			if ok != db.LedgerVersioned() || ok != (db.Backend() == "sqlite") {
				t.Fatalf("%s: version kept %v, LedgerVersioned %v", db.Backend(), ok, db.LedgerVersioned())
			}
			if !ok {
				return
			}
			steps := []struct {
				name string
				do   func(context.Context) error
			}{
				{"ledger insert", func(ctx context.Context) error {
					return db.WithDebtor(ctx, "d1", func(tx *store.Tx) error {
						return tx.InsertEntry(ctx, store.LedgerEntry{ID: "e9", DebtorID: "d1", Channel: "robot_call", Kind: "attempt", State: store.StateOpen, At: at, ExpiresAt: at.Add(time.Hour)})
					})
				}},
				{"debtor and phones", func(ctx context.Context) error {
					return db.UpsertDebtor(ctx, store.Debtor{ID: "d1", Region: "г. Москва", Phones: []string{"+79161234568"}})
				}},
				{"block", func(ctx context.Context) error {
					_, err := db.AddBlock(ctx, store.Block{DebtorID: "d1", Kind: "refusal", Since: at})
					return err
				}},
			}
			for _, s := range steps {
				if err := s.do(ctx); err != nil {
					t.Fatalf("%s: %v", s.name, err)
				}
				v, _ := version()
				if v <= v0 {
					t.Fatalf("%s: version %d, was %d", s.name, v, v0)
				}
				v0 = v
			}
		})
	}
}
