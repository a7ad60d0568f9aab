package compliance

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/dozvon/dozvon/clock"
	"github.com/dozvon/dozvon/store"
	"github.com/dozvon/dozvon/store/storetest"
)

// pg is this package's one PostgreSQL server for the test run (nil when absent).
var pg *storetest.Postgres

func TestMain(m *testing.M) {
	if dsn := os.Getenv(killChildEnv); dsn != "" {
		os.Exit(runKillChild(dsn))
	}
	var err error
	pg, err = storetest.StartPostgres(context.Background())
	if errors.Is(err, storetest.ErrNoPostgres) {
		fmt.Fprintln(os.Stderr, "compliance: PostgreSQL ledger tests SKIPPED:", err)
	} else if err != nil {
		fmt.Fprintln(os.Stderr, "compliance:", err)
		os.Exit(1)
	}
	code := m.Run()
	if pg != nil {
		if err := pg.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "compliance:", err)
		}
	}
	os.Exit(code)
}

// settableClock is a test clock that stays where it is put.
type settableClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *settableClock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *settableClock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// eachBackend runs f on a fresh SQLite store and, when available, a fresh PostgreSQL database.
func eachBackend(t *testing.T, f func(t *testing.T, db *store.DB, dsn string)) {
	t.Helper()
	for _, b := range storetest.Backends(pg) {
		t.Run(b.Name, func(t *testing.T) {
			db, dsn, err := b.Open(t.Context(), t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			f(t, db, dsn)
		})
	}
	if pg == nil {
		t.Log("postgres back end skipped: " + storetest.ErrNoPostgres.Error())
	}
}

func ledgerGuard(t testing.TB, db *store.DB, clk clock.Clock, holder string) *Guard {
	t.Helper()
	g, err := NewGuard(Config{Ledger: db, Clock: clk, Holder: holder, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	return g
}
