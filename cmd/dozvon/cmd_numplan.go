package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/dozvon/dozvon/compliance"
	"github.com/dozvon/dozvon/phonenum"
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
	d := storeDSN(e, *dsn)
	switch args[0] {
	case "import":
		return numplanImport(ctx, e, d, fs.Args())
	default:
		return numplanLookup(ctx, e, d, fs.Args())
	}
}

// storeDSN picks the store: the flag, then $DOZVON_DB, then the embedded default.
func storeDSN(e env, flagValue string) string {
	if flagValue != "" {
		return flagValue
	}
	if v := e.getenv("DOZVON_DB"); v != "" {
		return v
	}
	return store.DefaultDSN
}

func numplanImport(ctx context.Context, e env, dsn string, files []string) int {
	// Parse everything first: a bad file changes nothing.
	parsed := make([][]compliance.Range, len(files))
	var all []compliance.Range
	for i, f := range files {
		rs, err := parseNumplanFile(f)
		if err != nil {
			fmt.Fprintln(e.stderr, "dozvon numplan:", err)
			return 2
		}
		parsed[i] = rs
		all = append(all, rs...)
	}
	if _, err := compliance.NewPlan(all); err != nil {
		fmt.Fprintln(e.stderr, "dozvon numplan:", err)
		return 2
	}
	db, err := store.Open(ctx, dsn)
	if err != nil {
		fmt.Fprintln(e.stderr, "dozvon numplan:", err)
		return 1
	}
	defer db.Close()
	for i, f := range files {
		t0 := time.Now()
		if err := db.ReplaceNumplan(ctx, filepath.Base(f), compliance.StoreRanges(parsed[i])); err != nil {
			fmt.Fprintln(e.stderr, "dozvon numplan:", err)
			return 1
		}
		fmt.Fprintf(e.stdout, "%s: %d ranges imported in %v\n", f, len(parsed[i]), time.Since(t0).Round(time.Millisecond))
	}
	return 0
}

func numplanLookup(ctx context.Context, e env, dsn string, numbers []string) int {
	plan, err := storedPlan(ctx, dsn)
	if err != nil {
		fmt.Fprintln(e.stderr, "dozvon numplan:", err)
		return 1
	}
	if plan == nil || plan.Len() == 0 {
		fmt.Fprintln(e.stderr, "dozvon numplan: the store has no numbering plan: run dozvon numplan import DEF-9xx.csv first")
		return 1
	}
	code := 0
	for _, n := range numbers {
		p, err := phonenum.ParseRussian(n)
		if err != nil {
			fmt.Fprintln(e.stderr, "dozvon numplan:", err)
			code = 2
			continue
		}
		r, loc, ok := plan.Lookup(p)
		if !ok {
			fmt.Fprintf(e.stdout, "%s\tnot in the numbering plan\n", p)
			code = max(code, 1)
			continue
		}
		fmt.Fprintf(e.stdout, "%s\tregion=%s\toperator=%s\tzone=%s\trange=%d-%d\n", p, r.Region, r.Operator, zoneLabel(loc), r.From, r.To)
	}
	return code
}

func zoneLabel(loc compliance.Location) string {
	if loc.Unknown {
		return "unknown (all Russian zones)"
	}
	var parts []string
	for _, z := range loc.Zones {
		l, err := time.LoadLocation(z)
		if err != nil {
			parts = append(parts, z)
			continue
		}
		parts = append(parts, z+" ("+time.Now().In(l).Format("UTC-07:00")+")")
	}
	return strings.Join(parts, ", ")
}

// storedPlan loads the numbering plan from the store. For an SQLite store that
// does not exist yet it returns nil without creating one.
func storedPlan(ctx context.Context, dsn string) (*compliance.Plan, error) {
	if path, ok := strings.CutPrefix(dsn, "sqlite:"); ok {
		if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
			return nil, nil
		}
	}
	db, err := store.Open(ctx, dsn)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	rs, err := db.NumRanges(ctx)
	if err != nil {
		return nil, err
	}
	return compliance.PlanFromStore(rs)
}
