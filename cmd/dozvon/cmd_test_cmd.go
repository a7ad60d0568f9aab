package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/dozvon/dozvon/asr"
	"github.com/dozvon/dozvon/config"
	"github.com/dozvon/dozvon/intentstat"
	"github.com/dozvon/dozvon/report"
	"github.com/dozvon/dozvon/robot"
	"github.com/dozvon/dozvon/scripts"
	"github.com/dozvon/dozvon/testcalls"
)

const testUsage = `usage: dozvon test SCRIPT.yaml CASES.yaml... [--audio [--parallel N] [--keep DIR]] [--json] [--junit FILE] [--gate PASS,EDGES | --min-pass P --min-edges E] [--watch] [--intent-model] [--asr-errors RATE [--asr-seed N]]
       dozvon test --generate SCRIPT.yaml [CASES.yaml...] [--out FILE]
       dozvon test --from-call CALL_ID [SCRIPT.yaml] [--db DSN] [--out FILE]`

// testFlags are dozvon test's options.
type testFlags struct {
	audio, json bool
	intentModel bool // text level: the statistical intent model beside the rules
	// text level: every caller line through testcalls.SimulatedASRErrors
	asrErrors *testcalls.SimulatedASRErrors
	// authoring (cmd_test_authoring.go)
	generate, watch   bool
	fromCall, out, db string
	parallel          int
	junit, keep       string
	gate              *testcalls.Gate
	files             []string
}

func parseTestFlags(args []string) (testFlags, error) {
	f := testFlags{parallel: 4}
	value := func(i *int, name string) (string, error) {
		if *i+1 >= len(args) {
			return "", fmt.Errorf("%s needs a value", name)
		}
		*i++
		return args[*i], nil
	}
	gate := func() *testcalls.Gate {
		if f.gate == nil {
			f.gate = &testcalls.Gate{}
		}
		return f.gate
	}
	percent := func(name, s string) (float64, error) {
		p, err := strconv.ParseFloat(strings.TrimSuffix(s, "%"), 64)
		if err != nil || p < 0 || p > 100 {
			return 0, fmt.Errorf("%s %q: want a percentage 0–100", name, s)
		}
		return p, nil
	}
	for i := 0; i < len(args); i++ {
		a := strings.TrimPrefix(args[i], "-")
		var v string
		var err error
		switch a {
		case "-json", "json":
			f.json = true
		case "-audio", "audio":
			f.audio = true
		case "-parallel", "parallel":
			if v, err = value(&i, "--parallel"); err == nil {
				if f.parallel, err = strconv.Atoi(v); err != nil || f.parallel < 1 {
					err = fmt.Errorf("--parallel %q: want a number ≥ 1", v)
				}
			}
		case "-junit", "junit":
			f.junit, err = value(&i, "--junit")
		case "-generate", "generate":
			f.generate = true
		case "-watch", "watch":
			f.watch = true
		case "-from-call", "from-call":
			f.fromCall, err = value(&i, "--from-call")
		case "-out", "out":
			f.out, err = value(&i, "--out")
		case "-db", "db":
			f.db, err = value(&i, "--db")
		case "-keep", "keep":
			f.keep, err = value(&i, "--keep")
		case "-gate", "gate":
			if v, err = value(&i, "--gate"); err == nil {
				p, e, ok := strings.Cut(v, ",")
				if !ok {
					err = fmt.Errorf("--gate %q: want PASS,EDGES percentages, e.g. 98,95", v)
				} else if gate().MinPass, err = percent("--gate pass", p); err == nil {
					gate().MinEdges, err = percent("--gate edges", e)
				}
			}
		case "-min-pass", "min-pass":
			if v, err = value(&i, "--min-pass"); err == nil {
				gate().MinPass, err = percent("--min-pass", v)
			}
		case "-min-edges", "min-edges":
			if v, err = value(&i, "--min-edges"); err == nil {
				gate().MinEdges, err = percent("--min-edges", v)
			}
		case "-intent-model", "intent-model":
			f.intentModel = true
		case "-asr-errors", "asr-errors", "-asr-seed", "asr-seed":
			if v, err = value(&i, "--"+strings.TrimPrefix(a, "-")); err == nil {
				f.asrErrors, err = parseASRFlag(f.asrErrors, a, v)
			}
		default:
			if strings.HasPrefix(args[i], "-") {
				return f, fmt.Errorf("unknown flag %s", args[i])
			}
			f.files = append(f.files, args[i])
		}
		if err != nil {
			return f, err
		}
	}
	if err := f.checkAuthoring(); err != nil {
		return f, err
	}
	if len(f.files) < 2 && !f.generate && f.fromCall == "" {
		return f, fmt.Errorf("want a script and at least one case file")
	}
	if f.audio && f.asrErrors != nil {
		return f, fmt.Errorf("--asr-errors is for the text level (at --audio the recogniser makes its own errors)")
	}
	if !f.audio && f.keep != "" {
		return f, fmt.Errorf("--keep is for --audio (recordings of failed calls)")
	}
	return f, nil
}

// cmdTest runs test cases against a script: at text level by default, or
// with --audio as real calls over loopback SIP through the call path.
// It prints pass/fail per case with the reason, the pass rate and the
// branch coverage, and exits 1 when a case fails (with --gate: when the pass
// rate or the edge coverage is under the gate). `dozvon test eval DIR...`
// measures the dialogue evaluation sources instead (cmd_test_eval.go).
func cmdTest(ctx context.Context, e env, args []string) int {
	if len(args) > 0 && args[0] == "eval" {
		return cmdTestEval(ctx, e, args[1:])
	}
	tf, err := parseTestFlags(args)
	if err != nil {
		fmt.Fprintf(e.stderr, "dozvon test: %v\n%s\n", err, testUsage)
		return 2
	}
	switch {
	case tf.generate:
		return cmdTestGenerate(ctx, e, tf)
	case tf.fromCall != "":
		return cmdTestFromCall(ctx, e, tf)
	case tf.watch:
		return cmdTestWatch(ctx, e, tf)
	}
	return runTests(ctx, e, tf)
}

