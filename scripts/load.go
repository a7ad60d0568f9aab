package scripts

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Diagnostic is one lint finding at a place in a file.
type Diagnostic struct {
	File    string
	Line    int
	Warning bool // warnings do not stop Load
	Msg     string
}

// String is "file:line: msg" (with "warning: " for warnings).
func (d Diagnostic) String() string {
	w := ""
	if d.Warning {
		w = "warning: "
	}
	return fmt.Sprintf("%s:%d: %s%s", d.File, d.Line, w, d.Msg)
}

// Load reads a script and its imported phrase base and checks it. Any lint
// error (not warning) makes Load fail with every error, one per line.
func Load(path string) (*Script, error) {
	s, diags := parse(path)
	if s != nil && !hasErrors(diags) {
		diags = append(diags, lint(s)...)
	}
	var errs []error
	for _, d := range diags {
		if !d.Warning {
			errs = append(errs, errors.New(d.String()))
		}
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("load script: %w", errors.Join(errs...))
	}
	return s, nil
}

// Lint parses a script and returns every diagnostic, sorted by file and line.
// A phrase base (a file with phrases and intents but no nodes) is checked on
// its own: its structure, intents' negations and phrase markup.
func Lint(path string) []Diagnostic {
	if isPhraseBase(path) {
		return lintPhraseBase(path)
	}
	s, diags := parse(path)
	if s != nil && !hasErrors(diags) {
		diags = append(diags, lint(s)...)
	}
	sort.SliceStable(diags, func(i, j int) bool {
		if diags[i].File != diags[j].File {
			return diags[i].File < diags[j].File
		}
		return diags[i].Line < diags[j].Line
	})
	return diags
}

func hasErrors(ds []Diagnostic) bool {
	for _, d := range ds {
		if !d.Warning {
			return true
		}
	}
	return false
}

func isPhraseBase(path string) bool {
	data, err := os.ReadFile(path)
	if err != nil {
		return false
	}
	var top map[string]yaml.Node
	if yaml.Unmarshal(data, &top) != nil {
		return false
	}
	_, nodes := top["nodes"]
	_, phrases := top["phrases"]
	_, intents := top["intents"]
	return !nodes && (phrases || intents)
}

func lintPhraseBase(path string) []Diagnostic {
	data, err := os.ReadFile(path)
	if err != nil {
		return []Diagnostic{{File: path, Msg: fmt.Sprintf("read: %v", err)}}
	}
	var pb phraseBase
	if ds := decodeStrict(path, data, &pb); len(ds) > 0 {
		return ds
	}
	var diags []Diagnostic
	for name, in := range pb.Intents {
		if in.Negation != "" && pb.Intents[in.Negation] == nil {
			diags = append(diags, Diagnostic{File: path, Line: in.Line, Msg: fmt.Sprintf("intent %q: negation: unknown intent %q", name, in.Negation)})
		}
		if len(in.Phrases) == 0 {
			diags = append(diags, Diagnostic{File: path, Line: in.Line, Msg: fmt.Sprintf("intent %q has no phrases", name)})
		}
	}
	for id, p := range pb.Phrases {
		if strings.TrimSpace(p.Text) == "" {
			diags = append(diags, Diagnostic{File: path, Line: p.Line, Msg: fmt.Sprintf("phrase %q has no text", id)})
		}
		for _, r := range Refs(p.Text) {
			if r.Filter != "" && !contains(Filters(), r.Filter) {
				diags = append(diags, Diagnostic{File: path, Line: p.Line, Msg: fmt.Sprintf("phrase %q: unknown filter %q", id, r.Filter)})
			}
		}
	}
	sort.SliceStable(diags, func(i, j int) bool { return diags[i].Line < diags[j].Line })
	return diags
}

// phraseBase is an imported file of phrases and intents.
type phraseBase struct {
	Phrases map[string]*Phrase `yaml:"phrases"`
	Intents map[string]*Intent `yaml:"intents"`
}

