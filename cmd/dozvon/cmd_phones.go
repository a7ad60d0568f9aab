package main

import (
	"context"
	"flag"
	"fmt"
	"time"

	"github.com/dozvon/dozvon/compliance"
	"github.com/dozvon/dozvon/report"
	"github.com/dozvon/dozvon/store"
)

// cmdPhones reviews numbers the robot quarantined (a wrong person answered):
//
//	dozvon phones list [--all] [--db DSN]            quarantined numbers (--all: every status)
//	dozvon phones confirm-wrong PHONE [--debtor ID]  a person checked it: it stays excluded for good
//	dozvon phones restore PHONE [--debtor ID]        it does reach the debtor after all: calls allowed again
//
// A quarantined number carries a wrong_person block in the 230-FZ guard;
// restore ends that block (the history stays) and forgets the status.
func cmdPhones(ctx context.Context, e env, args []string) int {
	const usage = "usage: dozvon phones list [--all] | confirm-wrong PHONE [--debtor ID] | restore PHONE [--debtor ID]  [--db DSN]"
	if len(args) == 0 {
		fmt.Fprintln(e.stderr, usage)
		return 2
	}
	sub := args[0]
	fs := flag.NewFlagSet("phones "+sub, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	dsn := fs.String("db", "", "store DSN: sqlite:PATH or postgres://… (default $DOZVON_DB or "+store.DefaultDSN+")")
	all := fs.Bool("all", false, "list: every status, not only quarantined")
	debtor := fs.String("debtor", "", "the debtor, when the number belongs to several")
	var phoneArg string
	ok := false
	switch sub {
	case "list":
		ok = fs.Parse(args[1:]) == nil && fs.NArg() == 0
	case "confirm-wrong", "restore":
		phoneArg, ok = parseWithArg(fs, args[1:])
	}
	if !ok {
		fmt.Fprintln(e.stderr, usage)
		return 2
	}
	db, err := store.Open(ctx, store.DSNFrom(*dsn, e.getenv))
	if err != nil {
		return e.fail("phones", 1)(err)
	}
	defer db.Close()
	if sub == "list" {
		status := store.PhoneQuarantined
		if *all {
			status = ""
		}
		sts, err := db.PhoneStatuses(ctx, status, "")
		if err == nil {
			err = report.WritePhones(e.stdout, sts, func(id string) string { d, _ := db.Debtor(ctx, id); return d.Name })
		}
		if err != nil {
			return e.fail("phones list", 1)(err)
		}
		return 0
	}
	phone, err := compliance.NormalizePhone(phoneArg)
	if err != nil {
		return e.fail("phones", 2)(err)
	}
	fail := e.fail("phones "+sub, 1)
	st, err := db.FindQuarantined(ctx, phone, *debtor)
	if err != nil {
		return fail(err)
	}
	if sub == "confirm-wrong" {
		if err := db.ConfirmWrong(ctx, st, time.Now()); err != nil {
			return fail(err)
		}
		fmt.Fprintf(e.stdout, "%s of %s: confirmed wrong; stays excluded from calls\n", phone, st.DebtorID)
		return 0
	}
	n, err := db.RestorePhone(ctx, st, time.Now())
	if err != nil {
		return fail(err)
	}
	fmt.Fprintf(e.stdout, "%s of %s: restored (%d wrong_person block ended); a new sweep will call it again\n", phone, st.DebtorID, n)
	return 0
}
