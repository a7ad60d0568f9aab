// Command lopo judges detectstat's model by leave-one-pool-out: for every
// pool of texts (detectstat.PoolOf: one author's texts, read out by one or
// two sources), it trains on every other pool and classifies the left-out
// pool's files; the rules (package detect, run as `dozvon detect eval`
// runs them) classify the same files. It prints the final class accuracy,
// persons lost (95 % Wilson intervals) and a confusion for the model
// alone, the rules alone and the two combined — the combination through
// the classifier's own hook (detect.Config.Model), given each fold's model,
// so its model part is held out per fold; its rules part is not (the rules
// were tuned on every one of these files).
//
//	go run ./detectstat/internal/lopo [-sources detect/testdata/sources] [-rules=false] [-v]
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/dozvon/dozvon/detect"
	"github.com/dozvon/dozvon/detectstat"
)

func main() {
	corpus := flag.String("corpus", "detectstat/corpus/texts.tsv", "the corpus file")
	sources := flag.String("sources", "detect/testdata/sources", "the sources directory (for the rules)")
	rules := flag.Bool("rules", true, "run the rules and the combination too (about a minute and a half)")
	alpha := flag.Float64("alpha", detectstat.DefaultAlpha, "smoothing")
	cw := flag.Float64("charweight", detectstat.DefaultCharWeight, "a character trigram's weight")
	verbose := flag.Bool("v", false, "list the files each system gets wrong")
	var hook detect.Config
	flag.Float64Var(&hook.ModelClassShare, "share", 0, "the class share among non-persons (detect.Config.ModelClassShare; 0: its default, above 1: off)")
	flag.Float64Var(&hook.ModelCorrection, "correction", 0, "the non-person posterior that corrects a person (detect.Config.ModelCorrection; 0: its default, above 1: off)")
	flag.DurationVar(&hook.ModelMonologue, "monologue", 0, "detect.Config.ModelMonologue (0: its default)")
	flag.Parse()
	if err := run(os.Stdout, *corpus, *sources, *rules, *alpha, *cw, hook, *verbose); err != nil {
		fmt.Fprintln(os.Stderr, "lopo:", err)
		os.Exit(1)
	}
}

type file struct {
	row       detectstat.Row
	model     detectstat.Prediction // the fold's model, trained without the file's pool
	rules     detect.Class          // the rules' final class (late correction acted on)
	combined  detect.Class          // the rules with the fold's model hooked in
	rulesWhy  string
	combWhy   string
	tentative bool
}

func run(w io.Writer, corpus, sources string, withRules bool, alpha, cw float64, hook detect.Config, verbose bool) error {
	in, err := os.Open(corpus)
	if err != nil {
		return err
	}
	rows, err := detectstat.ReadCorpus(corpus, in)
	in.Close()
	if err != nil {
		return err
	}
	pools := map[string][]int{}
	var order []string
	for i, r := range rows {
		if _, err := detectstat.PoolOf(r.Source); err != nil {
			return err
		}
		if pools[r.Pool] == nil {
			order = append(order, r.Pool)
		}
		pools[r.Pool] = append(pools[r.Pool], i)
	}
	files := make([]file, len(rows))
	key := func(src, label, name string) string { return src + "/" + label + "/" + name }
	index := map[string]int{}
	for i, r := range rows {
		files[i].row = r
		index[key(r.Source, r.Label, r.Name)] = i
	}
	ctx := context.Background()
	for _, p := range order {
		var train []detectstat.Row
		for _, r := range rows {
			if r.Pool != p {
				train = append(train, r)
			}
		}
		m := detectstat.Train(train, alpha, cw)
		srcs := map[string]bool{}
		for _, i := range pools[p] {
			files[i].model = m.Predict(rows[i].Text)
			srcs[rows[i].Source] = true
		}
		if !withRules {
			continue
		}
		for src := range srcs {
			withModel := hook
			withModel.TentativePerson, withModel.Model = true, m
			for pass, cfg := range []detect.Config{{TentativePerson: true, NoModel: true}, withModel} {
				rep, err := detect.Evaluate(ctx, filepath.Join(sources, src), cfg)
				if err != nil {
					return err
				}
				for _, fr := range rep.Files {
					name := strings.TrimSuffix(filepath.Base(fr.Path), ".wav")
					i, ok := index[key(src, string(fr.Label), name)]
					if !ok {
						return fmt.Errorf("%s: not in the corpus (regenerate it)", fr.Path)
					}
					why := fr.Decision.Evidence
					if fr.Late != nil {
						why = fr.Late.Evidence
					}
					if pass == 0 {
						files[i].rules, files[i].rulesWhy = fr.FinalClass(), strings.Join(why, "; ")
						files[i].tentative = fr.Decision.Class == detect.Human && fr.Late == nil && strings.Contains(strings.Join(fr.Decision.Evidence, " "), "tentatively")
					} else {
						files[i].combined, files[i].combWhy = fr.FinalClass(), strings.Join(why, "; ")
					}
				}
			}
		}
	}
	fmt.Fprintf(w, "leave-one-pool-out over %d files in %d pools (%s); alpha %g, char weight %g\n", len(rows), len(order), strings.Join(order, " "), alpha, cw)
	modelClass := func(f file) detect.Class {
		if f.model.Class == "" {
			return detect.Silence // no word the model knows: the model alone says nobody spoke
		}
		return detect.Class(f.model.Class)
	}
	report(w, "model alone (no known word → silence)", files, modelClass, verbose)
	if withRules {
		report(w, "rules alone (tuned on these files: optimistic)", files, func(f file) detect.Class { return f.rules }, verbose)
		report(w, "rules + fold's model (model held out per fold, rules not)", files, func(f file) detect.Class { return f.combined }, verbose)
		changed(w, files)
	}
	headroom(w, files)
	return nil
}

