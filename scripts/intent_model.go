package scripts

import (
	_ "embed"
	"math"
	"sort"
	"strings"
)

// The statistical intent model: a multinomial naive Bayes over word stems and
// character 3- and 4-grams, trained when a script is loaded from its own
// intent phrases and the labelled utterances of intent_corpus.tsv. It is a
// fallback only: the rules (Classify) decide whenever a phrase matches, and
// the model is asked only when none does.
//
// Hand-written: no maintained pure-Go module offers a text classifier small
// enough for this (a few hundred utterances, no external state); naive Bayes
// is forty lines and explainable by its top features.

//go:embed intent_corpus.tsv
var intentCorpus string

// noneClass is speech that carries no intent ("ммм", "картошка").
const noneClass = "none"

// Guess is the model's reading of an utterance.
type Guess struct {
	Intent string  // empty when the model abstains
	P      float64 // posterior of Intent among the allowed intents and "none"
	Known  float64 // share of the utterance's features seen in training
}

type intentModel struct {
	logLik  map[string]map[string]float64 // class → feature → log P(f|c)
	unknown map[string]float64            // class → log P(unseen f|c)
	vocab   map[string]bool
}

// trainIntentModel builds the model for a script's intents.
func trainIntentModel(intents map[string]*Intent) *intentModel {
	counts := map[string]map[string]float64{}
	add := func(text, class string) {
		if counts[class] == nil {
			counts[class] = map[string]float64{}
		}
		for _, f := range features(text) {
			counts[class][f]++
		}
	}
	for name, in := range intents {
		for _, p := range in.Phrases {
			add(p, name)
		}
	}
	for _, line := range strings.Split(intentCorpus, "\n") {
		text, class, ok := strings.Cut(line, "\t")
		if !ok || strings.HasPrefix(line, "#") {
			continue
		}
		if _, known := intents[class]; known || class == noneClass {
			add(text, class)
		}
	}
	m := &intentModel{logLik: map[string]map[string]float64{}, unknown: map[string]float64{}, vocab: map[string]bool{}}
	for _, fs := range counts {
		for f := range fs {
			m.vocab[f] = true
		}
	}
	const alpha = 0.5 // additive smoothing
	v := float64(len(m.vocab)) + 1
	for class, fs := range counts {
		total := 0.0
		for _, n := range fs {
			total += n
		}
		ll := map[string]float64{}
		for f, n := range fs {
			ll[f] = math.Log((n + alpha) / (total + alpha*v))
		}
		m.logLik[class] = ll
		m.unknown[class] = math.Log(alpha / (total + alpha*v))
	}
	return m
}

// guess scores the utterance among allowed intents and "none" with uniform
// priors (how often an intent is said in the corpus says nothing about this
// call) and returns the best class with its posterior.
func (m *intentModel) guess(text string, allowed []string) Guess {
	fs := features(text)
	if len(fs) == 0 || m == nil {
		return Guess{}
	}
	known := 0
	for _, f := range fs {
		if m.vocab[f] {
			known++
		}
	}
	classes := append([]string{noneClass}, allowed...)
	sort.Strings(classes)
	scores := map[string]float64{}
	best, bestScore := "", math.Inf(-1)
	for _, c := range classes {
		ll, ok := m.logLik[c]
		if !ok {
			continue
		}
		if _, dup := scores[c]; dup {
			continue
		}
		s := 0.0
		for _, f := range fs {
			if l, ok := ll[f]; ok {
				s += l
			} else {
				s += m.unknown[c]
			}
		}
		scores[c] = s
		if s > bestScore {
			best, bestScore = c, s
		}
	}
	if best == "" {
		return Guess{}
	}
	sum := 0.0
	for _, s := range scores {
		sum += math.Exp(s - bestScore)
	}
	g := Guess{Intent: best, P: 1 / sum, Known: float64(known) / float64(len(fs))}
	if best == noneClass {
		g.Intent = ""
	}
	return g
}

// features are the word stems and the character 3- and 4-grams of each word
// with its boundaries: the grams carry ASR-garbled and unseen word forms
// ("жинка", "ошиблися") to the words the model was trained on.
func features(text string) []string {
	var out []string
	for _, t := range Tokens(text) {
		out = append(out, "w:"+Stem(t))
		rs := []rune("^" + t + "$")
		for n := 3; n <= 4; n++ {
			for i := 0; i+n <= len(rs); i++ {
				out = append(out, string(rs[i:i+n]))
			}
		}
	}
	return out
}
