// Command cv cross-validates intentstat by source: for each tuning source
// the model is trained on every other source's rows (plus the phrase base
// and the written rows) and measured on that source alone.
//
//	go run ./intentstat/internal/cv            model alone, on the corpus rows
//	go run ./intentstat/internal/cv -e2e       rules+model, the source's dialogues end to end
//	go run ./intentstat/internal/cv -e2e -thresholds 0.9999 -overrule 0,0.99,0.999
//	                                           the same at the first threshold, the model also
//	                                           overruling weak rule matches at each (0: never)
//
// Run from the repository root. Held-out sources are never opened.
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

	"github.com/dozvon/dozvon/intentstat"
	"github.com/dozvon/dozvon/intentstat/internal/casefile"
	"github.com/dozvon/dozvon/testcalls"
)

// charWeight is the -charw flag.
var charWeight float64

func main() {
	e2e := flag.Bool("e2e", false, "run each source's dialogues with rules+model")
	peekAt := flag.Float64("peek", 0, "print the no-intent turns the model fires on at this threshold")
	ths := flag.String("thresholds", "0.5,0.7,0.8,0.9,0.95,0.99", "thresholds to measure")
	alpha := flag.Float64("alpha", intentstat.DefaultAlpha, "smoothing")
	flag.Float64Var(&charWeight, "charw", intentstat.DefaultCharWeight, "the weight of a character trigram's evidence")
	asrRate := flag.Float64("asr-errors", 0, "with -e2e: pass the caller lines through testcalls.SimulatedASRErrors at this rate")
	asrSeed := flag.Uint64("asr-seed", 1, "with -asr-errors: the seed")
	ovs := flag.String("overrule", "", "with -e2e: overrule thresholds to measure at the first of -thresholds (0: never)")
	flag.Parse()
	var thresholds []float64
	for _, s := range strings.Split(*ths, ",") {
		t, err := strconv.ParseFloat(s, 64)
		if err != nil {
			fmt.Fprintln(os.Stderr, "cv: bad threshold", s)
			os.Exit(2)
		}
		thresholds = append(thresholds, t)
	}
	rows, err := intentstat.ReadCorpusDir(os.DirFS("intentstat"), "corpus")
	if err != nil {
		fmt.Fprintln(os.Stderr, "cv:", err)
		os.Exit(1)
	}
	if *peekAt > 0 {
		peek(rows, *alpha, *peekAt)
		return
	}
	var overrules []float64
	if *ovs != "" {
		for _, s := range strings.Split(*ovs, ",") {
			t, err := strconv.ParseFloat(s, 64)
			if err != nil {
				fmt.Fprintln(os.Stderr, "cv: bad overrule threshold", s)
				os.Exit(2)
			}
			overrules = append(overrules, t)
		}
	}
	if *e2e {
		asr := testcalls.SimulatedASRErrors{Rate: *asrRate, Seed: *asrSeed}
		err = endToEnd(context.Background(), rows, *alpha, thresholds, overrules, asr)
	} else {
		alone(rows, *alpha, thresholds)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "cv:", err)
		os.Exit(1)
	}
}

// folds are the dialogue sources (the phrase base and the written rows are
// in every training fold and never tested).
func folds(rows []intentstat.Row) []string {
	var s []string
	for _, r := range rows {
		if r.Source != "phrases" && r.Source != "written" && !slices.Contains(s, r.Source) {
			s = append(s, r.Source)
		}
	}
	slices.Sort(s)
	return s
}

func without(rows []intentstat.Row, src string) (train, test []intentstat.Row) {
	for _, r := range rows {
		if r.Source == src {
			test = append(test, r)
		} else {
			train = append(train, r)
		}
	}
	return train, test
}

