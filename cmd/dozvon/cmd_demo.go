package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/dozvon/dozvon/asr"
	"github.com/dozvon/dozvon/clock"
	"github.com/dozvon/dozvon/compliance"
	"github.com/dozvon/dozvon/phonenum"
	"github.com/dozvon/dozvon/report"
	"github.com/dozvon/dozvon/scripts"
	"github.com/dozvon/dozvon/store"
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
	fail := func(err error) int {
		fmt.Fprintln(e.stderr, "dozvon demo:", err)
		return 2
	}
	cfg, err := loadConfig(*cfgPath, e.getenv)
	if err != nil {
		return fail(err)
	}
	level := slog.LevelWarn
	if *verbose {
		level = slog.LevelDebug
	}
	log := newLogger(e.stderr, level)
	if err := os.RemoveAll(*dir); err != nil {
		return fail(err)
	}
	cfg.Store.DSN = "sqlite:" + filepath.Join(*dir, "dozvon.db")
	cfg.SIP.RecordDir = filepath.Join(*dir, "recordings")
	loop := []telephony.Listen{{Transport: "udp", Host: "127.0.0.1"}}
	cfg.SIP.Listen = loop

	// Recognition: Vosk when a model is there, else the phones' planned text.
	if cfg.ASR.Engine == "vosk" && cfg.ASR.Model == "" {
		if _, err := findModel(); err != nil {
			cfg.ASR.Engine = "simulated"
		}
	}
	var asrNote string
	switch cfg.ASR.Engine {
	case "simulated":
		asrNote = simulatedASRNote
	case "dtmf":
		asrNote = "ASR: keypad only (dtmf)"
	default:
		asrNote = "ASR: Vosk"
	}
	fmt.Fprintln(e.stdout, asrNote)

	sc, err := scripts.Load(*scriptPath)
	if err != nil {
		return fail(err)
	}
	rt, err := newRuntime(ctx, cfg, log, clock.Fixed(demoAt()))
	if err != nil {
		return fail(err)
	}
	defer rt.close()

	phones, err := testcalls.NewCallee(ctx, telephony.Config{Name: "phones", Listen: loop}, rt.voice, log)
	if err != nil {
		return fail(err)
	}
	ua, err := telephony.New(ctx, cfg.SIP, log)
	if err != nil {
		return fail(err)
	}
	debtors := testcalls.SimulatedPhones()
	for _, d := range debtors {
		if err := rt.db.UpsertDebtor(ctx, store.Debtor{ID: d.ID, Name: d.Name, Region: d.Region, Phones: []string{d.Phone}}); err != nil {
			return fail(err)
		}
		if d.Block != "" {
			if _, err := rt.db.AddBlock(ctx, store.Block{DebtorID: d.ID, Kind: d.Block, Note: "demo", Since: demoAt().Add(-30 * 24 * time.Hour)}); err != nil {
				return fail(err)
			}
		}
		if d.SpokeToday {
			// an operator spoke with this debtor an hour ago (demo clock)
			g, err := compliance.NewGuard(compliance.Config{Ledger: rt.db, Clock: clock.Fixed(demoAt().Add(-time.Hour)), Logger: log})
			if err == nil {
				if res, dec, err := g.Reserve(ctx, compliance.Request{DebtorID: d.ID, Phone: phonenum.MustParse(d.Phone), Channel: compliance.HumanCall}); err == nil && dec.Allowed {
					_ = g.Commit(ctx, res, compliance.Conversation)
				}
			}
		}
	}
	fmt.Fprintf(e.stdout, "demo: %d simulated debtor phones on %s, robot on %s, script %s %s, %d channels\n",
		len(debtors), strings.TrimPrefix(phones.Phone("probe", testcalls.Behaviour{Reject: 404}), "sip:probe@"), ua.Addr(), sc.Name, sc.VersionString(), *channels)
	fmt.Fprintf(e.stdout, "230-FZ clock: %s (fixed for the demo; calls and audio are real-time)\n\n", demoAt().In(mustZone("Europe/Moscow")).Format("Mon 2006-01-02 15:04 MST"))

	rows := make([]report.CallRow, len(debtors))
	sem := make(chan struct{}, max(1, *channels))
	var wg sync.WaitGroup
	var mu sync.Mutex
	start := time.Now()
	for i, d := range debtors {
		req := simulatedPhoneCall(phones.Phone(d.Phone, d.Behaviour), sc, compliance.DialogueZone(d.Region), phones, d.Name, d.First)
		req.DebtorID, req.Region, req.CallerID = d.ID, d.Region, "74950000000"
		req.Vars = callVars(cfg.Creditor, d.Name, d.First)
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			rep := rt.placeCall(ctx, ua, req)
			mu.Lock()
			rows[i] = report.CallRow{Phone: d.Phone, What: d.What, Report: rep}
			mu.Unlock()
			fmt.Fprintf(e.stdout, "  done %-16s %s\n", compliance.MaskPhone(d.Phone), report.CallResult(rep))
		}()
	}
	wg.Wait()
	fmt.Fprintf(e.stdout, "\nall %d calls done in %.1fs\n\n", len(debtors), time.Since(start).Seconds())
	report.WriteCalls(e.stdout, rows)
	for _, r := range rows {
		if o := r.Report.Result.Outcome; o == "identified" || o == "callback" {
			fmt.Fprintf(e.stdout, "\ntranscript, %s (%s):\n", compliance.MaskPhone(r.Phone), r.What)
			printTranscript(e.stdout, r.Report.Result.Result)
		}
	}
	fmt.Fprintf(e.stdout, "\ndatabase: %s; recordings: %s\n", strings.TrimPrefix(cfg.Store.DSN, "sqlite:"), cfg.SIP.RecordDir)
	return 0
}

func findModel() (string, error) {
	if p := os.Getenv("VOSK_MODEL"); p != "" {
		return p, nil
	}
	p := filepath.Join("var", "models", "vosk-model-small-ru-0.22")
	if _, err := os.Stat(p); err != nil {
		return "", errors.New("no model")
	}
	return p, nil
}

func mustZone(name string) *time.Location {
	l, err := time.LoadLocation(name)
	if err != nil {
		return time.UTC
	}
	return l
}

// simulatedPhoneCall is a robot call to one of the simulated phones: the
// debtor's name, the script's default creditor, and the phones' board standing
// in for recognition (a Vosk model, when configured, takes its place in placeCall).
func simulatedPhoneCall(uri string, sc *scripts.Script, loc *time.Location, phones *testcalls.Callee, name, first string) callRequest {
	return callRequest{
		To: uri, Script: sc, Location: loc, RingTimeout: 5 * time.Second,
		Vars:       callVars("", name, first),
		Recognizer: func(callID string) asr.Recognizer { return phones.Board().Recognizer(callID) },
	}
}
