package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/dozvon/dozvon/portfolio"
	"github.com/dozvon/dozvon/report"
	"github.com/dozvon/dozvon/store"
)

// cmdImport reads a portfolio CSV and stores its debtors and phones:
//
//	dozvon import FILE [--dry-run] [--json] [--db DSN]
//
// Rejected rows are listed with their line numbers; they never stop the import.
// --json prints {"rows","accepted","debtors","phones","rejected":[{"line","reason"}]}.
func cmdImport(ctx context.Context, e env, args []string) int {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	dry := fs.Bool("dry-run", false, "parse and report, store nothing")
	asJSON := fs.Bool("json", false, "print the summary as JSON")
	dsn := fs.String("db", "", "store DSN: sqlite:PATH or postgres://… (default $DOZVON_DB or "+store.DefaultDSN+")")
	file, ok := parseWithArg(fs, args)
	if !ok {
		fmt.Fprintln(e.stderr, "usage: dozvon import FILE [--dry-run] [--json] [--db DSN]")
		return 2
	}
	fail := e.fail("import", 1)
	start := time.Now()
	res, err := portfolio.ReadFile(file)
	if err != nil {
		return fail(err)
	}
	parsed := time.Since(start)
	if !*dry {
		db, err := store.Open(ctx, store.DSNFrom(*dsn, e.getenv))
		if err != nil {
			return fail(err)
		}
		err = portfolio.Save(ctx, db, res, filepath.Base(file))
		db.Close()
		if err != nil {
			return fail(err)
		}
	}
	return fail(emit(e.stdout, *asJSON, res.Summary(), func(w io.Writer) error {
		report.WriteImport(w, file, res, *dry, parsed)
		return nil
	}))
}

// parseWithArg parses flags given before or after one positional argument.
func parseWithArg(fs *flag.FlagSet, args []string) (string, bool) {
	pos, err := parseInterleaved(fs, args)
	if err != nil || len(pos) != 1 {
		return "", false
	}
	return pos[0], true
}
