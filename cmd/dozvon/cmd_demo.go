package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/dozvon/dozvon/asr/vosk"
	"github.com/dozvon/dozvon/callflow"
	"github.com/dozvon/dozvon/clock"
	"github.com/dozvon/dozvon/compliance"
	"github.com/dozvon/dozvon/config"
	"github.com/dozvon/dozvon/loadtest"
	"github.com/dozvon/dozvon/report"
	"github.com/dozvon/dozvon/scripts"
	"github.com/dozvon/dozvon/telephony"
	"github.com/dozvon/dozvon/testcalls"
)

// simulatedASRNote says what stands in for recognition without a Vosk model.
const simulatedASRNote = "ASR: simulated — no Vosk model; set VOSK_MODEL or run make model (the simulated phones' planned text stands in for recognition of the speech segments the robot's VAD detects)"

// demoAt fixes "now" for the 230-FZ guard of `demo calls` at a lawful
// moment for most of the country (Tuesday 24 Nov 2026, 11:00 in Moscow), so
// the demo shows the same decisions whenever it runs. Media and SIP use the
// real clock.
func demoAt() time.Time { return time.Date(2026, 11, 24, 8, 0, 0, 0, time.UTC) }

// cmdDemo is the README's run command. By default it runs the main job — a
// robot sweep of a generated portfolio against simulated debtor phones (see
// dozvon sweep --simulate) — and prints progress, results and the 230-FZ
// audit. `dozvon demo calls` instead places one call per behaviour and shows
// every transcript.
func cmdDemo(ctx context.Context, e env, args []string) int {
	if len(args) > 0 && args[0] == "calls" {
		return demoCalls(ctx, e, args[1:])
	}
	fmt.Fprintln(e.stdout, "dozvon demo: a robot sweep of 40 generated debtors over loopback SIP (dozvon demo calls: one call per behaviour, with transcripts)")
	return cmdSweep(ctx, e, append([]string{"--simulate", "--debtors", "40", "--channels", "20"}, args...))
}

func demoCalls(ctx context.Context, e env, args []string) int {
	fs := flag.NewFlagSet("demo calls", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	channels := fs.Int("channels", 6, "calls in parallel")
	dir := fs.String("dir", "var/demo", "where the demo keeps its database and recordings (recreated)")
	scriptPath := fs.String("script", "scripts/verify_contact.yaml", "dialogue script")
	cfgPath := fs.String("config", "", "config file (default dozvon.yaml if present)")
	verbose := fs.Bool("v", false, "log details to stderr")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	fail := e.fail("demo", 2)
	cfg, err := config.Load(*cfgPath, e.getenv)
	if err != nil {
		return fail(err)
	}
	log := newLogger(e.stderr, logLevel(*verbose, slog.LevelWarn))
	if err := loopback(&cfg, *dir); err != nil {
		return fail(err)
	}
	fmt.Fprintln(e.stdout, map[string]string{"simulated": simulatedASRNote, "dtmf": "ASR: keypad only (dtmf)", "vosk": "ASR: Vosk"}[cfg.ASR.Engine])
	sc, err := scripts.Load(*scriptPath)
	if err != nil {
		return fail(err)
	}
	rt, ua, flow, phones, err := wireSim(ctx, cfg, log, clock.Fixed(demoAt()))
	if err != nil {
		return fail(err)
	}
	defer rt.close()
	debtors := testcalls.SimulatedPhones()
	if err := loadtest.SeedPhones(ctx, rt.db, debtors, demoAt(), log); err != nil {
		return fail(err)
	}
	fmt.Fprintf(e.stdout, "demo: %d simulated debtor phones on %s, robot on %s, script %s %s, %d channels\n",
		len(debtors), strings.TrimPrefix(phones.Phone("probe", testcalls.Behaviour{Reject: 404}), "sip:probe@"), ua.Addr(), sc.Name, sc.VersionString(), *channels)
	fmt.Fprintf(e.stdout, "230-FZ clock: %s (fixed for the demo; calls and audio are real-time)\n\n", demoAt().In(compliance.DialogueZone("")).Format("Mon 2006-01-02 15:04 MST"))

	reqs := make([]callflow.Request, len(debtors))
	for i, d := range debtors {
		reqs[i] = callflow.Request{To: phones.Phone(d.Phone, d.Behaviour), ScriptDoc: sc, Location: compliance.DialogueZone(d.Region),
			RingTimeout: 5 * time.Second, Recognizer: rt.standIn(phones), DebtorID: d.ID, Region: d.Region, CallerID: "74950000000",
			Vars: callflow.Vars(cfg.Creditor, d.Name, d.First)}
	}
	start := time.Now()
	reps := loadtest.PlaceAll(ctx, flow, reqs, *channels, func(i int, rep callflow.Report) {
		fmt.Fprintf(e.stdout, "  done %-16s %s\n", compliance.MaskPhone(debtors[i].Phone), report.CallResult(rep))
	})
	fmt.Fprintf(e.stdout, "\nall %d calls done in %.1fs\n\n", len(debtors), time.Since(start).Seconds())
	rows := make([]report.CallRow, len(debtors))
	for i, d := range debtors {
		rows[i] = report.CallRow{Phone: d.Phone, What: d.What, Report: reps[i]}
	}
	report.WriteCallsAndTranscripts(e.stdout, rows, "identified", "callback")
	fmt.Fprintf(e.stdout, "\ndatabase: %s; recordings: %s\n", strings.TrimPrefix(cfg.Store.DSN, "sqlite:"), cfg.SIP.RecordDir)
	return 0
}

// loopback points cfg at a fresh simulation in dir (recreated): the store
// and recordings there, SIP on loopback, and the simulated phones' planned
// text standing in for recognition when no Vosk model is found.
func loopback(cfg *config.Config, dir string) error {
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	cfg.Store.DSN = "sqlite:" + filepath.Join(dir, "dozvon.db")
	cfg.SIP.RecordDir = filepath.Join(dir, "recordings")
	cfg.SIP.Listen = []telephony.Listen{{Transport: "udp", Host: "127.0.0.1"}}
	if cfg.ASR.Engine == "vosk" && cfg.ASR.Model == "" {
		if _, err := vosk.FindModel(); err != nil {
			cfg.ASR.Engine = "simulated"
		}
	}
	return nil
}

// wireSim is wire for a loopback simulation (see loopback) with the
// simulated debtor phones started.
func wireSim(ctx context.Context, cfg config.Config, log *slog.Logger, clk clock.Clock) (*runtime, *telephony.UA, *callflow.Flow, *testcalls.Callee, error) {
	rt, ua, flow, err := wire(ctx, cfg, log, clk, nil)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	phones, err := rt.simPhones(ctx)
	if err != nil {
		rt.close()
		return nil, nil, nil, nil, err
	}
	return rt, ua, flow, phones, nil
}

// simPhones starts the simulated debtor phones on loopback.
func (rt *runtime) simPhones(ctx context.Context) (*testcalls.Callee, error) {
	return testcalls.NewCallee(ctx, telephony.Config{Name: "phones", Listen: []telephony.Listen{{Transport: "udp", Host: "127.0.0.1"}}}, rt.voice, rt.log)
}
