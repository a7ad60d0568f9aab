package main

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/dozvon/dozvon/report"
	"github.com/dozvon/dozvon/scripts"
	"github.com/dozvon/dozvon/testcalls"
)

// cmdTest runs text-level test cases: dozvon test SCRIPT CASES.yaml... [--json].
// It prints pass/fail per case with the reason, the pass rate and the branch
// coverage, and exits 1 when a case fails. `dozvon test eval DIR...` measures
// the dialogue evaluation sources instead (cmd_test_eval.go).
func cmdTest(ctx context.Context, e env, args []string) int {
	if len(args) > 0 && args[0] == "eval" {
		return cmdTestEval(ctx, e, args[1:])
	}
	asJSON := false
	var files []string
	for _, a := range args {
		switch a {
		case "--json", "-json":
			asJSON = true
		default:
			if strings.HasPrefix(a, "-") {
				fmt.Fprintf(e.stderr, "dozvon test: unknown flag %s\n", a)
				return 2
			}
			files = append(files, a)
		}
	}
	if len(files) < 2 {
		fmt.Fprintln(e.stderr, "usage: dozvon test SCRIPT.yaml CASES.yaml... [--json]")
		return 2
	}
	sc, err := scripts.Load(files[0])
	if err != nil {
		return e.fail("test", 2)(err)
	}
	var cfs []*testcalls.CaseFile
	for _, f := range files[1:] {
		cf, err := testcalls.LoadCases(f)
		if err != nil {
			return e.fail("test", 2)(err)
		}
		if cf.Script != "" && filepath.Base(cf.Script) != filepath.Base(files[0]) {
			fmt.Fprintf(e.stderr, "dozvon test: warning: %s was written for %s, running it against %s\n", f, cf.Script, files[0])
		}
		cfs = append(cfs, cf)
	}
	rep := testcalls.RunText(ctx, sc, cfs, nil)
	if asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return e.fail("test", 2)(err)
		}
	} else {
		report.WriteScriptTests(e.stdout, sc.Name, sc.VersionString(), rep)
	}
	if rep.Passed != rep.Cases {
		return 1
	}
	return 0
}
