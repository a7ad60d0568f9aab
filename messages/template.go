package messages

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"text/template"
	"text/template/parse"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"github.com/dozvon/dozvon/compliance"
)

// Channel is how a message travels.
type Channel string

// Channels.
const (
	SMS   Channel = "sms"
	Email Channel = "email"
)

// ParseChannel reads a channel name.
func ParseChannel(s string) (Channel, error) {
	switch c := Channel(s); c {
	case SMS, Email:
		return c, nil
	}
	return "", fmt.Errorf("channel %q: want sms or email", s)
}

// Audience is whom a template may reach.
type Audience string

// Audiences.
const (
	// ToDebtor: only a recipient confirmed as the debtor's (a number the
	// robot identified the debtor on, an address the debtor confirmed). It
	// may name the debtor, the creditor and the debt.
	ToDebtor Audience = "debtor"
	// ToAnyone: any recipient, the debtor's or not (a number nobody has
	// confirmed may reach a relative, a new subscriber). It may name only
	// the agency: 230-FZ art. 6 part 5 forbids telling a third party of the
	// debt, its terms or the debtor's relation to a creditor.
	ToAnyone Audience = "anyone"
)

// Template is one message template: its text and subject are text/template
// (Russian text, variables as {{.debtor.first_name}}), checked at load.
type Template struct {
	Name     string
	Audience Audience
	Channels []Channel // the channels it may go by
	File     string
	Line     int // the template's key in the file

	subject, text *template.Template
}

// Allows reports whether the template may go by ch.
func (t *Template) Allows(ch Channel) bool { return slices.Contains(t.Channels, ch) }

// Set is the templates loaded from one file, by name.
type Set struct {
	byName map[string]*Template
}

// Get returns the template called name.
func (s *Set) Get(name string) (*Template, bool) {
	if s == nil {
		return nil, false
	}
	t, ok := s.byName[name]
	return t, ok
}

