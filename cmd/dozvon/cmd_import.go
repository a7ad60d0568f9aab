package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/dozvon/dozvon/portfolio"
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
	start := time.Now()
	f, err := os.Open(file)
	if err != nil {
		fmt.Fprintln(e.stderr, "dozvon import:", err)
		return 1
	}
	res, err := portfolio.Parse(f, filepath.Base(file))
	f.Close()
	if err != nil {
		fmt.Fprintln(e.stderr, "dozvon import:", err)
		return 1
	}
	parsed := time.Since(start)
	if !*dry {
		db, err := store.Open(ctx, storeDSN(e, *dsn))
		if err != nil {
			fmt.Fprintln(e.stderr, "dozvon import:", err)
			return 1
		}
		err = portfolio.Save(ctx, db, res, filepath.Base(file))
		db.Close()
		if err != nil {
			fmt.Fprintln(e.stderr, "dozvon import:", err)
			return 1
		}
	}
	sum := res.Summary()
	if *asJSON {
		b, _ := json.Marshal(sum)
		fmt.Fprintln(e.stdout, string(b))
		return 0
	}
	verb := "imported"
	if *dry {
		verb = "dry run, nothing stored"
	}
	fmt.Fprintf(e.stdout, "%s (%s, separator %q): %d rows, %d accepted, %d rejected → %d debtors, %d phones; %s (parsed in %v)\n",
		file, res.Encoding, res.Separator, sum.Rows, sum.Accepted, len(sum.Rejected), sum.Debtors, sum.Phones, verb, parsed.Round(time.Millisecond))
	for _, r := range res.Rejected {
		fmt.Fprintf(e.stdout, "  line %d: rejected: %s\n", r.Line, r.Reason)
	}
	for _, w := range res.Warnings {
		fmt.Fprintf(e.stdout, "  line %d: note: %s\n", w.Line, w.Reason)
	}
	return 0
}

// parseWithArg parses flags given before or after one positional argument.
func parseWithArg(fs *flag.FlagSet, args []string) (string, bool) {
	if err := fs.Parse(args); err != nil || fs.NArg() == 0 {
		return "", false
	}
	arg := fs.Arg(0)
	if err := fs.Parse(fs.Args()[1:]); err != nil || fs.NArg() != 0 {
		return "", false
	}
	return arg, true
}
