package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/dozvon/dozvon/callflow"
	"github.com/dozvon/dozvon/compliance"
	"github.com/dozvon/dozvon/detect"
	"github.com/dozvon/dozvon/loadtest"
	"github.com/dozvon/dozvon/scripts"
)

const benchUsage = `usage: dozvon bench calls -n N [--duration D] [--ramp R] [--json] [--cpuprofile FILE] [--script FILE] [--record DIR]
  places N concurrent robot calls on loopback to a simulated callee exchange
  running in a separate process, and prints calls completed/failed/dropped,
  CPU and peak RSS of the robot process, RTP pacing jitter, send lateness,
  audio fed to ASR vs received, and call setup time.
  Per-frame media path costs: go test -bench . ./telephony ./asr ./cmd/dozvon
       dozvon bench detect DIR [--channels N] [--json]
  first-phrase detection on live loopback calls: each labelled recording of DIR
  (as for detect eval) is a simulated phone's answer to a robot call`

// cmdBench measures the robot: `bench calls` (concurrent calls on loopback).
// `bench callee` is the hidden far end that `bench calls` re-executes.
func cmdBench(ctx context.Context, e env, args []string) int {
	if len(args) == 0 {
		fmt.Fprintln(e.stderr, benchUsage)
		return 2
	}
	switch args[0] {
	case "calls":
		return benchCalls(ctx, e, args[1:])
	case "callee":
		return loadtest.RunCallee(ctx, e.stdin, e.stdout, e.stderr, args[1:])
	case "detect":
		return benchDetect(ctx, e, args[1:])
	case "-h", "--help", "help":
		fmt.Fprintln(e.stdout, benchUsage)
		return 0
	}
	fmt.Fprintf(e.stderr, "dozvon: bench: unknown subcommand %q\n%s\n", args[0], benchUsage)
	return 2
}

// benchCalls wires the config into the load-test harness.
func benchCalls(ctx context.Context, e env, args []string) int {
	o, err := loadtest.ParseArgs(args, e.stderr)
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintf(e.stderr, "dozvon: %v\n", err)
		}
		return 2
	}
	cfg, err := loadConfig(o.Config, e.getenv)
	if err != nil {
		err = fmt.Errorf("bench calls: %w", err)
	} else {
		o.TTSEngine, o.TTSCache = cfg.TTS.Engine, cfg.TTS.CacheDir
		o.VAD = (&runtime{cfg: cfg}).vadConfig() // the config's VAD, as every call gets it
		o.Vars = callflow.Vars(cfg.Creditor, "Иванов Иван Иванович", "Иван")
		var res loadtest.Result
		if res, err = loadtest.Run(ctx, o, e.stderr); err == nil {
			err = loadtest.Report(e.stdout, o, res)
		}
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "dozvon: %v\n", err)
		return 1
	}
	return 0
}

// benchDetect runs first-phrase detection on live calls: each labelled
// recording of DIR is the simulated callee's answer to a robot call over
// loopback SIP/RTP (the robot greets as it would, so its greeting overlaps
// the recording), and the robot's verdicts are reported like `detect eval`.
// Recognition is the labelled stand-in (the sidecar's words, released over
// the recording's speech as the robot's VAD feeds it) unless a Vosk model is
// configured.
func benchDetect(ctx context.Context, e env, args []string) int {
	fs := flag.NewFlagSet("bench detect", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	channels := fs.Int("channels", 8, "calls in parallel")
	scriptPath := fs.String("script", "scripts/verify_contact.yaml", "dialogue script the robot runs")
	cfgPath := fs.String("config", "", "config file (default dozvon.yaml if present)")
	asJSON := fs.Bool("json", false, "print the report as JSON (the detect eval shape)")
	dirs, err := parseInterleaved(fs, args)
	if err != nil {
		return 2
	}
	fail := e.fail("bench detect", 2)
	if len(dirs) != 1 {
		fmt.Fprintln(e.stderr, "usage: dozvon bench detect DIR [--channels N] [--json]  (DIR as for detect eval)")
		return 2
	}
	set, err := detect.LoadSet(dirs[0])
	if err != nil {
		return fail(err)
	}
	cfg, err := loadConfig(*cfgPath, e.getenv)
	if err != nil {
		return fail(err)
	}
	work, err := os.MkdirTemp("", "dozvon-bench-detect-")
	if err != nil {
		return fail(err)
	}
	defer os.RemoveAll(work)
	if err := loopback(&cfg, work); err != nil {
		return fail(err)
	}
	cfg.SIP.RecordDir = ""
	sc, err := scripts.Load(*scriptPath)
	if err != nil {
		return fail(err)
	}
	rt, _, flow, err := wire(ctx, cfg, newLogger(e.stderr, slog.LevelError), nil, nil)
	if err != nil {
		return fail(err)
	}
	defer rt.close()
	phones, err := rt.simPhones(ctx)
	if err != nil {
		return fail(err)
	}
	fmt.Fprintf(e.stderr, "bench detect: %d recordings from %s as callee answers over loopback SIP, %d at a time, ASR %s\n",
		len(set), dirs[0], *channels, cfg.ASR.Engine)
	started := time.Now()
	files, undecided := loadtest.DetectLive(ctx, flow, phones, set, callflow.Request{ScriptDoc: sc, Location: compliance.DialogueZone(""),
		RingTimeout: 5 * time.Second, Recognizer: rt.standIn(phones), Vars: callflow.Vars("", "Иванов Иван Иванович", "Иван")}, *channels)
	rep := detect.Summarise(files)
	err = emit(e.stdout, *asJSON, rep, func(w io.Writer) error {
		fmt.Fprintf(w, "live calls: %d in %.0fs, %d ended without a verdict\n", len(files), time.Since(started).Seconds(), undecided)
		return rep.WriteText(w)
	})
	if err != nil {
		return fail(err)
	}
	return 0
}
