package store_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"testing"

	"github.com/dozvon/dozvon/store"
	"github.com/dozvon/dozvon/store/storetest"
)

// pg is the one PostgreSQL server of this package's test run (nil when absent).
var pg *storetest.Postgres

func TestMain(m *testing.M) {
	var err error
	pg, err = storetest.StartPostgres(context.Background())
	if errors.Is(err, storetest.ErrNoPostgres) {
		fmt.Fprintln(os.Stderr, "store: PostgreSQL tests SKIPPED:", err)
	} else if err != nil {
		fmt.Fprintln(os.Stderr, "store:", err)
		os.Exit(1)
	}
	code := m.Run()
	if pg != nil {
		if err := pg.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "store:", err)
		}
	}
	os.Exit(code)
}

// eachBackend runs f against a fresh SQLite store and, when available, a fresh PostgreSQL database.
func eachBackend(t *testing.T, f func(t *testing.T, db *store.DB)) {
	t.Helper()
	for _, b := range storetest.Backends(pg) {
		t.Run(b.Name, func(t *testing.T) {
			db, _, err := b.Open(t.Context(), t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			f(t, db)
		})
	}
	if pg == nil {
		t.Log("postgres back end skipped: " + storetest.ErrNoPostgres.Error())
	}
}
