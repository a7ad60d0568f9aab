package main

import (
	"context"
	"errors"
	"flag"
	"fmt"

	"github.com/dozvon/dozvon/callflow"
	"github.com/dozvon/dozvon/config"
	"github.com/dozvon/dozvon/loadtest"
)

const benchUsage = `usage: dozvon bench calls -n N [--full [--compare]] [--duration D] [--ramp R] [--json] [--cpuprofile FILE] [--memprofile FILE] [--script FILE] [--record DIR]
  places N concurrent robot calls on loopback to a simulated callee exchange
  running in a separate process, and prints calls completed/failed/dropped,
  CPU and peak RSS of the robot process, RTP pacing jitter, send lateness,
  audio fed to ASR vs received, and call setup time. This is the media path
  alone; --full sends the calls through the whole call path (a campaign of N
  debtors in the scheduler, the 230-FZ guard on a SQLite ledger, callflow,
  store, events, recording, VAD, the labelled stand-in recognizer) to phones
  that speak, and adds guard and store latency, event delay and the audit;
  --compare then runs the media-only bench with the same -n and --ramp.
  Per-frame media path costs: go test -bench . ./telephony ./asr ./cmd/dozvon
       dozvon bench detect DIR [--channels N] [--json]
  first-phrase detection on live loopback calls: each labelled recording of DIR
  (as for detect eval) is a simulated phone's answer to a robot call
       dozvon bench soak [--waves 4] [--calls 200] [--rate 50] [--concurrent 100] [--hold 5s] [--idle 50s] [--legs in,in-rtp,out,out-rtp] [--json]
  serve's call path in this process takes waves of sipp calls (inbound and
  outbound, with and without RTP from the far end); after each wave and its
  idle time it prints heap in use, live heap and RSS (goal: flat within 10 %)
       dozvon bench api [--clients 200] [--calls 200] [--rate 50] [--hold 10s] [--api-rate 50] [--json]
  serve's call path, event stream and API in this process: WebSocket clients
  watch every event while sipp calls run and API requests are timed; prints
  API latency and event delay (p50/p99/max), events per client, CPU, peak RSS
       dozvon bench guard [--backend sqlite|postgres] [--dsn DSN] [--nodes N] [--rates 500,1000,…] [--stage 3s] [--burst 4000] [--json]
  the 230-FZ ledger: reservations+commits offered at fixed rates and in a
  burst, across many debtors and a few hot ones; prints decisions/s and
  latency p50/p99 per stage, then replays the ledger (violations: exit 1)`

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
	case "soak":
		return benchSoak(ctx, e, args[1:])
	case "api":
		return benchAPI(ctx, e, args[1:])
	case "guard":
		return benchGuard(ctx, e, args[1:])
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
	cfg, err := config.Load(o.Config, e.getenv)
	if err != nil {
		err = fmt.Errorf("bench calls: %w", err)
	} else {
		o.TTSEngine, o.TTSCache = cfg.TTS.Engine, cfg.TTS.CacheDir
		o.VAD = (&runtime{cfg: cfg}).vadConfig() // the config's VAD, as every call gets it
		o.Vars = callflow.Vars(cfg.Creditor, "Иванов Иван Иванович", "Иван")
		err = runBenchCalls(ctx, e, o)
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "dozvon: %v\n", err)
		return 1
	}
	return 0
}

// runBenchCalls runs the media-only bench or, with --full, the full path.
func runBenchCalls(ctx context.Context, e env, o loadtest.Options) error {
	if !o.Full {
		res, err := loadtest.Run(ctx, o, e.stderr)
		if err != nil {
			return err
		}
		return loadtest.Report(e.stdout, o, res)
	}
	res, err := loadtest.RunFull(ctx, o, e.stderr)
	if err != nil {
		return err
	}
	return loadtest.ReportFull(e.stdout, o, res)
}
