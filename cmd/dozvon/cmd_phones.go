package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/dozvon/dozvon/compliance"
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
	switch sub {
	case "list":
		if err := fs.Parse(args[1:]); err != nil || fs.NArg() != 0 {
			fmt.Fprintln(e.stderr, usage)
			return 2
		}
	case "confirm-wrong", "restore":
		p, ok := parseWithArg(fs, args[1:])
		if !ok {
			fmt.Fprintln(e.stderr, usage)
			return 2
		}
		phoneArg = p
	default:
		fmt.Fprintln(e.stderr, usage)
		return 2
	}
	db, err := store.Open(ctx, storeDSN(e, *dsn))
	if err != nil {
		fmt.Fprintln(e.stderr, "dozvon phones:", err)
		return 1
	}
	defer db.Close()
	if sub == "list" {
		return phonesList(ctx, e, db, *all)
	}
	phone, err := compliance.NormalizePhone(phoneArg)
	if err != nil {
		fmt.Fprintln(e.stderr, "dozvon phones:", err)
		return 2
	}
	st, err := findQuarantined(ctx, db, phone, *debtor)
	if err != nil {
		fmt.Fprintln(e.stderr, "dozvon phones "+sub+":", err)
		return 1
	}
	now := time.Now()
	if sub == "confirm-wrong" {
		st.Status, st.Note, st.At = store.PhoneWrongConfirmed, "confirmed wrong by a person", now
		if err := db.SetPhoneStatus(ctx, st); err != nil {
			fmt.Fprintln(e.stderr, "dozvon phones confirm-wrong:", err)
			return 1
		}
		fmt.Fprintf(e.stdout, "%s of %s: confirmed wrong; stays excluded from calls\n", phone, st.DebtorID)
		return 0
	}
	n, err := db.EndBlocks(ctx, st.DebtorID, phone, "wrong_person", now)
	if err == nil {
		err = db.ClearPhoneStatus(ctx, st.DebtorID, phone)
	}
	if err != nil {
		fmt.Fprintln(e.stderr, "dozvon phones restore:", err)
		return 1
	}
	fmt.Fprintf(e.stdout, "%s of %s: restored (%d wrong_person block ended); a new sweep will call it again\n", phone, st.DebtorID, n)
	return 0
}

// findQuarantined finds the status of a quarantined (or confirmed wrong) number.
func findQuarantined(ctx context.Context, db *store.DB, phone, debtor string) (store.PhoneStatus, error) {
	sts, err := db.PhoneStatuses(ctx, "", phone)
	if err != nil {
		return store.PhoneStatus{}, err
	}
	var found []store.PhoneStatus
	for _, s := range sts {
		if (s.Status == store.PhoneQuarantined || s.Status == store.PhoneWrongConfirmed) && (debtor == "" || s.DebtorID == debtor) {
			found = append(found, s)
		}
	}
	switch len(found) {
	case 0:
		return store.PhoneStatus{}, errors.New(phone + " is not quarantined (see dozvon phones list)")
	case 1:
		return found[0], nil
	}
	return store.PhoneStatus{}, fmt.Errorf("%s is quarantined for %d debtors: name one with --debtor", phone, len(found))
}

func phonesList(ctx context.Context, e env, db *store.DB, all bool) int {
	status := store.PhoneQuarantined
	if all {
		status = ""
	}
	sts, err := db.PhoneStatuses(ctx, status, "")
	if err != nil {
		fmt.Fprintln(e.stderr, "dozvon phones list:", err)
		return 1
	}
	if len(sts) == 0 {
		fmt.Fprintln(e.stdout, "no numbers in quarantine")
		return 0
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "debtor\tname\tphone\tstatus\tsince\tnote")
	for _, s := range sts {
		name := ""
		if d, err := db.Debtor(ctx, s.DebtorID); err == nil {
			name = d.Name
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", s.DebtorID, name, s.Phone, s.Status, s.At.Format("2006-01-02 15:04"), s.Note)
	}
	tw.Flush()
	return 0
}
