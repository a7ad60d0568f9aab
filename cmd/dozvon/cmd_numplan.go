package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"path/filepath"
	"time"

	"github.com/dozvon/dozvon/compliance"
	"github.com/dozvon/dozvon/phonenum"
	"github.com/dozvon/dozvon/report"
	"github.com/dozvon/dozvon/store"
)

// cmdNumplan manages the numbering plan kept in the store:
//
//	dozvon numplan import [--db DSN] FILE...   load Минцифры registry files (ABC-*.csv, DEF-9xx.csv)
//	dozvon numplan lookup [--db DSN] +7...     print range, operator, region and time zone
//
// DSN defaults to $DOZVON_DB, else sqlite:var/dozvon.db.
func cmdNumplan(ctx context.Context, e env, args []string) int {
	const usage = "usage: dozvon numplan import [--db DSN] FILE... | dozvon numplan lookup [--db DSN] +7..."
	if len(args) == 0 || (args[0] != "import" && args[0] != "lookup") {
		fmt.Fprintln(e.stderr, usage)
		return 2
	}
	fs := flag.NewFlagSet("numplan "+args[0], flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	dsn := fs.String("db", "", "store DSN: sqlite:PATH or postgres://… (default $DOZVON_DB or "+store.DefaultDSN+")")
	if err := fs.Parse(args[1:]); err != nil {
		return 2
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(e.stderr, usage)
		return 2
	}
	d := store.DSNFrom(*dsn, e.getenv)
	switch args[0] {
	case "import":
		return numplanImport(ctx, e, d, fs.Args())
	default:
		return numplanLookup(ctx, e, d, fs.Args())
	}
}

func numplanImport(ctx context.Context, e env, dsn string, files []string) int {
	// Parse everything first: a bad file changes nothing.
	parsed, err := compliance.ReadNumplanFiles(files)
	if err != nil {
		return e.fail("numplan", 2)(err)
	}
	fail := e.fail("numplan", 1)
	db, err := store.Open(ctx, dsn)
	if err != nil {
		return fail(err)
	}
	defer db.Close()
	for i, f := range files {
		t0 := time.Now()
		if err := db.ReplaceNumplan(ctx, filepath.Base(f), compliance.StoreRanges(parsed[i])); err != nil {
			return fail(err)
		}
		fmt.Fprintf(e.stdout, "%s: %d ranges imported in %v\n", f, len(parsed[i]), time.Since(t0).Round(time.Millisecond))
	}
	return 0
}

func numplanLookup(ctx context.Context, e env, dsn string, numbers []string) int {
	plan, err := compliance.StoredPlan(ctx, dsn)
	if err != nil {
		return e.fail("numplan", 1)(err)
	}
	if plan == nil || plan.Len() == 0 {
		return e.fail("numplan", 1)(errors.New("the store has no numbering plan: run dozvon numplan import DEF-9xx.csv first"))
	}
	code := 0
	for _, n := range numbers {
		p, err := phonenum.Parse(n) // a foreign number is looked up too: the plan places it nowhere
		if err != nil {
			code = e.fail("numplan", 2)(err)
			continue
		}
		if !report.WriteLookup(e.stdout, plan, p, time.Now()) {
			code = max(code, 1)
		}
	}
	return code
}
