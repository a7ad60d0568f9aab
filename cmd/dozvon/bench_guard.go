package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/dozvon/dozvon/loadtest"
	"github.com/dozvon/dozvon/store"
	"github.com/dozvon/dozvon/store/storetest"
)

// benchGuard wires `bench guard`: the 230-FZ ledger's decisions per second
// on a fresh SQLite file, a given database, or a throwaway PostgreSQL
// server from the Debian package (the same one the store's tests start).
func benchGuard(ctx context.Context, e env, args []string) int {
	o, err := loadtest.ParseGuardArgs(args, e.stderr)
	switch {
	case errors.Is(err, flag.ErrHelp):
		return 2
	case err != nil:
		fmt.Fprintf(e.stderr, "dozvon: %v\n", err)
		return 2
	}
	fail := e.fail("bench guard", 1)
	dsn := o.DSN
	if dsn == "" && o.Backend == "sqlite" {
		dir, err := os.MkdirTemp("", "dozvon-guardbench-")
		if err != nil {
			return fail(err)
		}
		defer os.RemoveAll(dir)
		dsn = "sqlite:" + filepath.Join(dir, "dozvon.db")
	}
	if dsn == "" {
		pg, err := storetest.StartPostgres(ctx)
		if err != nil {
			return fail(err)
		}
		defer pg.Stop()
		if dsn, err = pg.NewDatabase(ctx); err != nil {
			return fail(err)
		}
		fmt.Fprintln(e.stderr, "bench guard: a throwaway PostgreSQL server (fsync off, as in the store's tests); pass --dsn for a real one")
	}
	if isPostgres := strings.HasPrefix(dsn, "postgres"); isPostgres != (o.Backend == "postgres") {
		return fail(fmt.Errorf("--dsn names another back end than --backend %s", o.Backend))
	}
	open := func(ctx context.Context) (*store.DB, error) { return store.Open(ctx, dsn) }
	res, err := loadtest.RunGuard(ctx, o, open, e.stderr)
	if err != nil {
		return fail(err)
	}
	if err := loadtest.ReportGuard(e.stdout, o, res); err != nil {
		return fail(err)
	}
	if res.Violations > 0 {
		return 1
	}
	return 0
}