// runTests is one run of dozvon test: load, run, report, gate.
func runTests(ctx context.Context, e env, tf testFlags) int {
	fail := e.fail("test", 2)
	sc, err := scripts.Load(tf.files[0])
	if err != nil {
		return fail(err)
	}
	var cfs []*testcalls.CaseFile
	for _, f := range tf.files[1:] {
		cf, err := testcalls.LoadCases(f)
		if err != nil {
			return fail(err)
		}
		if cf.Script != "" && filepath.Base(cf.Script) != filepath.Base(tf.files[0]) {
			fmt.Fprintf(e.stderr, "dozvon test: warning: %s was written for %s, running it against %s\n", f, cf.Script, tf.files[0])
		}
		if tf.asrErrors != nil {
			cf = tf.asrErrors.ApplyFile(cf)
		}
		cfs = append(cfs, cf)
	}
	var rep testcalls.Report
	if tf.audio {
		rep, err = runAudioTests(ctx, e, sc, cfs, tf)
		if err != nil {
			return fail(err)
		}
	} else {
		var intents robot.IntentModel
		if tf.intentModel {
			m, err := intentstat.Bundled()
			if err != nil {
				return fail(err)
			}
			intents = m
		}
		rep = testcalls.RunTextWith(ctx, sc, cfs, nil, intents)
	}
	if tf.junit != "" {
		if err := report.WriteJUnitFile(tf.junit, sc.Name+" ("+rep.Level+")", rep); err != nil {
			return fail(err)
		}
	}
	if tf.json {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return fail(err)
		}
	} else {
		report.WriteScriptTests(e.stdout, sc.Name, sc.VersionString(), rep)
	}
	if rep.Unconfirmed > 0 {
		fmt.Fprintf(e.stdout, "%d cases expect what a tool wrote (expect.unconfirmed): confirm each, then delete the mark\n", rep.Unconfirmed)
	}
	if tf.gate != nil {
		if why := tf.gate.Check(rep); why != "" {
			fmt.Fprintf(e.stderr, "dozvon test: GATE FAILED for %s at %s level: %s\n", sc.Name, rep.Level, why)
			return 1
		}
		fmt.Fprintf(e.stdout, "gate passed: pass rate %.1f%% ≥ %.1f%%, edge coverage %.1f%% ≥ %.1f%%\n",
			rep.PassRate, tf.gate.MinPass, rep.Coverage.EdgePercent, tf.gate.MinEdges)
		return 0
	}
	if rep.Passed != rep.Cases {
		return 1
	}
	return 0
}

// runAudioTests wires the product's voice, VAD and recognizer (Vosk when a
// model is configured, e.g. VOSK_MODEL) with a temporary 230-FZ ledger and
// runs the cases as calls over loopback SIP.
func runAudioTests(ctx context.Context, e env, sc *scripts.Script, cfs []*testcalls.CaseFile, tf testFlags) (testcalls.Report, error) {
	cfg, err := config.Load("", e.getenv)
	if err != nil {
		return testcalls.Report{}, err
	}
	dir, err := os.MkdirTemp("", "dozvon-audiotest-")
	if err != nil {
		return testcalls.Report{}, err
	}
	defer os.RemoveAll(dir)
	if err := loopback(&cfg, dir); err != nil {
		return testcalls.Report{}, err
	}
	log := newLogger(e.stderr, slog.LevelError) // quiet: the report says what went wrong
	rt, err := newRuntime(ctx, cfg, log, nil, nil)
	if err != nil {
		return testcalls.Report{}, err
	}
	defer rt.close()
	ac := testcalls.AudioConfig{Ledger: rt.db, Voice: rt.voiceConfig(),
		NewSegmenter: func() (robot.Segmenter, error) { return asr.NewSegmenter(rt.vadConfig()) },
		CallerVoices: testcalls.NewCallerVoices(filepath.Join(cfg.TTS.CacheDir, "callers")),
		Dir:          dir, Keep: tf.keep, Parallel: tf.parallel, Log: log}
	if rt.model != nil {
		ac.Recognizer = func(string) asr.Recognizer { return rt.model }
		ac.Recognition = "Vosk (model " + cfg.ASR.Model + ")"
	}
	return testcalls.RunAudio(ctx, sc, cfs, ac)
}

// parseASRFlag sets --asr-errors RATE (a probability per word and kind,
// 0–1) or --asr-seed N on the channel, creating it at the first of them.
func parseASRFlag(ch *testcalls.SimulatedASRErrors, flag, v string) (*testcalls.SimulatedASRErrors, error) {
	if ch == nil {
		ch = &testcalls.SimulatedASRErrors{Seed: 1}
	}
	if strings.HasSuffix(flag, "seed") {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			return ch, fmt.Errorf("--asr-seed %q: want a whole number ≥ 0", v)
		}
		ch.Seed = n
		return ch, nil
	}
	r, err := strconv.ParseFloat(v, 64)
	if err != nil || r < 0 || r > 1 {
		return ch, fmt.Errorf("--asr-errors %q: want a rate per word 0–1, e.g. 0.1", v)
	}
	ch.Rate = r
	return ch, nil
}
