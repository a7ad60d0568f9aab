package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/dozvon/dozvon/callflow"
	"github.com/dozvon/dozvon/clock"
	"github.com/dozvon/dozvon/compliance"
	"github.com/dozvon/dozvon/config"
	"github.com/dozvon/dozvon/loadtest"
	"github.com/dozvon/dozvon/portfolio"
	"github.com/dozvon/dozvon/report"
	"github.com/dozvon/dozvon/scheduler"
	"github.com/dozvon/dozvon/testcalls"
)

// cmdSweep runs a whole robot sweep over a portfolio:
//
//	dozvon sweep --portfolio FILE --script scripts/verify_contact.yaml [--channels N] [--out results.csv]
//	dozvon sweep --simulate [--debtors 1000] [--channels 50] …
//
// It imports the portfolio, creates a campaign with one task per debtor phone,
// and runs the scheduler (230-FZ guard, retries, callbacks) with a live
// progress line until nothing more falls due before the horizon. It ends with a
// results table, a CSV of results and a 230-FZ audit of the ledger. --simulate
// dials simulated debtor phones over loopback SIP (varied behaviours and time
// zones) on a simulated 230-FZ clock that jumps to the next due time when idle;
// without --portfolio it generates the debtors.
func cmdSweep(ctx context.Context, e env, args []string) int {
	fs := flag.NewFlagSet("sweep", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	file := fs.String("portfolio", "", "portfolio CSV (see dozvon import)")
	scriptPath := fs.String("script", "scripts/verify_contact.yaml", "dialogue script")
	channels := fs.Int("channels", 10, "simultaneous calls")
	cps := fs.Float64("cps", 0, "new calls per second (0: unlimited)")
	out := fs.String("out", "", "results CSV (default DIR/results.csv with --simulate, else sweep-results.csv)")
	cfgPath := fs.String("config", "", "config file (default dozvon.yaml if present)")
	campaignCfg := fs.String("campaign", "", "campaign settings JSON file (trunks, caller_ids, schedule, retry, priority, non_human, creditor)")
	horizon := fs.Duration("horizon", 12*time.Hour, "stop when nothing falls due sooner than this from the start")
	simulate := fs.Bool("simulate", false, "dial simulated debtor phones on loopback with a simulated 230-FZ clock")
	nDebtors := fs.Int("debtors", 60, "with --simulate and no --portfolio: how many debtors to generate")
	dir := fs.String("dir", "var/sweep", "with --simulate: where the database and recordings go (recreated)")
	verbose := fs.Bool("v", false, "log details to stderr")
	trunkChannels := fs.String("trunk-channels", "", "per-trunk channel limits: name=N,name=N")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *file == "" && !*simulate {
		fmt.Fprintln(e.stderr, "usage: dozvon sweep --portfolio FILE --script FILE [--channels N] [--simulate]")
		return 2
	}
	fail := e.fail("sweep", 1)
	cfg, err := config.Load(*cfgPath, e.getenv)
	if err != nil {
		return fail(err)
	}
	log := newLogger(e.stderr, logLevel(*verbose, slog.LevelError))
	camp := scheduler.Config{Script: *scriptPath, CPS: *cps}
	if *campaignCfg != "" {
		if camp, err = scheduler.ReadConfigFile(*campaignCfg, callflow.CheckCampaign); err != nil {
			return fail(err)
		}
		camp.Script = orDefault(camp.Script, *scriptPath)
	}
	creditor := orDefault(camp.Creditor, cfg.Creditor)
	if creditor == "" && !*simulate {
		// simulated phones hear the script's default; real debtors must hear who the creditor is (230-FZ art. 7)
		return fail(errors.New("no creditor configured: set creditor: in the config file or \"creditor\" in the campaign settings"))
	}
	var clk clock.Clock = clock.System{}
	if *simulate {
		if err := loopback(&cfg, *dir); err != nil {
			return fail(err)
		}
		cfg.SIP.Trunks = nil
		// Tuesday 24 Nov 2026, 05:00 UTC: 08:00 in Moscow, before the window in Kaliningrad, evening in Kamchatka.
		clk = clock.NewSim(time.Date(2026, 11, 24, 5, 0, 0, 0, time.UTC))
		if len(camp.CallerIDs) == 0 {
			camp.CallerIDs = []scheduler.CallerID{{Number: "74950000000", Region: "г. Москва"},
				{Number: "73830000000", Region: "Новосибирская область"}, {Number: "74230000000", Region: "Приморский край"}}
		}
		*out = orDefault(*out, filepath.Join(*dir, "results.csv"))
	}
	*out = orDefault(*out, "sweep-results.csv")
	if !*simulate && len(cfg.SIP.Trunks) == 0 {
		return fail(fmt.Errorf("no SIP trunk configured (sip.trunks in %s): numbers cannot be dialed; --simulate dials simulated phones", orDefault(*cfgPath, "dozvon.yaml")))
	}
	debtors, source, sim, err := sweepPortfolio(e.stdout, *file, *simulate, *nDebtors)
	if err != nil {
		return fail(err)
	}
	limits, err := callflow.ParseTrunkChannels(*trunkChannels)
	if err != nil {
		return fail(err)
	}
	// the config file's non-human reaction holds unless the campaign has its own
	rt, _, flow, err := wire(ctx, cfg, log, clk, limits)
	if err != nil {
		return fail(err)
	}
	defer rt.close()
	if err := portfolio.Save(ctx, rt.db, portfolio.Result{Debtors: debtors}, source); err != nil {
		return fail(err)
	}
	start := clk.Now()
	if err := flow.CheckCampaign(camp); err != nil {
		return fail(err)
	}
	dialer := &callflow.Dialer{Flow: flow, Vars: callflow.TaskVars(creditor), RingTimeout: 20 * time.Second}
	var expect map[string]string
	if *simulate {
		phones, err := rt.simPhones(ctx)
		if err != nil {
			return fail(err)
		}
		if dialer.Target, expect, err = loadtest.SweepPhones(ctx, rt.db, phones, sim, start); err != nil {
			return fail(err)
		}
		dialer.Recognizer, dialer.RingTimeout = rt.standIn(phones), 3*time.Second
		if cfg.ASR.Engine == "simulated" {
			fmt.Fprintln(e.stdout, simulatedASRNote)
		}
		fmt.Fprintf(e.stdout, "simulated debtor phones on loopback; 230-FZ clock starts %s and jumps when idle (calls run in real time); ASR: %s\n",
			start.In(compliance.DialogueZone("")).Format("Mon 2006-01-02 15:04 MST"), cfg.ASR.Engine)
	}

	pc, err := scheduler.CampaignFromPortfolio(ctx, rt.db, camp, source, debtors, start)
	if err != nil {
		return fail(err)
	}
	fmt.Fprintf(e.stdout, "campaign %s: %d debtors, %d tasks (one per phone), %d channels, script %s\n\n", pc.ID, len(debtors), pc.Tasks, *channels, camp.Script)
	prog := report.NewProgress(len(debtors))
	host, _ := os.Hostname()
	s, err := scheduler.New(scheduler.Options{Store: rt.db, Guard: rt.guard, Dialer: dialer, Clock: clk, Log: log, CheckConfig: flow.CheckCampaign,
		Holder: fmt.Sprintf("%s:%d", host, os.Getpid()), Channels: *channels, OnEvent: prog.Event})
	if err != nil {
		return fail(err)
	}
	prog.Watch(s)
	t0 := time.Now()
	stopProgress := prog.Live(e.stdout, t0)
	runErr := s.Run(ctx, start.Add(*horizon))
	stopProgress()
	wall := time.Since(t0)
	if runErr != nil && ctx.Err() == nil {
		return fail(runErr)
	}
	if ctx.Err() != nil {
		fmt.Fprintf(e.stdout, "\ninterrupted: campaign %s is in the store; the same command resumes it\n", pc.ID)
	}
	audit, err := rt.guard.Audit(ctx, rt.db, pc.Debtors)
	if err != nil {
		return fail(err)
	}
	if err := report.FinishSweep(ctx, e.stdout, rt.db, report.Finished{Campaign: pc.ID, Debtors: debtors, Expect: expect, CSV: *out, Audit: audit}); err != nil {
		return fail(err)
	}
	calls := prog.Calls()
	fmt.Fprintf(e.stdout, "\n%d calls in %.1fs wall time at %d channels: %.0f calls/min; 230-FZ clock now %s\n", calls, wall.Seconds(), *channels,
		float64(calls)/wall.Minutes(), clk.Now().In(compliance.DialogueZone("")).Format("Mon 15:04 MST"))
	fmt.Fprintf(e.stdout, "results: %s; database: %s\n", *out, strings.TrimPrefix(cfg.Store.DSN, "sqlite:"))
	return 0
}

// sweepPortfolio reads the portfolio file (printing its summary) or, without
// one, generates simulated debtors; with simulate every debtor gets simulated phones.
func sweepPortfolio(w io.Writer, file string, simulate bool, n int) ([]portfolio.Debtor, string, []testcalls.SimulatedDebtor, error) {
	if file == "" {
		sim := testcalls.SimulatedDebtors(n)
		debtors := make([]portfolio.Debtor, len(sim))
		for i, s := range sim {
			debtors[i] = s.Debtor
		}
		return debtors, "simulated", sim, nil
	}
	res, err := portfolio.ReadFile(file)
	if err != nil {
		return nil, "", nil, err
	}
	report.WritePortfolio(w, file, res)
	var sim []testcalls.SimulatedDebtor
	if simulate {
		sim = testcalls.SimulatePortfolio(res.Debtors)
	}
	return res.Debtors, filepath.Base(file), sim, nil
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
