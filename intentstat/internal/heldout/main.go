// Command heldout runs the given evaluation sources with the bundled model
// at several thresholds and prints summary counts only (cases right, how
// often the model answered): no case, utterance or failure is printed, so
// it may be run on held-out sources. Run from the repository root:
//
//	go run ./intentstat/internal/heldout -thresholds 0.99,0.9999 DIR...
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/dozvon/dozvon/intentstat"
	"github.com/dozvon/dozvon/scripts"
	"github.com/dozvon/dozvon/testcalls"
)

// counting counts the guesses a model answers.
type counting struct {
	m     *intentstat.Model
	fired *atomic.Int64
}

func (c counting) Guess(text string, allowed []string) (string, float64, string) {
	i, p, why := c.m.Guess(text, allowed)
	if i != "" {
		c.fired.Add(1)
	}
	return i, p, why
}

func main() {
	ths := flag.String("thresholds", "0.9999", "thresholds")
	flag.Parse()
	m, err := intentstat.Bundled()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	for _, s := range append([]string{"rules"}, strings.Split(*ths, ",")...) {
		var model *counting
		if s != "rules" {
			t, err := strconv.ParseFloat(s, 64)
			if err != nil {
				fmt.Fprintln(os.Stderr, "bad threshold", s)
				os.Exit(2)
			}
			model = &counting{m.WithThreshold(t), &atomic.Int64{}}
		}
		right, n := 0, 0
		for _, dir := range flag.Args() {
			files, _ := filepath.Glob(filepath.Join(dir, "*.cases.yaml"))
			slices.Sort(files)
			for _, f := range files {
				cf, err := testcalls.LoadCases(f)
				if err != nil {
					fmt.Fprintln(os.Stderr, err)
					os.Exit(1)
				}
				sc, err := scripts.Load(filepath.Join("scripts", filepath.Base(cf.Script)))
				if err != nil {
					fmt.Fprintln(os.Stderr, err)
					os.Exit(1)
				}
				var rep testcalls.Report
				if model == nil {
					rep = testcalls.RunText(context.Background(), sc, []*testcalls.CaseFile{cf}, nil)
				} else {
					rep = testcalls.RunTextWith(context.Background(), sc, []*testcalls.CaseFile{cf}, nil, *model)
				}
				right, n = right+rep.Passed, n+rep.Cases
			}
		}
		fired := int64(0)
		if model != nil {
			fired = model.fired.Load()
		}
		fmt.Printf("%-8s %d/%d right, the model answered %d times\n", s, right, n, fired)
	}
}
