package main

import (
	"context"
	"errors"
	"flag"
	"fmt"

	"github.com/dozvon/dozvon/config"
	"github.com/dozvon/dozvon/store"
)

// backupDSN is the store to back up: --db, else $DOZVON_DB, else the
// config's store.dsn (the store serve uses).
func backupDSN(flagDSN, cfgPath string, getenv func(string) string) (string, error) {
	for _, d := range []string{flagDSN, getenv("DOZVON_DB")} {
		if d != "" {
			return d, nil
		}
	}
	cfg, err := config.Load(cfgPath, getenv)
	return cfg.Store.DSN, err
}

// cmdBackup copies the store into a new file while the service runs:
//
//	dozvon backup [--db DSN | --config FILE] PATH
//
// SQLite: VACUUM INTO PATH (a consistent, compacted snapshot; restore by
// pointing store.dsn at it, or copying it over the stopped store's file).
// PostgreSQL: dozvon does not dump the server itself; it prints the
// pg_dump and pg_restore commands and exits 1 (no file was made).
func cmdBackup(ctx context.Context, e env, args []string) int {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	dsn := fs.String("db", "", "store DSN (default $DOZVON_DB, else the config's store.dsn)")
	cfgPath := fs.String("config", "", "config file (default dozvon.yaml if present)")
	pos, err := parseInterleaved(fs, args)
	if err != nil || len(pos) != 1 {
		fmt.Fprintln(e.stderr, "usage: dozvon backup [--db DSN | --config FILE] PATH")
		return 2
	}
	fail := e.fail("backup", 1)
	d, err := backupDSN(*dsn, *cfgPath, e.getenv)
	if err != nil {
		return e.fail("backup", 2)(err)
	}
	db, err := store.Open(ctx, d)
	if err != nil {
		return fail(err)
	}
	defer db.Close()
	err = db.Backup(ctx, pos[0])
	if errors.Is(err, store.ErrBackupExternal) {
		fmt.Fprintf(e.stdout, "PostgreSQL store: back it up with the server's tools (password through PGPASSWORD or ~/.pgpass):\n  %s\nrestore into an empty database:\n  %s\n",
			store.PGDumpCommand(d, pos[0]), store.PGRestoreCommand(d, pos[0]))
	}
	if err != nil {
		return fail(err)
	}
	fmt.Fprintf(e.stdout, "backup written: %s\n", pos[0])
	return 0
}
