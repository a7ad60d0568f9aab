package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/dozvon/dozvon/compliance"
	"github.com/dozvon/dozvon/config"
	"github.com/dozvon/dozvon/messages"
	"github.com/dozvon/dozvon/store"
)

// cmdMessage sends SMS and e-mail through the 230-FZ guard:
//
//	dozvon message send --debtor ID --template NAME [--channel sms|email] [--json]
//	dozvon message list [--debtor ID] [--json]
//	dozvon message email --debtor ID ADDRESS [--confirmed]    record a debtor's e-mail address
//	dozvon message templates                                   the templates and whom they may reach
//
// Templates and senders come from the messages section of the config
// (--config, default dozvon.yaml); the store from --db, $DOZVON_DB or the config.
func cmdMessage(ctx context.Context, e env, args []string) int {
	const usage = "usage: dozvon message send --debtor ID --template NAME [--channel sms|email] | list [--debtor ID] | email --debtor ID ADDRESS [--confirmed] | templates  [--config FILE] [--db DSN] [--json]"
	if len(args) == 0 {
		fmt.Fprintln(e.stderr, usage)
		return 2
	}
	sub := args[0]
	fs := flag.NewFlagSet("message "+sub, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	cfgPath := fs.String("config", "", "config file (default dozvon.yaml if present)")
	dsn := fs.String("db", "", "store DSN (default $DOZVON_DB, else the config's store.dsn)")
	debtor := fs.String("debtor", "", "the debtor's id")
	tmpl := fs.String("template", "", "send: the template's name (dozvon message templates)")
	channel := fs.String("channel", "", "send: sms or email (default: the template's first channel)")
	confirmed := fs.Bool("confirmed", false, "email: the debtor confirmed the address is theirs")
	asJSON := fs.Bool("json", false, "print JSON")
	var arg string
	ok := false
	switch sub {
	case "send", "list", "templates":
		ok = fs.Parse(args[1:]) == nil && fs.NArg() == 0
	case "email":
		arg, ok = parseWithArg(fs, args[1:])
	}
	if !ok || (sub == "send" && (*debtor == "" || *tmpl == "")) || (sub == "email" && *debtor == "") {
		fmt.Fprintln(e.stderr, usage)
		return 2
	}
	fail := e.fail("message "+sub, 1)
	cfg, err := config.Load(*cfgPath, e.getenv)
	if err != nil {
		return fail(err)
	}
	if sub == "templates" {
		set, err := cfg.Messages.LoadTemplates()
		if err != nil {
			return fail(err)
		}
		return fail(printTemplates(e.stdout, set, *asJSON))
	}
	var ch messages.Channel
	if *channel != "" {
		if ch, err = messages.ParseChannel(*channel); err != nil {
			return e.fail("message send", 2)(err)
		}
	}
	if *dsn == "" {
		*dsn = e.getenv("DOZVON_DB")
	}
	if *dsn == "" {
		*dsn = cfg.Store.DSN
	}
	db, err := store.Open(ctx, *dsn)
	if err != nil {
		return fail(err)
	}
	defer db.Close()
	switch sub {
	case "email":
		addr, err := compliance.NormalizeAddress(arg)
		if err != nil {
			return e.fail("message email", 2)(err)
		}
		if _, err := db.Debtor(ctx, *debtor); err != nil {
			return fail(err)
		}
		return fail(db.SetDebtorEmail(ctx, store.DebtorEmail{DebtorID: *debtor, Address: addr, Confirmed: *confirmed, At: time.Now()}))
	case "list":
		ms, err := db.Messages(ctx, store.MessageFilter{DebtorID: *debtor})
		if err != nil {
			return fail(err)
		}
		return fail(emit(e.stdout, *asJSON, ms, func(w io.Writer) error { return printMessages(w, ms) }))
	}
	log := newLogger(e.stderr, logLevel(false, 0))
	g, err := compliance.NewGuard(compliance.Config{Ledger: db, Logger: log})
	if err != nil {
		return fail(err)
	}
	svc, err := cfg.Messages.Build(g, db, nil, log, cfg.Creditor)
	if err != nil {
		return fail(err)
	}
	res, err := svc.Send(ctx, messages.Request{DebtorID: *debtor, Template: *tmpl, Channel: ch, Source: "cli"})
	if res.ID != "" {
		_ = emit(e.stdout, *asJSON, res, func(w io.Writer) error {
			_, err := fmt.Fprintf(w, "message %s: %s by %s to %s%s\n", res.ID, res.Status, res.Channel, res.Recipient, nextAllowed(res))
			return err
		})
	}
	if errors.Is(err, messages.ErrDenied) || errors.Is(err, messages.ErrDisclosure) || errors.Is(err, messages.ErrNoRecipient) {
		return e.fail("message send", 3)(err) // refused: stored, nothing sent
	}
	return fail(err)
}

func nextAllowed(r messages.Result) string {
	if !r.Asked || r.Decision.Allowed || r.Decision.NextAllowedAt.IsZero() {
		return ""
	}
	return fmt.Sprintf(" (%s; next allowed %s local)", r.Decision.Reason, r.Decision.NextAllowedLocal.Format("2006-01-02 15:04"))
}

func printMessages(w io.Writer, ms []store.Message) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tDEBTOR\tCHANNEL\tTEMPLATE\tTO\tSTATUS\tREASON\tAT")
	for _, m := range ms {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", m.ID, m.DebtorID, m.Channel, m.Template, m.Recipient, m.Status, m.Reason, m.Created.Format(time.RFC3339))
	}
	return tw.Flush()
}

func printTemplates(w io.Writer, set *messages.Set, asJSON bool) error {
	type row struct {
		Name     string             `json:"name"`
		Audience messages.Audience  `json:"audience"`
		Channels []messages.Channel `json:"channels"`
	}
	var rows []row
	for _, n := range set.Names() {
		t, _ := set.Get(n)
		rows = append(rows, row{n, t.Audience, t.Channels})
	}
	return emit(w, asJSON, rows, func(w io.Writer) error {
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "TEMPLATE\tAUDIENCE\tCHANNELS")
		for _, r := range rows {
			fmt.Fprintf(tw, "%s\t%s\t%v\n", r.Name, r.Audience, r.Channels)
		}
		return tw.Flush()
	})
}
