package main

import (
	"context"
	"errors"
	"flag"
	"fmt"

	"github.com/dozvon/dozvon/report"
	"github.com/dozvon/dozvon/store"
)

// cmdReport writes a campaign's unified report (funnel, outcomes by hour
// and zone, 230-FZ denials, first phrases, trunks and cost, every call):
//
//	dozvon report --campaign ID|last [--html FILE] [--xlsx FILE] [--csv FILE] [--db DSN]
//
// With no file named, the CSV goes to stdout. "last" is the campaign created
// last (the demo's: dozvon report --campaign last --db sqlite:var/sweep/dozvon.db).
func cmdReport(ctx context.Context, e env, args []string) int {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	id := fs.String("campaign", "", "the campaign's ID, or last")
	htmlPath := fs.String("html", "", "write the report page (charts inline) to FILE")
	xlsxPath := fs.String("xlsx", "", "write the workbook (summary, calls, denials) to FILE")
	csvPath := fs.String("csv", "", "write one line per call to FILE")
	dsn := fs.String("db", "", "store DSN: sqlite:PATH or postgres://… (default $DOZVON_DB or "+store.DefaultDSN+")")
	if err := fs.Parse(args); err != nil || *id == "" || fs.NArg() > 0 {
		fmt.Fprintln(e.stderr, "usage: dozvon report --campaign ID|last [--html FILE] [--xlsx FILE] [--csv FILE] [--db DSN]")
		return 2
	}
	fail := e.fail("report", 1)
	db, err := store.Open(ctx, store.DSNFrom(*dsn, e.getenv))
	if err != nil {
		return fail(err)
	}
	defer db.Close()
	if *id == "last" {
		cs, err := db.Campaigns(ctx, "")
		if err != nil {
			return fail(err)
		}
		if len(cs) == 0 {
			return fail(errors.New("--campaign last: the store has no campaign"))
		}
		*id = cs[len(cs)-1].ID
	}
	r, err := report.BuildCampaign(ctx, db, *id, report.CampaignOptions{})
	if errors.Is(err, store.ErrNotFound) {
		return fail(fmt.Errorf("--campaign %s: no such campaign", *id))
	}
	if err != nil {
		return fail(err)
	}
	if *htmlPath == "" && *xlsxPath == "" && *csvPath == "" {
		if err := report.WriteCampaignCSV(e.stdout, r); err != nil {
			return fail(err)
		}
		return 0
	}
	if err := report.SaveCampaign(r, *htmlPath, *xlsxPath, *csvPath); err != nil {
		return fail(err)
	}
	fmt.Fprintf(e.stdout, "campaign %s: %d debtors, %d calls, %d 230-FZ denials\n", r.ID, r.Debtors, r.Total.Calls, r.DenialsTotal)
	for _, p := range []string{*htmlPath, *xlsxPath, *csvPath} {
		if p != "" {
			fmt.Fprintln(e.stdout, "wrote", p)
		}
	}
	return 0
}
