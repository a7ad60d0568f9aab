package intentstat

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
// many utterances carry each feature. It is immutable after Parse or Train
// and safe for concurrent use.
type Model struct {
	Alpha     float64 // additive smoothing
	Threshold float64 // the probability a guess needs (chosen by cross-validation by source)
	// CharWeight scales a character trigram's evidence: a word has several,
	// and counted in full they outvote its stem and the words around it
	CharWeight float64
	classes    []string
	docs       map[string]int            // utterances per class
	total      map[string]int            // feature occurrences per class
	counts     map[string]map[string]int // feature → class → count
	vocab      int
}

// Prediction is a model's answer for one utterance.
type Prediction struct {
	Intent string   // the best allowed intent; "" when None wins or nothing is known
	P      float64  // its probability among the allowed intents and None
	Why    []string // the features that most favoured it over the runner-up
}

// Train counts rows' features per intent. alpha is the smoothing (0.5 is
// a fair default); threshold is stored with the model.
func Train(rows []Row, alpha, threshold float64) *Model {
	m := &Model{Alpha: alpha, Threshold: threshold, CharWeight: 1, docs: map[string]int{}, total: map[string]int{}, counts: map[string]map[string]int{}}
	for _, r := range rows {
		fs := Features(r.Text)
		if len(fs) == 0 {
			continue
		}
		m.docs[r.Intent]++
		for _, f := range fs {
			if m.counts[f] == nil {
				m.counts[f] = map[string]int{}
			}
			m.counts[f][r.Intent]++
			m.total[r.Intent]++
		}
	}
	m.index()
	return m
}

func (m *Model) index() {
	m.classes = m.classes[:0]
	for c := range m.docs {
		m.classes = append(m.classes, c)
	}
	slices.Sort(m.classes)
	m.vocab = len(m.counts)
}

// Classes returns the intents the model knows, sorted.
func (m *Model) Classes() []string { return slices.Clone(m.classes) }

// WithThreshold returns a copy of m with another threshold.
func (m *Model) WithThreshold(t float64) *Model {
	c := *m
	c.Threshold = t
	return &c
}

// Guess is Predict with the model's threshold applied: the intent, or ""
// when the model is not sure enough, and why, for the log.
func (m *Model) Guess(text string, allowed []string) (intent string, p float64, why string) {
	pr := m.Predict(text, allowed)
	if pr.Intent == "" || pr.P < m.Threshold {
		return "", pr.P, ""
	}
	return pr.Intent, pr.P, strings.Join(pr.Why, " ")
}

// Predict returns the most probable of the allowed intents (all the model
// knows when allowed is nil), None competing with them.
func (m *Model) Predict(text string, allowed []string) Prediction {
	fs := Features(text)
	var known []string
	for _, f := range fs {
		if m.counts[f] != nil {
			known = append(known, f)
		}
	}
	if len(known) == 0 {
		return Prediction{}
	}
	var cands []string
	for _, c := range m.classes {
		if c == None || allowed == nil || slices.Contains(allowed, c) {
			cands = append(cands, c)
		}
	}
	if len(cands) == 0 {
		return Prediction{}
	}
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
	best, second := 0, -1
	for i := range cands {
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
	p := 1 / z
	if cands[best] == None {
		return Prediction{P: p}
	}
	pr := Prediction{Intent: cands[best], P: p}
	if second >= 0 {
		pr.Why = m.why(known, cands[best], cands[second])
	}
	return pr
}

// weight is the share of a feature's evidence that counts.
func (m *Model) weight(f string) float64 {
	if strings.HasPrefix(f, featChar) {
		return m.CharWeight
	}
	return 1
}

// WithCharWeight returns a copy of m with another CharWeight.
func (m *Model) WithCharWeight(w float64) *Model {
	c := *m
	c.CharWeight = w
	return &c
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
	fmt.Fprintln(bw, "# intentstat model: multinomial naive Bayes, generated by `go generate ./intentstat/` from corpus/; do not edit")
	fmt.Fprintf(bw, "alpha %s\n", strconv.FormatFloat(m.Alpha, 'g', -1, 64))
	fmt.Fprintf(bw, "threshold %s\n", strconv.FormatFloat(m.Threshold, 'g', -1, 64))
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
		case "alpha", "threshold", "charweight":
			if len(f) != 2 {
				return nil, bad("%s wants one number", f[0])
			}
			v, err := strconv.ParseFloat(f[1], 64)
			if err != nil || v < 0 {
				return nil, bad("%s %q is not a non-negative number", f[0], f[1])
			}
			switch f[0] {
			case "alpha":
				m.Alpha = v
			case "threshold":
				m.Threshold = v
			default:
				m.CharWeight = v
			}
		case "class":
			if len(f) != 4 {
				return nil, bad("class wants name, utterances, feature count")
			}
			d, err1 := strconv.Atoi(f[2])
			t, err2 := strconv.Atoi(f[3])
			if err1 != nil || err2 != nil || d <= 0 || t < 0 {
				return nil, bad("class %s: bad counts", f[1])
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
				if _, known := m.docs[c]; !known {
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

// Bundled-model parameters, chosen by cross-validation by source
// (intentstat/internal/cv; figures in scripts/testdata/eval/README.md).
const (
	DefaultAlpha      = 0.5
	DefaultThreshold  = 0.9999
	DefaultCharWeight = 0.3
)

// Generate trains the bundled model's way on rows and writes it: what `go
// generate` runs, and what the test compares with the committed model.txt.
func Generate(rows []Row, w io.Writer) error {
	return Train(rows, DefaultAlpha, DefaultThreshold).WithCharWeight(DefaultCharWeight).Write(w)
}