// Names lists the templates, sorted.
func (s *Set) Names() []string {
	if s == nil {
		return nil
	}
	out := make([]string, 0, len(s.byName))
	for n := range s.byName {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// publicVars are the only variables a template for anyone may use: they
// name the agency, which 230-FZ art. 7 requires every message to do (docs/MESSAGES.md).
// Everything else — and any variable this list does not know — names the
// debtor, the creditor or the debt, the stricter reading.
func publicVars() map[string]string {
	return map[string]string{
		"agency.name":  "the agency's name",
		"agency.phone": "the agency's contact number",
	}
}

// debtorVars may reach only a recipient confirmed as the debtor's.
func debtorVars() map[string]string {
	return map[string]string{
		"debtor.name":       "the debtor's full name",
		"debtor.first_name": "the debtor's first name",
		"creditor.name":     "the creditor",
		"debt.amount":       "the debt, written (12 345 рублей 50 копеек)",
		"debt.contract":     "the contract number",
		"payment.details":   "how to pay (the configured payment details)",
	}
}

// slotsRoot holds a call's outcome slots (slots.promise_at, slots.amount):
// debtor-only, any name.
const slotsRoot = "slots"

// Variables lists every variable a template may use and whom it may reach.
func Variables() map[string]Audience {
	out := map[string]Audience{slotsRoot + ".*": ToDebtor}
	for v := range publicVars() {
		out[v] = ToAnyone
	}
	for v := range debtorVars() {
		out[v] = ToDebtor
	}
	return out
}

// varAudience says whom a variable may reach, and whether it is known.
func varAudience(path string) (Audience, bool) {
	if _, ok := publicVars()[path]; ok {
		return ToAnyone, true
	}
	if _, ok := debtorVars()[path]; ok {
		return ToDebtor, true
	}
	if strings.HasPrefix(path, slotsRoot+".") && len(path) > len(slotsRoot)+1 && !strings.Contains(path[len(slotsRoot)+1:], ".") {
		return ToDebtor, true
	}
	return "", false
}

// allowedIdents are the only functions a template may call: none, beyond the
// comparisons of text/template's if. A function could compute anything
// (call, index, printf of a value); keeping the language to fields and ifs
// is what makes the disclosure check of a template's variables complete.
var allowedIdents = map[string]bool{"and": true, "or": true, "not": true, "eq": true, "ne": true}

// fileYAML is the template file: a map of templates by name.
type fileYAML struct {
	Templates yaml.Node `yaml:"templates"`
}

type templateYAML struct {
	Audience string   `yaml:"audience"`
	Channels []string `yaml:"channels"`
	Subject  string   `yaml:"subject"`
	Text     string   `yaml:"text"`
}

var templateName = regexp.MustCompile(`^[a-z][a-z0-9_]{0,63}$`)

// LoadFile loads and checks a template file.
func LoadFile(path string) (*Set, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load templates: %w", err)
	}
	return Parse(path, bytes.NewReader(b))
}

// Parse reads and checks a template file; name is the file name errors
// name. Every error names file:line: a YAML error, an unknown key, a
// template that does not parse, a variable nobody knows, a variable or a
// word of the debt in a template for anyone.
//
//	templates:
//	  payment_details:
//	    audience: debtor          # debtor | anyone
//	    channels: [sms, email]
//	    subject: Реквизиты для оплаты
//	    text: |
//	      {{.debtor.first_name}}, реквизиты для оплаты: {{.payment.details}}. {{.agency.name}}
func Parse(name string, r io.Reader) (*Set, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("load templates %s: %w", name, err)
	}
	if !utf8.Valid(b) {
		return nil, fmt.Errorf("load templates %s: not UTF-8 text", name)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("load templates %s: %w", name, err)
	}
	if len(doc.Content) == 0 {
		return nil, fmt.Errorf("load templates %s: empty file: want a \"templates\" map", name)
	}
	var f fileYAML
	root := doc.Content[0]
	if err := decodeStrict(root, &f); err != nil {
		return nil, fmt.Errorf("load templates %s:%d: %w", name, root.Line, err)
	}
	m := &f.Templates
	if m.Kind != yaml.MappingNode || len(m.Content) == 0 {
		return nil, fmt.Errorf("load templates %s:%d: \"templates\" must be a non-empty map of templates by name", name, max(m.Line, root.Line))
	}
	set := &Set{byName: map[string]*Template{}}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		t, err := parseOne(name, k, v)
		if err != nil {
			return nil, fmt.Errorf("load templates %w", err)
		}
		if _, dup := set.byName[t.Name]; dup {
			return nil, fmt.Errorf("load templates %s:%d: template %q is defined twice", name, k.Line, t.Name)
		}
		set.byName[t.Name] = t
	}
	return set, nil
}

// decodeStrict decodes n into v, refusing keys v does not have.
func decodeStrict(n *yaml.Node, v any) error {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	if err := enc.Encode(n); err != nil {
		return err
	}
	dec := yaml.NewDecoder(&buf)
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("%s", strings.TrimPrefix(err.Error(), "yaml: "))
	}
	return nil
}