// report prints one system's final-class figures over the files.
func report(w io.Writer, name string, files []file, class func(file) detect.Class, verbose bool) {
	right, persons, lost := 0, 0, 0
	conf := map[detect.Class]map[detect.Class]int{}
	var misses []string
	for _, f := range files {
		truth := detect.Class(f.row.Label)
		got := class(f)
		if conf[truth] == nil {
			conf[truth] = map[detect.Class]int{}
		}
		conf[truth][got]++
		if got == truth {
			right++
		} else if verbose {
			misses = append(misses, fmt.Sprintf("  MISS %s/%s/%s: %s → %s: %q", f.row.Source, f.row.Label, f.row.Name, truth, got, f.row.Text))
		}
		if truth == detect.Human {
			persons++
			if got != detect.Human {
				lost++
			}
		}
	}
	a, l := detect.Wilson(right, len(files)), detect.Wilson(lost, persons)
	fmt.Fprintf(w, "\n== %s\nfinal class %d/%d = %.1f %% (Wilson %.1f–%.1f)\npersons lost %d/%d = %.2f %% (Wilson %.2f–%.2f)\n",
		name, right, len(files), pct(right, len(files)), 100*a[0], 100*a[1], lost, persons, pct(lost, persons), 100*l[0], 100*l[1])
	cls := detect.Classes()
	fmt.Fprintf(w, "%-16s", "true \\ decided")
	for _, c := range cls {
		fmt.Fprintf(w, " %8.8s", c)
	}
	fmt.Fprintln(w)
	for _, t := range cls {
		if conf[t] == nil {
			continue
		}
		fmt.Fprintf(w, "%-16s", t)
		for _, c := range cls {
			fmt.Fprintf(w, " %8d", conf[t][c])
		}
		fmt.Fprintln(w)
	}
	for _, m := range misses {
		fmt.Fprintln(w, m)
	}
}

// changed lists the files the combination decides otherwise than the rules.
func changed(w io.Writer, files []file) {
	fmt.Fprintln(w, "\n== files the model's hook changed (rules → combined)")
	for _, f := range files {
		if f.rules != f.combined {
			mark := "worse"
			if string(f.combined) == f.row.Label {
				mark = "better"
			} else if string(f.rules) != f.row.Label {
				mark = "still wrong"
			}
			fmt.Fprintf(w, "  %s %s/%s/%s: %s → %s: %s\n", mark, f.row.Source, f.row.Label, f.row.Name, f.rules, f.combined, f.combWhy)
		}
	}
}

// headroom prints, for the late-correction threshold, the model's
// non-person posterior on every person (the threshold must stay above the
// highest: no person lost across the folds) and how many of the non-persons
// the rules keep as a tentative person reach each threshold.
func headroom(w io.Writer, files []file) {
	var persons []float64
	var kept []float64
	for _, f := range files {
		if f.row.Label == string(detect.Human) {
			if v := f.model.NonPerson(); v >= 0.999 {
				fmt.Fprintf(w, "  person %s/%s: non-person posterior %.6f on %q\n", f.row.Source, f.row.Name, v, f.row.Text)
			}
			persons = append(persons, f.model.NonPerson())
		} else if f.rules == detect.Human && f.tentative {
			kept = append(kept, f.model.NonPerson())
		}
	}
	sort.Sort(sort.Reverse(sort.Float64Slice(persons)))
	fmt.Fprintf(w, "\n== non-person posterior (fold's model): persons' highest five %s\n", fmtf(persons[:min(5, len(persons))]))
	for _, t := range []float64{0.9, 0.99, 0.999, 0.9999, 0.99999, 0.999999} {
		np := 0
		for _, v := range persons {
			if v >= t {
				np++
			}
		}
		nk := 0
		for _, v := range kept {
			if v >= t {
				nk++
			}
		}
		fmt.Fprintf(w, "  threshold %-9g persons at or above %4d / %d; non-persons kept as a tentative person by the rules at or above %4d / %d\n", t, np, len(persons), nk, len(kept))
	}
}

func fmtf(v []float64) string {
	var s []string
	for _, x := range v {
		s = append(s, fmt.Sprintf("%.6f", x))
	}
	return strings.Join(s, " ")
}

func pct(k, n int) float64 {
	if n == 0 {
		return 0
	}
	return 100 * float64(k) / float64(n)
}
