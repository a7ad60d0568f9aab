package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/dozvon/dozvon/intentstat"
	"github.com/dozvon/dozvon/internal/stats"
	"github.com/dozvon/dozvon/robot"
	"github.com/dozvon/dozvon/scripts"
	"github.com/dozvon/dozvon/testcalls"
)

// heldOutMarker is the file that marks an evaluation source as held out from
// tuning: its per-case failures are never printed, only its figure.
const heldOutMarker = "HELD_OUT"

// evalSource is one source's figure: cases right (outcome, slots and path as
// the case file expects) out of all.
type evalSource struct {
	Name    string
	HeldOut bool
	Right   int
	Cases   int
	Fails   []testcalls.CaseResult
}

// cmdTestEval runs `dozvon test eval DIR...`: each DIR is one source of
// dialogue cases (scripts/testdata/eval/<source>) holding case files for the
// bundled scripts. It prints each source's accuracy with a 95 % Wilson
// interval, the failures of tuning sources only, and the pooled held-out
// figure. It exits 2 on a bad directory or case file and 0 otherwise: it is a
// measurement, the scripts' own cases are the gate.
//
// --intent-model puts the bundled statistical intent model (intentstat)
// beside the rules; it is off by default (see scripts/testdata/eval/README.md).
// --asr-errors RATE [--asr-seed N] passes every caller line through
// testcalls.SimulatedASRErrors first (seed 1 unless given).
func cmdTestEval(ctx context.Context, e env, args []string) int {
	var intents robot.IntentModel
	var asrErrs *testcalls.SimulatedASRErrors
	var dirs []string
	for i := 0; i < len(args); i++ {
		switch a := strings.TrimLeft(args[i], "-"); {
		case a == "intent-model" && strings.HasPrefix(args[i], "-"):
			m, err := intentstat.Bundled()
			if err != nil {
				return e.fail("test eval", 2)(err)
			}
			intents = m
		case (a == "asr-errors" || a == "asr-seed") && strings.HasPrefix(args[i], "-"):
			if i+1 >= len(args) {
				return e.fail("test eval", 2)(fmt.Errorf("--%s needs a value", a))
			}
			i++
			var err error
			if asrErrs, err = parseASRFlag(asrErrs, a, args[i]); err != nil {
				return e.fail("test eval", 2)(err)
			}
		case strings.HasPrefix(args[i], "-"):
			return e.fail("test eval", 2)(fmt.Errorf("unknown flag %s", args[i]))
		default:
			dirs = append(dirs, args[i])
		}
	}
	if len(dirs) == 0 {
		fmt.Fprintln(e.stderr, "usage: dozvon test eval [--intent-model] [--asr-errors RATE [--asr-seed N]] DIR...")
		return 2
	}
	var srcs []evalSource
	for _, dir := range dirs {
		s, err := runEvalSource(ctx, dir, intents, asrErrs)
		if err != nil {
			return e.fail("test eval", 2)(err)
		}
		srcs = append(srcs, s)
	}
	writeEval(e.stdout, srcs)
	return 0
}

// runEvalSource runs every *.cases.yaml of dir against the script it names.
func runEvalSource(ctx context.Context, dir string, intents robot.IntentModel, asrErrs *testcalls.SimulatedASRErrors) (evalSource, error) {
	src := evalSource{Name: filepath.Base(filepath.Clean(dir))}
	if _, err := os.Stat(filepath.Join(dir, heldOutMarker)); err == nil {
		src.HeldOut = true
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.cases.yaml"))
	if err != nil {
		return src, fmt.Errorf("eval %s: %w", dir, err)
	}
	if len(files) == 0 {
		return src, fmt.Errorf("eval %s: no *.cases.yaml files", dir)
	}
	slices.Sort(files)
	for _, f := range files {
		cf, err := testcalls.LoadCases(f)
		if err != nil {
			return src, fmt.Errorf("eval %s: %w", dir, err)
		}
		if asrErrs != nil {
			cf = asrErrs.ApplyFile(cf)
		}
		path, err := evalScriptPath(f, cf.Script)
		if err != nil {
			return src, fmt.Errorf("eval %s: %w", f, err)
		}
		sc, err := scripts.Load(path)
		if err != nil {
			return src, fmt.Errorf("eval %s: %w", f, err)
		}
		rep := testcalls.RunTextWith(ctx, sc, []*testcalls.CaseFile{cf}, nil, intents)
		src.Cases += rep.Cases
		src.Right += rep.Passed
		for _, r := range rep.Results {
			if !r.Passed {
				src.Fails = append(src.Fails, r)
			}
		}
	}
	return src, nil
}

// evalScriptPath finds the script a case file names: as given (relative to
// the working directory, the repository root under make), else by its base
// name in the scripts directory three levels above the case file
// (scripts/testdata/eval/<source>/x.cases.yaml → scripts/x.yaml).
func evalScriptPath(caseFile, script string) (string, error) {
	if script == "" {
		return "", fmt.Errorf("%s names no script", caseFile)
	}
	if _, err := os.Stat(script); err == nil {
		return script, nil
	}
	alt := filepath.Join(filepath.Dir(caseFile), "..", "..", "..", filepath.Base(script))
	if _, err := os.Stat(alt); err == nil {
		return alt, nil
	}
	return "", fmt.Errorf("script %s: not found (nor %s)", script, alt)
}

// writeEval prints one line per source and the pooled held-out figure.
func writeEval(w io.Writer, srcs []evalSource) {
	var hoRight, hoCases, hoSources int
	for _, s := range srcs {
		role := "tuning"
		if s.HeldOut {
			role = "HELD OUT"
			hoRight, hoCases, hoSources = hoRight+s.Right, hoCases+s.Cases, hoSources+1
		}
		fmt.Fprintf(w, "dialogue eval %-11s [%s]: %s\n", s.Name, role, evalFigure(s.Right, s.Cases))
		if s.HeldOut {
			continue // failures of a held-out source are not read while tuning
		}
		for _, r := range s.Fails {
			fmt.Fprintf(w, "  FAIL  %s  (%s)\n        %s\n", r.Name, r.Place, r.Reason)
		}
	}
	if hoSources > 1 {
		fmt.Fprintf(w, "dialogue eval held-out sources pooled (%d): %s\n", hoSources, evalFigure(hoRight, hoCases))
	}
}

func evalFigure(right, n int) string {
	lo, hi := stats.Wilson(right, n)
	pct := 0.0
	if n > 0 {
		pct = 100 * float64(right) / float64(n)
	}
	return fmt.Sprintf("%d/%d right (outcome+slots) = %.1f%%, 95%% Wilson CI %.1f–%.1f%%", right, n, pct, 100*lo, 100*hi)
}