// parse decodes the script and its imports; the returned diagnostics are
// structural (YAML, unknown fields, duplicates).
func parse(path string) (*Script, []Diagnostic) {
	h := sha256.New()
	var diags []Diagnostic
	var s Script
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, []Diagnostic{{File: path, Line: 0, Msg: fmt.Sprintf("read: %v", err)}}
	}
	h.Write(data)
	if ds := decodeStrict(path, data, &s); len(ds) > 0 {
		return nil, ds
	}
	s.File = path
	if s.Phrases == nil {
		s.Phrases = map[string]*Phrase{}
	}
	if s.Intents == nil {
		s.Intents = map[string]*Intent{}
	}
	for id, p := range s.Phrases {
		p.ID, p.File = id, path
	}
	for name, in := range s.Intents {
		in.Name, in.File = name, path
	}
	for _, imp := range s.Import {
		ip := imp
		if !filepath.IsAbs(ip) {
			ip = filepath.Join(filepath.Dir(path), imp)
		}
		idata, err := os.ReadFile(ip)
		if err != nil {
			diags = append(diags, Diagnostic{File: path, Line: 1, Msg: fmt.Sprintf("import %q: %v", imp, err)})
			continue
		}
		h.Write(idata)
		var pb phraseBase
		if ds := decodeStrict(ip, idata, &pb); len(ds) > 0 {
			diags = append(diags, ds...)
			continue
		}
		for id, p := range pb.Phrases {
			p.ID, p.File = id, ip
			if old, dup := s.Phrases[id]; dup {
				diags = append(diags, Diagnostic{File: ip, Line: p.Line, Msg: fmt.Sprintf("phrase %q already defined at %s:%d", id, old.File, old.Line)})
				continue
			}
			s.Phrases[id] = p
		}
		for name, in := range pb.Intents {
			in.Name, in.File = name, ip
			if old, dup := s.Intents[name]; dup {
				diags = append(diags, Diagnostic{File: ip, Line: in.Line, Msg: fmt.Sprintf("intent %q already defined at %s:%d", name, old.File, old.Line)})
				continue
			}
			s.Intents[name] = in
		}
	}
	s.Hash = hex.EncodeToString(h.Sum(nil))
	s.index = map[string]*Node{}
	for _, n := range s.Nodes {
		if n.ID == "" {
			diags = append(diags, Diagnostic{File: path, Line: n.Line, Msg: "node without an id"})
			continue
		}
		if old, dup := s.index[n.ID]; dup {
			diags = append(diags, Diagnostic{File: path, Line: n.Line, Msg: fmt.Sprintf("node %q already defined at line %d", n.ID, old.Line)})
			continue
		}
		s.index[n.ID] = n
	}
	s.matcher = NewMatcher(s.Intents)
	s.times = NewTimeParser()
	return &s, diags
}

var yamlLine = regexp.MustCompile(`line (\d+): (.*)`)

// DecodeStrict decodes a YAML document into out (a pointer to a struct with
// yaml tags), reporting syntax errors, type errors and unknown keys as
// diagnostics with their lines. yaml.v3's KnownFields does not reach into
// custom unmarshalers, so unknown keys are checked here against the tags.
func DecodeStrict(file string, data []byte, out any) []Diagnostic {
	return decodeStrict(file, data, out)
}

func decodeStrict(file string, data []byte, out any) []Diagnostic {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return yamlDiags(file, err)
	}
	if len(root.Content) == 0 {
		return []Diagnostic{{File: file, Line: 1, Msg: "empty document"}}
	}
	var diags []Diagnostic
	checkKnown(file, root.Content[0], reflect.TypeOf(out), &diags)
	if len(diags) > 0 {
		return diags
	}
	if err := root.Content[0].Decode(out); err != nil {
		return yamlDiags(file, err)
	}
	return nil
}

func yamlDiags(file string, err error) []Diagnostic {
	var msgs []string
	var te *yaml.TypeError
	if errors.As(err, &te) {
		msgs = te.Errors
	} else {
		msgs = []string{err.Error()}
	}
	var out []Diagnostic
	for _, m := range msgs {
		m = strings.TrimPrefix(m, "yaml: ")
		d := Diagnostic{File: file, Line: 1, Msg: m}
		if sm := yamlLine.FindStringSubmatch(m); sm != nil {
			d.Line, _ = strconv.Atoi(sm[1])
			d.Msg = sm[2]
		}
		out = append(out, d)
	}
	return out
}

