package naivebayes

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

// Param is one named number a model's text form carries besides its counts
// (a threshold chosen by cross-validation, say).
type Param struct {
	Name  string
	Value float64
}

// Write writes the model in the text form Parse reads: the header comment,
// alpha, params in order, charweight, the classes, then every feature
// sorted, so the same corpus always gives the same bytes.
func (m *Model) Write(w io.Writer, header string, params ...Param) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintln(bw, "# "+header)
	fmt.Fprintf(bw, "alpha %s\n", strconv.FormatFloat(m.Alpha, 'g', -1, 64))
	for _, p := range params {
		fmt.Fprintf(bw, "%s %s\n", p.Name, strconv.FormatFloat(p.Value, 'g', -1, 64))
	}
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

// Form says how a model's text is read: what New would be given, the
// params it may carry and which class names are allowed (nil: any).
type Form struct {
	WeightedPrefix string
	Order          []string
	Params         []string
	ClassOK        func(string) bool
}

// Parse reads a model written by Write; name is used in errors, which name
// the line. It returns the params found by name.
func Parse(name string, r io.Reader, form Form) (*Model, map[string]float64, error) {
	m := New(0, 1, form.WeightedPrefix, form.Order)
	params := map[string]float64{}
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
		switch {
		case f[0] == "alpha" || f[0] == "charweight" || slices.Contains(form.Params, f[0]):
			if len(f) != 2 {
				return nil, nil, bad("%s wants one number", f[0])
			}
			v, err := strconv.ParseFloat(f[1], 64)
			if err != nil || v < 0 {
				return nil, nil, bad("%s %q is not a non-negative number", f[0], f[1])
			}
			switch f[0] {
			case "alpha":
				m.Alpha = v
			case "charweight":
				m.CharWeight = v
			default:
				params[f[0]] = v
			}
		case f[0] == "class":
			if len(f) != 4 {
				return nil, nil, bad("class wants name, documents, feature count")
			}
			d, err1 := strconv.Atoi(f[2])
			t, err2 := strconv.Atoi(f[3])
			if err1 != nil || err2 != nil || d <= 0 || t < 0 || (form.ClassOK != nil && !form.ClassOK(f[1])) {
				return nil, nil, bad("class %s: unknown or bad counts", f[1])
			}
			m.docs[f[1]], m.total[f[1]] = d, t
		case f[0] == "f":
			if len(f) < 3 {
				return nil, nil, bad("feature with no counts")
			}
			cs := map[string]int{}
			for _, kv := range f[2:] {
				c, n, ok := strings.Cut(kv, "=")
				v, err := strconv.Atoi(n)
				if !ok || err != nil || v <= 0 {
					return nil, nil, bad("feature %s: bad count %q", f[1], kv)
				}
				if _, known := m.docs[c]; !known {
					return nil, nil, bad("feature %s: unknown class %q", f[1], c)
				}
				cs[c] = v
			}
			m.counts[f[1]] = cs
		default:
			return nil, nil, bad("unknown line kind %q", f[0])
		}
	}
	if err := sc.Err(); err != nil {
		return nil, nil, fmt.Errorf("parse model %s: %w", name, err)
	}
	if len(m.docs) == 0 || m.Alpha <= 0 {
		return nil, nil, fmt.Errorf("parse model %s: no classes or no positive alpha", name)
	}
	m.Index()
	return m, params, nil
}