func parseOne(file string, k, v *yaml.Node) (*Template, error) {
	at := func(line int, format string, a ...any) error {
		return fmt.Errorf("%s:%d: template %q: %s", file, line, k.Value, fmt.Sprintf(format, a...))
	}
	if k.Kind != yaml.ScalarNode || !templateName.MatchString(k.Value) {
		return nil, fmt.Errorf("%s:%d: template name %q: want lower-case letters, digits and _ (payment_details)", file, k.Line, k.Value)
	}
	if v.Kind != yaml.MappingNode {
		return nil, at(v.Line, "want a map with audience, channels, subject and text")
	}
	var raw templateYAML
	for i := 0; i+1 < len(v.Content); i += 2 {
		key := v.Content[i]
		switch key.Value {
		case "audience", "channels", "subject", "text":
		default:
			return nil, at(key.Line, "unknown key %q: want audience, channels, subject or text", key.Value)
		}
	}
	if err := v.Decode(&raw); err != nil {
		return nil, at(v.Line, "%s", strings.TrimPrefix(err.Error(), "yaml: "))
	}
	t := &Template{Name: k.Value, File: file, Line: k.Line}
	switch a := Audience(raw.Audience); a {
	case ToDebtor, ToAnyone:
		t.Audience = a
	case "":
		return nil, at(k.Line, "audience is required: debtor (only a recipient confirmed as the debtor's) or anyone")
	default:
		return nil, at(field(v, "audience").Line, "audience %q: want debtor or anyone", raw.Audience)
	}
	if len(raw.Channels) == 0 {
		return nil, at(k.Line, "channels is required: [sms], [email] or [sms, email]")
	}
	for _, c := range raw.Channels {
		ch, err := ParseChannel(c)
		if err != nil {
			return nil, at(field(v, "channels").Line, "%v", err)
		}
		t.Channels = append(t.Channels, ch)
	}
	if strings.TrimSpace(raw.Text) == "" {
		return nil, at(k.Line, "text is required")
	}
	var err error
	if t.text, err = t.compile("text", raw.Text, field(v, "text")); err != nil {
		return nil, err
	}
	if raw.Subject != "" {
		if t.subject, err = t.compile("subject", raw.Subject, field(v, "subject")); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// field returns the value node of key in mapping v (v itself when absent).
func field(v *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(v.Content); i += 2 {
		if v.Content[i].Value == key {
			return v.Content[i+1]
		}
	}
	return v
}

var tmplLine = regexp.MustCompile(`^template: [^:]*:(\d+):(?:\d+:)? ?(.*)$`)

// compile parses one text of the template and checks it, mapping every
// position in the text back to its line in the file.
func (t *Template) compile(part, text string, n *yaml.Node) (*template.Template, error) {
	first := n.Line
	if n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		first++ // a block scalar starts on the line after its indicator
	}
	lineOf := func(pos parse.Pos) int {
		p := min(max(int(pos), 0), len(text))
		return first + strings.Count(text[:p], "\n")
	}
	at := func(line int, format string, a ...any) error {
		return fmt.Errorf("%s:%d: template %q %s: %s", t.File, line, t.Name, part, fmt.Sprintf(format, a...))
	}
	tt, err := template.New(t.Name).Option("missingkey=error").Funcs(template.FuncMap{}).Parse(text)
	if err != nil {
		msg := err.Error()
		line := first
		if m := tmplLine.FindStringSubmatch(msg); m != nil {
			if l, err := strconv.Atoi(m[1]); err == nil {
				line = first + l - 1
			}
			msg = m[2]
		}
		// "unclosed action started at NAME:2" points into the text too
		msg = regexp.MustCompile(regexp.QuoteMeta(t.Name)+`:(\d+)`).ReplaceAllStringFunc(msg, func(ref string) string {
			l, _ := strconv.Atoi(ref[len(t.Name)+1:])
			return fmt.Sprintf("%s:%d", t.File, first+l-1)
		})
		return nil, at(line, "%s", msg)
	}
	if len(tt.Templates()) > 1 {
		return nil, at(first, "{{define}} and {{block}} are not allowed: one text per template")
	}
	c := checker{t: t, lineOf: lineOf, at: at}
	if tt.Tree == nil || tt.Tree.Root == nil {
		return nil, at(first, "empty")
	}
	if err := c.walk(tt.Tree.Root); err != nil {
		return nil, err
	}
	if t.Audience == ToAnyone {
		// the words around the variables must not speak of a debt either
		if what, w := (compliance.Confidential{}).Sensitive(c.literal.String()); what != "" {
			return nil, at(c.lineOfWord(w), "a template for anyone mentions %s (%q): 230-FZ art. 6 part 5 forbids telling a third party of the debt; make it audience: debtor", what, w)
		}
	}
	return tt, nil
}

// checker walks a template's parse tree: only fields of the dot, if/else
// and the comparisons; every field a known variable that the template's
// audience may hear.
type checker struct {
	t       *Template
	lineOf  func(parse.Pos) int
	at      func(line int, format string, a ...any) error
	literal strings.Builder
	texts   []*parse.TextNode
}

// lineOfWord finds the line of the literal text holding word w.
func (c *checker) lineOfWord(w string) int {
	for _, tn := range c.texts {
		if i := strings.Index(strings.ReplaceAll(strings.ToLower(string(tn.Text)), "ё", "е"), w); i >= 0 {
			return c.lineOf(tn.Pos + parse.Pos(i)) // lower-casing keeps Cyrillic byte lengths
		}
	}
	if len(c.texts) > 0 {
		return c.lineOf(c.texts[0].Pos)
	}
	return c.lineOf(0)
}

func (c *checker) walk(n parse.Node) error {
	switch n := n.(type) {
	case nil:
		return nil
	case *parse.ListNode:
		if n == nil {
			return nil
		}
		for _, x := range n.Nodes {
			if err := c.walk(x); err != nil {
				return err
			}
		}
	case *parse.TextNode:
		c.literal.Write(n.Text)
		c.literal.WriteByte(' ')
		c.texts = append(c.texts, n)
	case *parse.ActionNode:
		if len(n.Pipe.Decl) > 0 {
			return c.at(c.lineOf(n.Pos), "variables ($x := …) are not allowed")
		}
		return c.pipe(n.Pipe)
	case *parse.IfNode:
		if err := c.pipe(n.Pipe); err != nil {
			return err
		}
		if err := c.walk(n.List); err != nil {
			return err
		}
		if n.ElseList != nil {
			return c.walk(n.ElseList)
		}
	case *parse.CommentNode:
	default:
		return c.at(c.lineOf(n.Position()), "%q is not allowed: only {{.variable}}, {{if}} {{else}} {{end}} and comments", shorten(n.String()))
	}
	return nil
}

func (c *checker) pipe(p *parse.PipeNode) error {
	if p == nil {
		return nil
	}
	if len(p.Decl) > 0 {
		return c.at(c.lineOf(p.Pos), "variables ($x := …) are not allowed")
	}
	for _, cmd := range p.Cmds {
		for _, arg := range cmd.Args {
			if err := c.arg(arg); err != nil {
				return err
			}
		}
	}
	return nil
}

func (c *checker) arg(a parse.Node) error {
	switch a := a.(type) {
	case *parse.FieldNode:
		path := strings.Join(a.Ident, ".")
		aud, ok := varAudience(path)
		if !ok {
			return c.at(c.lineOf(a.Pos), "unknown variable .%s: want one of %s", path, strings.Join(varNames(), ", "))
		}
		if aud == ToDebtor && c.t.Audience == ToAnyone {
			return c.at(c.lineOf(a.Pos), "variable .%s may reach only the debtor, and this template is for anyone (230-FZ art. 6 part 5); make it audience: debtor", path)
		}
	case *parse.IdentifierNode:
		if !allowedIdents[a.Ident] {
			return c.at(c.lineOf(a.Pos), "function %s is not allowed: only and, or, not, eq, ne", a.Ident)
		}
	case *parse.StringNode, *parse.NumberNode, *parse.BoolNode:
	case *parse.PipeNode:
		return c.pipe(a)
	default:
		return c.at(c.lineOf(a.Position()), "%q is not allowed: only {{.variable}} and comparisons", shorten(a.String()))
	}
	return nil
}

func varNames() []string {
	var out []string
	for v := range Variables() {
		out = append(out, "."+v)
	}
	sort.Strings(out)
	return out
}

func shorten(s string) string {
	if r := []rune(s); len(r) > 40 {
		return string(r[:40]) + "…"
	}
	return s
}

// ErrRender marks a template that could not be filled in (a variable with no value).
var ErrRender = errors.New("render")

// Render fills the template's subject and text from data.
func (t *Template) Render(data map[string]any) (subject, text string, err error) {
	var b strings.Builder
	if err := t.text.Execute(&b, data); err != nil {
		return "", "", fmt.Errorf("render %s: %w: %v", t.Name, ErrRender, err)
	}
	text = strings.TrimSpace(b.String())
	if t.subject != nil {
		b.Reset()
		if err := t.subject.Execute(&b, data); err != nil {
			return "", "", fmt.Errorf("render %s subject: %w: %v", t.Name, ErrRender, err)
		}
		subject = strings.TrimSpace(b.String())
	}
	return subject, text, nil
}

//go:embed templates.yaml
var bundled []byte

// Bundled returns the templates shipped with dozvon (templates.yaml).
func Bundled() (*Set, error) { return Parse("templates.yaml", bytes.NewReader(bundled)) }
