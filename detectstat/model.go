package detectstat

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Model is a multinomial naive Bayes model over Features: per class, how
// many files' texts carry each feature. It is immutable after Parse or
// Train and safe for concurrent use.
type Model struct {
	Alpha float64 // additive smoothing
	// CharWeight scales a character trigram's evidence: a word has several,
	// and counted in full they outvote its stem
	CharWeight float64
	classes    []string
	docs       map[string]int            // texts per class
	total      map[string]int            // feature occurrences per class
	counts     map[string]map[string]int // feature → class → count
	vocab      int
}

// Prediction is the model's answer for one text.
type Prediction struct {
	Class string             // the most probable class; "" when the text has no feature the model knows
	P     map[string]float64 // the posterior of every class the model knows
	Why   []string           // the features that most favoured Class over the runner-up
}

// NonPerson is the posterior that no person answered: 1 − P(human); 0 for
// an empty prediction (the model knows nothing, which says nothing).
func (p Prediction) NonPerson() float64 {
	if p.Class == "" {
		return 0
	}
	return 1 - p.P["human"]
}

// BestOf returns the most probable of the given classes and its posterior
// renormalised among them ("" and 0 for an empty prediction).
func (p Prediction) BestOf(among ...string) (string, float64) {
	best, sum, bp := "", 0.0, -1.0
	for _, c := range among {
		v := p.P[c]
		sum += v
		if v > bp {
			best, bp = c, v
		}
	}
	if p.Class == "" || sum <= 0 {
		return "", 0
	}
	return best, bp / sum
}

// Train counts rows' features per label. Rows whose text has no feature
// (silent lines mostly) teach nothing and are skipped.
func Train(rows []Row, alpha, charWeight float64) *Model {
	m := &Model{Alpha: alpha, CharWeight: charWeight, docs: map[string]int{}, total: map[string]int{}, counts: map[string]map[string]int{}}
	for _, r := range rows {
		fs := Features(r.Text)
		if len(fs) == 0 {
			continue
		}
		m.docs[r.Label]++
		for _, f := range fs {
			if m.counts[f] == nil {
				m.counts[f] = map[string]int{}
			}
			m.counts[f][r.Label]++
			m.total[r.Label]++
		}
	}
	m.index()
	return m
}

func (m *Model) index() {
	m.classes = m.classes[:0]
	for _, c := range classes {
		if m.docs[c] > 0 {
			m.classes = append(m.classes, c)
		}
	}
	m.vocab = len(m.counts)
}

// Predict returns the posterior of every class for text.
func (m *Model) Predict(text string) Prediction {
	var known []string
	for _, f := range Features(text) {
		if m.counts[f] != nil {
			known = append(known, f)
		}
	}
	if len(known) == 0 || len(m.classes) == 0 {
		return Prediction{}
	}
	ndocs := 0
	for _, c := range m.classes {
		ndocs += m.docs[c]
	}
	score := make([]float64, len(m.classes))
	best, second := 0, -1
	for i, c := range m.classes {
		s := math.Log(float64(m.docs[c]) / float64(ndocs))
		for _, f := range known {
			s += m.weight(f) * m.logP(f, c)
		}
		score[i] = s
	}
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
	pr := Prediction{Class: m.classes[best], P: map[string]float64{}}
	for i, c := range m.classes {
		pr.P[c] = math.Exp(score[i]-score[best]) / z
	}
	if second >= 0 {
		pr.Why = m.why(known, m.classes[best], m.classes[second])
	}
	return pr
}

// Explain names the features that most favour class a over class b in text.
func (m *Model) Explain(text, a, b string) []string {
	var known []string
	for _, f := range Features(text) {
		if m.counts[f] != nil {
			known = append(known, f)
		}
	}
	return m.why(known, a, b)
}

func (m *Model) weight(f string) float64 {
	if strings.HasPrefix(f, featChar) {
		return m.CharWeight
	}
	return 1
}

func (m *Model) logP(f, c string) float64 {
	return math.Log((float64(m.counts[f][c]) + m.Alpha) / (float64(m.total[c]) + m.Alpha*float64(m.vocab)))
}