// alone prints the model's agreement with the rules' labels on unseen
// sources: the top allowed intent (None competing), and at each threshold
// how often it would fire and how often it then agrees.
func alone(rows []intentstat.Row, alpha float64, thresholds []float64) {
	var n, right, intentRows, intentRight int
	fire := make([]int, len(thresholds))
	fireRight := make([]int, len(thresholds))
	noneRows := 0
	noneFire := make([]int, len(thresholds))
	for _, src := range folds(rows) {
		train, test := without(rows, src)
		m := intentstat.Train(train, alpha, 0).WithCharWeight(charWeight)
		for _, r := range test {
			p := m.Predict(r.Text, r.Allowed)
			got := p.Intent
			if got == "" {
				got = intentstat.None
			}
			n++
			if got == r.Intent {
				right++
			}
			if r.Intent != intentstat.None {
				intentRows++
				if got == r.Intent {
					intentRight++
				}
			} else {
				noneRows++
			}
			for i, t := range thresholds {
				if p.Intent == "" || p.P < t {
					continue
				}
				fire[i]++
				if p.Intent == r.Intent {
					fireRight[i]++
				}
				if r.Intent == intentstat.None {
					noneFire[i]++
				}
			}
		}
	}
	fmt.Printf("model alone, %d-fold by source: top label = rules' label on %d/%d turns = %.1f%%; on turns with an intent %d/%d = %.1f%%\n",
		len(folds(rows)), right, n, pct(right, n), intentRight, intentRows, pct(intentRight, intentRows))
	for i, t := range thresholds {
		fmt.Printf("  threshold %g: fires on %d turns, agrees with the rules on %d = %.1f%%; fires on %d of the %d turns the rules left without intent\n",
			t, fire[i], fireRight[i], pct(fireRight[i], fire[i]), noneFire[i], noneRows)
	}
}

// endToEnd runs each source's cases with the rules alone and with
// rules+model trained without that source; with overrules, at the first
// threshold and each overrule threshold instead.
func endToEnd(ctx context.Context, rows []intentstat.Row, alpha float64, thresholds, overrules []float64, asr testcalls.SimulatedASRErrors) error {
	model := func(m *intentstat.Model, k int) *intentstat.Model { return m.WithThreshold(thresholds[k]) }
	label := "threshold"
	if len(overrules) > 0 {
		first := thresholds[0]
		thresholds = overrules
		model = func(m *intentstat.Model, k int) *intentstat.Model {
			return m.WithThreshold(first).WithOverrule(overrules[k])
		}
		label = fmt.Sprintf("threshold %g, overrule", first)
	}
	base := 0
	got := make([]int, len(thresholds))
	total := 0
	var cases casefile.Loader
	for _, src := range folds(rows) {
		files, err := caseFiles(src)
		if err != nil {
			return err
		}
		train, _ := without(rows, src)
		m := intentstat.Train(train, alpha, 0).WithCharWeight(charWeight)
		line := fmt.Sprintf("%-12s", src)
		for k := -1; k < len(thresholds); k++ {
			right, n := 0, 0
			for _, f := range files {
				cf, sc, err := cases.Load(f)
				if err != nil {
					return err
				}
				cf = asr.ApplyFile(cf)
				var rep testcalls.Report
				if k < 0 {
					rep = testcalls.RunText(ctx, sc, []*testcalls.CaseFile{cf}, nil)
				} else {
					rep = testcalls.RunTextWith(ctx, sc, []*testcalls.CaseFile{cf}, nil, model(m, k))
				}
				right, n = right+rep.Passed, n+rep.Cases
			}
			if k < 0 {
				base += right
				total += n
			} else {
				got[k] += right
			}
			line += fmt.Sprintf(" %3d", right)
		}
		fmt.Println(line)
	}
	fmt.Printf("rules alone: %d/%d\n", base, total)
	for i, t := range thresholds {
		fmt.Printf("rules+model (trained without the source), %s %g: %d/%d\n", label, t, got[i], total)
	}
	return nil
}

func caseFiles(src string) ([]string, error) {
	if src == "bundled" {
		return filepath.Glob("scripts/testdata/*.cases.yaml")
	}
	dir := filepath.Join("scripts/testdata/eval", src)
	if _, err := os.Stat(filepath.Join(dir, "HELD_OUT")); err == nil {
		return nil, fmt.Errorf("%s is held out", src)
	}
	fs, err := filepath.Glob(filepath.Join(dir, "*.cases.yaml"))
	slices.Sort(fs)
	return fs, err
}

func pct(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return 100 * float64(a) / float64(b)
}
