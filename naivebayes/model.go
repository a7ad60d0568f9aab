package naivebayes

import (
	"fmt"
	"math"
	"slices"
	"strings"
)

// Model counts, per class, how many documents carry each feature. It is
// immutable after Index or Parse and then safe for concurrent use.
type Model struct {
	Alpha float64 // additive smoothing
	// CharWeight scales the evidence of a feature with WeightedPrefix (a
	// word has several character trigrams, and counted in full they outvote
	// its stem and the words around it)
	CharWeight     float64
	WeightedPrefix string
	order          []string // class order; nil sorts the classes by name
	classes        []string
	docs           map[string]int            // documents per class
	total          map[string]int            // feature occurrences per class
	counts         map[string]map[string]int // feature → class → count
	vocab          int
}

// New returns an empty model. order fixes the classes' order (only those
// with documents take part); nil sorts them by name.
func New(alpha, charWeight float64, weightedPrefix string, order []string) *Model {
	return &Model{Alpha: alpha, CharWeight: charWeight, WeightedPrefix: weightedPrefix, order: order,
		docs: map[string]int{}, total: map[string]int{}, counts: map[string]map[string]int{}}
}

// Add counts one document of class with its distinct features; a document
// with none teaches nothing and is skipped. Call Index after the last.
func (m *Model) Add(class string, features []string) {
	if len(features) == 0 {
		return
	}
	m.docs[class]++
	for _, f := range features {
		if m.counts[f] == nil {
			m.counts[f] = map[string]int{}
		}
		m.counts[f][class]++
		m.total[class]++
	}
}

// Index settles the classes and the vocabulary after the counts.
func (m *Model) Index() {
	m.classes = m.classes[:0]
	if m.order == nil {
		for c := range m.docs {
			m.classes = append(m.classes, c)
		}
		slices.Sort(m.classes)
	} else {
		for _, c := range m.order {
			if m.docs[c] > 0 {
				m.classes = append(m.classes, c)
			}
		}
	}
	m.vocab = len(m.counts)
}

// Classes returns the classes the model knows, in its order.
func (m *Model) Classes() []string { return slices.Clone(m.classes) }

// Known returns the features the model has seen.
func (m *Model) Known(features []string) []string {
	var known []string
	for _, f := range features {
		if m.counts[f] != nil {
			known = append(known, f)
		}
	}
	return known
}

// Scores returns each candidate class's log prior (among the candidates)
// plus the weighted log likelihood of the known features.
func (m *Model) Scores(known, cands []string) []float64 {
	ndocs := 0
	for _, c := range cands {
		ndocs += m.docs[c]
	}
	score := make([]float64, len(cands))
	for i, c := range cands {
		s := math.Log(float64(m.docs[c]) / float64(ndocs))
		for _, f := range known {
			s += m.weight(f) * m.logP(f, c)
		}
		score[i] = s
	}
	return score
}

// Best returns the index of the highest score, of the runner-up (-1 when
// there is one score) and the best one's posterior among all.
func Best(score []float64) (best, second int, p float64) {
	best, second = 0, -1
	for i := range score {
		if i == best {
			continue
		}
		if score[i] > score[best] {
			best, second = i, best
		} else if second < 0 || score[i] > score[second] {
			second = i
		}
	}
	var z float64
	for _, s := range score {
		z += math.Exp(s - score[best])
	}
	return best, second, 1 / z
}

func (m *Model) weight(f string) float64 {
	if m.WeightedPrefix != "" && strings.HasPrefix(f, m.WeightedPrefix) {
		return m.CharWeight
	}
	return 1
}

func (m *Model) logP(f, c string) float64 {
	return math.Log((float64(m.counts[f][c]) + m.Alpha) / (float64(m.total[c]) + m.Alpha*float64(m.vocab)))
}

// Why returns up to three known features that favour class a over b most,
// each with its weighted log-odds, for a log line.
func (m *Model) Why(known []string, a, b string) []string {
	type ev struct {
		f string
		d float64
	}
	var evs []ev
	for _, f := range known {
		if d := m.weight(f) * (m.logP(f, a) - m.logP(f, b)); d > 0 {
			evs = append(evs, ev{f, d})
		}
	}
	slices.SortFunc(evs, func(x, y ev) int {
		if x.d != y.d {
			if x.d > y.d {
				return -1
			}
			return 1
		}
		return strings.Compare(x.f, y.f)
	})
	var out []string
	for i := 0; i < len(evs) && i < 3; i++ {
		out = append(out, fmt.Sprintf("%s(+%.1f vs %s)", evs[i].f, evs[i].d, b))
	}
	return out
}