// why returns up to three features that favour class a over b most.
func (m *Model) why(known []string, a, b string) []string {
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

// Write writes the model in the text form Parse reads, sorted, so the
// same corpus always gives the same bytes.
func (m *Model) Write(w io.Writer) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintln(bw, "# detectstat model: multinomial naive Bayes, generated by `go generate ./detectstat/` from corpus/texts.tsv; do not edit")
	fmt.Fprintf(bw, "alpha %s\n", strconv.FormatFloat(m.Alpha, 'g', -1, 64))
	fmt.Fprintf(bw, "charweight %s\n", strconv.FormatFloat(m.CharWeight, 'g', -1, 64))
	for _, c := range m.classes {
		fmt.Fprintf(bw, "class %s %d %d\n", c, m.docs[c], m.total[c])
	}
	feats := make([]string, 0, len(m.counts))
	for f := range m.counts {
		feats = append(feats, f)
	}
	slices.Sort(feats)
	for _, f := range feats {
		bw.WriteString("f " + f)
		for _, c := range m.classes {
			if n := m.counts[f][c]; n > 0 {
				fmt.Fprintf(bw, " %s=%d", c, n)
			}
		}
		bw.WriteByte('\n')
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write model: %w", err)
	}
	return nil
}

// Parse reads a model written by Write; name is used in errors.
func Parse(name string, r io.Reader) (*Model, error) {
	m := &Model{CharWeight: 1, docs: map[string]int{}, total: map[string]int{}, counts: map[string]map[string]int{}}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	line := 0
	bad := func(format string, a ...any) error {
		return fmt.Errorf("parse model %s:%d: %s", name, line, fmt.Sprintf(format, a...))
	}
	for sc.Scan() {
		line++
		s := sc.Text()
		if s == "" || strings.HasPrefix(s, "#") {
			continue
		}
		f := strings.Fields(s)
		switch f[0] {
		case "alpha", "charweight":
			if len(f) != 2 {
				return nil, bad("%s wants one number", f[0])
			}
			v, err := strconv.ParseFloat(f[1], 64)
			if err != nil || v < 0 {
				return nil, bad("%s %q is not a non-negative number", f[0], f[1])
			}
			if f[0] == "alpha" {
				m.Alpha = v
			} else {
				m.CharWeight = v
			}
		case "class":
			if len(f) != 4 {
				return nil, bad("class wants name, texts, feature count")
			}
			d, err1 := strconv.Atoi(f[2])
			t, err2 := strconv.Atoi(f[3])
			if err1 != nil || err2 != nil || d <= 0 || t < 0 || !known(f[1]) {
				return nil, bad("class %s: unknown or bad counts", f[1])
			}
			m.docs[f[1]], m.total[f[1]] = d, t
		case "f":
			if len(f) < 3 {
				return nil, bad("feature with no counts")
			}
			cs := map[string]int{}
			for _, kv := range f[2:] {
				c, n, ok := strings.Cut(kv, "=")
				v, err := strconv.Atoi(n)
				if !ok || err != nil || v <= 0 {
					return nil, bad("feature %s: bad count %q", f[1], kv)
				}
				if _, ok := m.docs[c]; !ok {
					return nil, bad("feature %s: unknown class %q", f[1], c)
				}
				cs[c] = v
			}
			m.counts[f[1]] = cs
		default:
			return nil, bad("unknown line kind %q", f[0])
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("parse model %s: %w", name, err)
	}
	if len(m.docs) == 0 || m.Alpha <= 0 {
		return nil, fmt.Errorf("parse model %s: no classes or no positive alpha", name)
	}
	m.index()
	return m, nil
}

// Bundled-model parameters (internal/lopo prints the figures for others).
const (
	DefaultAlpha      = 0.5
	DefaultCharWeight = 0.3
)

// Generate trains the bundled model's way on rows and writes it: what `go
// generate` runs, and what the test compares with the committed model.txt.
func Generate(rows []Row, w io.Writer) error {
	return Train(rows, DefaultAlpha, DefaultCharWeight).Write(w)
}

// Posterior is Predict in the form detect.TextModel asks for: each class's
// posterior (nil when the text has no word the model knows) and the
// features that most favoured the best class.
func (m *Model) Posterior(text string) (map[string]float64, []string) {
	p := m.Predict(text)
	if p.Class == "" {
		return nil, nil
	}
	return p.P, p.Why
}