func checkKnown(file string, v *yaml.Node, t reflect.Type, diags *[]Diagnostic) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if v.Kind == yaml.AliasNode && v.Alias != nil {
		v = v.Alias
	}
	switch t.Kind() {
	case reflect.Struct:
		if v.Kind != yaml.MappingNode {
			return // scalars are handled by the type's own UnmarshalYAML
		}
		fields := map[string]reflect.Type{}
		var names []string
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			tag := strings.Split(f.Tag.Get("yaml"), ",")[0]
			if tag == "" || tag == "-" {
				continue
			}
			fields[tag] = f.Type
			names = append(names, tag)
		}
		if len(fields) == 0 {
			return // a type that decodes itself (no yaml tags)
		}
		for i := 0; i+1 < len(v.Content); i += 2 {
			k := v.Content[i]
			ft, ok := fields[k.Value]
			if !ok {
				*diags = append(*diags, Diagnostic{File: file, Line: k.Line,
					Msg: fmt.Sprintf("unknown field %q (known: %s)", k.Value, strings.Join(names, ", "))})
				continue
			}
			checkKnown(file, v.Content[i+1], ft, diags)
		}
	case reflect.Map:
		if v.Kind == yaml.MappingNode {
			for i := 1; i < len(v.Content); i += 2 {
				if noValue(v.Content[i], t.Elem()) {
					k := v.Content[i-1]
					*diags = append(*diags, Diagnostic{File: file, Line: k.Line, Msg: fmt.Sprintf("%q has no value", k.Value)})
					continue
				}
				checkKnown(file, v.Content[i], t.Elem(), diags)
			}
		}
	case reflect.Slice:
		if v.Kind == yaml.SequenceNode {
			for _, c := range v.Content {
				if noValue(c, t.Elem()) {
					*diags = append(*diags, Diagnostic{File: file, Line: c.Line, Msg: "an empty list item"})
					continue
				}
				checkKnown(file, c, t.Elem(), diags)
			}
		}
	}
}

// noValue reports a null ("id:" or "- ~") where a pointer is decoded: it
// would decode to nil, and every later pass reads the entries (FuzzPhraseBase
// found `phrases: {0.: }` panicking the lint).
func noValue(v *yaml.Node, t reflect.Type) bool {
	if v.Kind == yaml.AliasNode && v.Alias != nil {
		v = v.Alias
	}
	return t.Kind() == reflect.Pointer && v.Kind == yaml.ScalarNode && v.ShortTag() == "!!null"
}

// The UnmarshalYAML methods below record the line of each element.

// UnmarshalYAML records the node's line.
func (n *Node) UnmarshalYAML(v *yaml.Node) error {
	type plain Node
	if err := v.Decode((*plain)(n)); err != nil {
		return err
	}
	n.Line = v.Line
	n.keyLines = map[string]int{}
	for i := 0; i+1 < len(v.Content); i += 2 {
		n.keyLines[v.Content[i].Value] = v.Content[i].Line
	}
	return nil
}

// UnmarshalYAML records the line.
func (a *Ask) UnmarshalYAML(v *yaml.Node) error {
	type plain Ask
	if err := v.Decode((*plain)(a)); err != nil {
		return err
	}
	a.Line = v.Line
	return nil
}

// UnmarshalYAML records the line.
func (r *Route) UnmarshalYAML(v *yaml.Node) error {
	type plain Route
	if err := v.Decode((*plain)(r)); err != nil {
		return err
	}
	r.Line = v.Line
	return nil
}

// UnmarshalYAML records the line.
func (c *Cond) UnmarshalYAML(v *yaml.Node) error {
	type plain Cond
	if err := v.Decode((*plain)(c)); err != nil {
		return err
	}
	c.Line = v.Line
	return nil
}

// UnmarshalYAML accepts "to" as a scalar or a mapping.
func (t *Transfer) UnmarshalYAML(v *yaml.Node) error {
	t.Line = v.Line
	if v.Kind == yaml.ScalarNode {
		t.To = v.Value
		return nil
	}
	type plain Transfer
	if err := v.Decode((*plain)(t)); err != nil {
		return err
	}
	t.Line = v.Line
	return nil
}

// UnmarshalYAML accepts a phrase as its text alone or as a mapping.
func (p *Phrase) UnmarshalYAML(v *yaml.Node) error {
	p.Line = v.Line
	if v.Kind == yaml.ScalarNode {
		p.Text = v.Value
		return nil
	}
	type plain Phrase
	if err := v.Decode((*plain)(p)); err != nil {
		return err
	}
	p.Line = v.Line
	return nil
}

// UnmarshalYAML accepts an intent as a list of phrases or a mapping.
func (in *Intent) UnmarshalYAML(v *yaml.Node) error {
	in.Line = v.Line
	if v.Kind == yaml.SequenceNode {
		return v.Decode(&in.Phrases)
	}
	type plain Intent
	if err := v.Decode((*plain)(in)); err != nil {
		return err
	}
	in.Line = v.Line
	return nil
}
