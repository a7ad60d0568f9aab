package main

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/dozvon/dozvon/store"
)

// cmdDebtor shows and corrects which debtor records are one person (the
// 230-FZ limits count per person and per number; docs/PERSONS.md):
//
//	dozvon debtor show ID [--db DSN]                       the person of a record and all of its records
//	dozvon debtor split ID --note TEXT [--db DSN]           the record is someone else: a person of its own
//	dozvon debtor merge ID --into OTHER --note TEXT [--db DSN]  the records are one person
//
// A split or merge is set by hand (no import undoes it) and audited under
// every moved record with the note; the shared past stays counted on both.
func cmdDebtor(ctx context.Context, e env, args []string) int {
	fs := flag.NewFlagSet("debtor", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	dsn := fs.String("db", "", "store DSN: sqlite:PATH or postgres://… (default $DOZVON_DB or "+store.DefaultDSN+")")
	note := fs.String("note", "", "split, merge: why (kept in the audit log)")
	into := fs.String("into", "", "merge: a record of the person to join")
	pos, err := parseInterleaved(fs, args)
	var sub, id string
	if err == nil && len(pos) == 2 {
		sub, id = pos[0], pos[1]
	}
	if problem := debtorUsage(sub, *note, *into); problem != "" {
		fmt.Fprintln(e.stderr, problem)
		return 2
	}
	fail := e.fail("debtor", 1)
	db, err := store.Open(ctx, store.DSNFrom(*dsn, e.getenv))
	if err != nil {
		return fail(err)
	}
	defer db.Close()
	var ch store.PersonChange
	switch sub {
	case "split":
		ch, err = db.SplitPerson(ctx, id, *note, time.Now())
	case "merge":
		ch, err = db.MergePersons(ctx, id, *into, *note, time.Now())
	}
	if err != nil {
		return fail(err)
	}
	if sub != "show" {
		fmt.Fprintf(e.stdout, "%s: moved %s from person %s to %s (audited)\n", sub, strings.Join(ch.Debtors, ", "), ch.From, ch.To)
	}
	p, err := db.PersonOf(ctx, id)
	if err != nil {
		return fail(err)
	}
	how := "merged at import"
	if p.Manual {
		how = "set by hand"
	}
	fmt.Fprintf(e.stdout, "person %s (%s): %s\n", p.ID, how, strings.Join(p.Debtors, ", "))
	return 0
}

// debtorUsage says what is wrong with a debtor command line ("" for nothing).
func debtorUsage(sub, note, into string) string {
	switch {
	case sub != "show" && sub != "split" && sub != "merge":
		return "usage: dozvon debtor show ID | split ID --note TEXT | merge ID --into OTHER --note TEXT  [--db DSN]"
	case sub != "show" && strings.TrimSpace(note) == "":
		return "debtor " + sub + ": --note is required: the audit log must say why"
	case sub == "merge" && into == "":
		return "debtor merge: --into is required"
	}
	return ""
}
