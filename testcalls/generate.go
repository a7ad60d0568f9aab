package testcalls

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/dozvon/dozvon/robot"
	"github.com/dozvon/dozvon/scripts"
	"gopkg.in/yaml.v3"
)

// GenerateOptions bound the search for skeleton cases.
type GenerateOptions struct {
	// Now and Vars are the generated cases' clock and variables (from the
	// existing case file when there is one).
	Now  time.Time
	Vars map[string]any
	// MaxLines bounds a case's caller lines (default 8); MaxRuns the
	// text-level dialogues tried (default 20000).
	MaxLines, MaxRuns int
}

// Generated is the outcome of Generate: one skeleton case per caller-line
// sequence that first took an edge no case covered, and the edges no
// sequence within the bounds reached.
type Generated struct {
	Cases     []GeneratedCase
	Unreached []string // "from→to" ("*→to" for a global intent)
	Runs      int      // dialogues played
}

// GeneratedCase is a skeleton case and the edges it adds.
type GeneratedCase struct {
	Case  Case
	Edges []string
}

// candidate is one thing the generator's caller may do at an ask.
type candidate = CallerItem

// variant is a start condition: variables over the base ones (to take a
// branch on a campaign or debtor variable) and whether the transfer fails.
type variant struct {
	vars          map[string]any // overrides; nil for the base
	transferFails bool
}

// Generate searches, breadth-first and so shortest first, for sequences of
// caller lines that take the script's edges not covered by existing (run at
// text level). The lines come from the script's own understanding: its
// intents' phrases (those its matcher classifies back to the intent), the
// asks' hints, DTMF keys and slot examples, global intents, silence past
// the timeout and an unrecognisable word. Each line sequence is played
// against the script at text level, so what a case expects is what the
// robot does today — for the author to confirm (Expect.Unconfirmed).
func Generate(ctx context.Context, sc *scripts.Script, existing []*CaseFile, opt GenerateOptions) (Generated, error) {
	if opt.Now.IsZero() {
		return Generated{}, fmt.Errorf("generate: now is required")
	}
	if opt.MaxLines <= 0 {
		opt.MaxLines = 8
	}
	if opt.MaxRuns <= 0 {
		opt.MaxRuns = 20000
	}
	cov := newCoverageCounter(sc)
	if len(existing) > 0 {
		for _, r := range RunText(ctx, sc, existing, nil).Results {
			cov.add(r.Result.Path)
		}
	}
	covered := maps.Clone(cov.seenEdge)
	want := 0
	for e := range cov.edges {
		if !covered[e] {
			want++
		}
	}
	g := &generator{sc: sc, opt: opt, cov: cov, cands: map[string][]candidate{}}
	var out Generated
	type seq struct {
		v     int
		items []CallerItem
	}
	variants := g.variants()
	var queue []seq
	for i := range variants {
		queue = append(queue, seq{v: i})
	}
	visited := map[string]bool{}
	for len(queue) > 0 && want > 0 && out.Runs < opt.MaxRuns {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		s := queue[0]
		queue = queue[1:]
		res, exhausted := g.play(ctx, variants[s.v], s.items)
		out.Runs++
		if fresh := g.freshEdges(res.Path, covered); len(fresh) > 0 {
			items, final := s.items, res
			if exhausted {
				items, final, out.Runs = g.complete(ctx, variants[s.v], s.items, res, out.Runs)
				fresh = g.freshEdges(final.Path, covered) // the completion may take more
			}
			for _, e := range fresh {
				covered[e] = true
				want--
			}
			out.Cases = append(out.Cases, g.makeCase(variants[s.v], items, final, fresh))
		}
		if !exhausted || len(s.items) >= opt.MaxLines || len(res.Path) == 0 {
			continue
		}
		key := g.stateKey(s.v, res)
		if visited[key] {
			continue
		}
		visited[key] = true
		for _, c := range g.candidates(res.Path[len(res.Path)-1]) {
			queue = append(queue, seq{v: s.v, items: append(slices.Clone(s.items), c)})
		}
	}
	for e := range cov.edges {
		if !covered[e] {
			out.Unreached = append(out.Unreached, e[0]+"→"+e[1])
		}
	}
	slices.Sort(out.Unreached)
	return out, nil
}

type generator struct {
	sc    *scripts.Script
	opt   GenerateOptions
	cov   *coverageCounter
	cands map[string][]candidate
}

// play runs items at text level; exhausted says the caller ran out of
// lines at a listen (the dialogue could go on).
func (g *generator) play(ctx context.Context, v variant, items []CallerItem) (robot.Result, bool) {
	clock := NewClock(g.opt.Now)
	conv := &TextConversation{Clock: clock, Items: items, FailTransfer: v.transferFails}
	sess := &robot.Session{Script: g.sc, Vars: merge(g.opt.Vars, v.vars), Clock: clock, Location: g.opt.Now.Location(),
		Conv: conv, Log: slog.New(slog.DiscardHandler), TransferTarget: "operator", Verbalizer: scripts.Written{}}
	res, err := sess.Run(ctx)
	if err != nil {
		return res, false
	}
	return res, conv.Exhausted
}

// freshEdges are the edges path takes that are not covered yet, in order.
func (g *generator) freshEdges(path []string, covered map[[2]string]bool) [][2]string {
	var out [][2]string
	seen := map[[2]string]bool{}
	for i := 1; i < len(path); i++ {
		e := [2]string{path[i-1], path[i]}
		if !g.cov.edges[e] {
			if !g.cov.globals[path[i]] {
				continue
			}
			e = [2]string{"*", path[i]}
		}
		if !covered[e] && !seen[e] {
			seen[e] = true
			out = append(out, e)
		}
	}
	return out
}

// complete extends a sequence that stopped at a listen to the shortest one
// that ends the dialogue other than by the caller hanging up, so the case
// checks an outcome the script decides; it keeps the sequence as it is when
// none is found within a few lines.
func (g *generator) complete(ctx context.Context, v variant, items []CallerItem, res robot.Result, runs int) ([]CallerItem, robot.Result, int) {
	type node struct {
		items []CallerItem
		res   robot.Result
	}
	queue := []node{{items, res}}
	visited := map[string]bool{}
	for len(queue) > 0 && runs < g.opt.MaxRuns {
		n := queue[0]
		queue = queue[1:]
		if len(n.items)-len(items) >= 4 || len(n.res.Path) == 0 {
			continue
		}
		key := g.stateKey(0, n.res)
		if visited[key] {
			continue
		}
		visited[key] = true
		for _, c := range g.candidates(n.res.Path[len(n.res.Path)-1]) {
			next := append(slices.Clone(n.items), c)
			r, exhausted := g.play(ctx, v, next)
			runs++
			if !exhausted && ctx.Err() == nil {
				return next, r, runs
			}
			if exhausted {
				queue = append(queue, node{next, r})
			}
		}
	}
	return items, res, runs
}

// stateKey is where a dialogue stands when the caller is silent: the
// variant, the listening node, the caller's turns there so far and the
// slots filled.
func (g *generator) stateKey(v int, res robot.Result) string {
	last := res.Path[len(res.Path)-1]
	// the caller's turns at the node since the dialogue last came to it, as
	// the robot took them: no-input and no-match count as attempts, a
	// repeat does not
	var turns []string
	for i := len(res.Turns) - 1; i >= 0 && res.Turns[i].Node == last; i-- {
		if t := res.Turns[i]; t.Who == robot.WhoCaller && t.Kind != "hangup" {
			turns = append(turns, t.Kind+":"+t.Intent)
		}
	}
	slices.Sort(turns)
	slots := slices.Sorted(maps.Keys(res.Slots))
	return fmt.Sprintf("%d|%s|%s|%s", v, last, strings.Join(turns, ","), strings.Join(slots, ","))
}

// unrecognisable is a line no intent or time/money slot takes: a no-match.
const unrecognisable = "абырвалг"

// slotExamples are caller lines that fill a slot of each type.
var slotExamples = map[scripts.SlotType][]string{
	scripts.SlotDateTime: {"завтра в десять утра"},
	scripts.SlotMoney:    {"пять тысяч рублей"},
	scripts.SlotYesNo:    {"да"},
	scripts.SlotText:     {"в офисе на Ленина"},
}

// candidates are the lines tried at the ask node id: what the script's own
// understanding maps to each of its ways out.
func (g *generator) candidates(id string) []candidate {
	if c, ok := g.cands[id]; ok {
		return c
	}
	n := g.sc.Node(id)
	var out []candidate
	seen := map[string]bool{}
	say := func(text string) {
		if text != "" && !seen[text] {
			seen[text] = true
			out = append(out, candidate{Say: text})
		}
	}
	var allowed []string
	if n != nil {
		for _, r := range n.On {
			if r.Intent != "" {
				allowed = append(allowed, r.Intent)
			}
		}
	}
	for _, r := range g.sc.Globals {
		if r.Intent != "" {
			allowed = append(allowed, r.Intent)
		}
	}
	intentLines := func(name string, max int) {
		in := g.sc.Intents[name]
		if in == nil {
			return
		}
		took := 0
		for _, p := range in.Phrases {
			if took == max {
				break
			}
			if g.sc.Matcher().Classify(p, allowed).Intent == name {
				say(p)
				took++
			}
		}
	}
	if n != nil && n.Ask != nil {
		var slotTypes []scripts.SlotType
		for _, r := range n.On {
			if r.Intent != "" {
				intentLines(r.Intent, 1)
			}
			if r.Slot != "" {
				if t, ok := g.sc.SlotType(r.Slot); ok {
					slotTypes = append(slotTypes, t)
				}
			}
		}
		for _, s := range n.Ask.Slots {
			if t, ok := g.sc.SlotType(s); ok {
				slotTypes = append(slotTypes, t)
			}
		}
		for _, t := range slotTypes {
			for _, x := range slotExamples[t] {
				say(x)
			}
		}
		if slices.Contains(slotTypes, scripts.SlotDateTime) && slices.Contains(slotTypes, scripts.SlotMoney) {
			say(slotExamples[scripts.SlotDateTime][0] + " " + slotExamples[scripts.SlotMoney][0])
		}
		for _, h := range n.Ask.Hints {
			say(h)
		}
		for _, d := range slices.Sorted(maps.Keys(n.Ask.DTMF)) {
			out = append(out, candidate{DTMF: d})
		}
	}
	for _, r := range g.sc.Globals {
		if r.Intent != "" && r.Goto != "" { // a repeat leads nowhere new
			intentLines(r.Intent, 1)
		}
	}
	timeout := 10 * time.Second
	if n != nil && n.Ask != nil && n.Ask.NoInputTimeout > 0 {
		timeout = time.Duration(n.Ask.NoInputTimeout) + 2*time.Second
	}
	out = append(out, candidate{Silence: max(timeout, PauseBelow+time.Second)})
	say(unrecognisable)
	g.cands[id] = out
	return out
}

// variants are the base start and one per condition on a call variable
// that a branch tests (set so an eq, in, gt, lt or exists holds, and a ne
// does not: the base variables decide the other way, as a rule), each
// also with a failing transfer when the script transfers.
func (g *generator) variants() []variant {
	out := []variant{{}}
	seen := map[string]bool{}
	var walk func(c *scripts.Cond)
	walk = func(c *scripts.Cond) {
		if c == nil {
			return
		}
		for _, x := range append(slices.Clone(c.All), c.Any...) {
			walk(x)
		}
		if c.Var == "" || strings.HasPrefix(c.Var, "slot.") {
			return
		}
		var val string
		switch {
		case c.Eq != nil:
			val = *c.Eq
		case c.Ne != nil:
			val = *c.Ne // the base vars usually make a ne hold: this takes the other way
		case len(c.In) > 0:
			val = c.In[0]
		case c.Gt != nil:
			val = strconv.FormatFloat(*c.Gt+1, 'f', -1, 64)
		case c.Lt != nil:
			val = strconv.FormatFloat(*c.Lt-1, 'f', -1, 64)
		case c.Exists != nil && *c.Exists:
			val = "1"
		default:
			return
		}
		if k := c.Var + "=" + val; !seen[k] {
			seen[k] = true
			out = append(out, variant{vars: setPath(c.Var, val)})
		}
	}
	transfers := false
	for _, n := range g.sc.Nodes {
		for _, r := range n.Branch {
			walk(r.If)
		}
		for _, r := range n.On {
			walk(r.If)
		}
		transfers = transfers || n.Transfer != nil
	}
	if transfers {
		for _, v := range slices.Clone(out) {
			out = append(out, variant{vars: v.vars, transferFails: true})
		}
	}
	return out
}

// setPath makes {a: {b: val}} of "a.b".
func setPath(path, val string) map[string]any {
	parts := strings.Split(path, ".")
	var v any = val
	for i := len(parts) - 1; i >= 0; i-- {
		v = map[string]any{parts[i]: v}
	}
	return v.(map[string]any)
}

// makeCase is the skeleton case of a sequence: its lines, and as its
// expectation what the robot did, marked unconfirmed.
func (g *generator) makeCase(v variant, items []CallerItem, res robot.Result, fresh [][2]string) GeneratedCase {
	var names []string
	onPath := map[string]bool{}
	for _, e := range fresh {
		names = append(names, e[0]+"→"+e[1])
		if e[0] != "*" {
			onPath[e[0]] = true
		}
		onPath[e[1]] = true
	}
	var path []string
	for _, id := range res.Path {
		if onPath[id] && (len(path) == 0 || path[len(path)-1] != id) {
			path = append(path, id)
		}
	}
	c := Case{Name: "covers " + strings.Join(names, ", "), Vars: v.vars, TransferFails: v.transferFails,
		Caller: items, Expect: expectOf(res.Outcome, res.Slots, path)}
	return GeneratedCase{Case: c, Edges: names}
}

// expectOf is an unconfirmed expectation of an outcome, its slots and path.
func expectOf(outcome scripts.Outcome, slots map[string]string, path []string) Expect {
	e := Expect{Outcome: string(outcome), Path: path, Unconfirmed: true,
		CallbackAt: slots[scripts.SlotCallbackAt], PromiseAt: slots[scripts.SlotPromiseAt],
		MeetingAt: slots[scripts.SlotMeetingAt], MeetingPlace: slots[scripts.SlotMeetingPlace],
		TransferTo: slots[scripts.SlotTransferTo]}
	if a, err := strconv.ParseFloat(slots[scripts.SlotAmount], 64); err == nil {
		e.Amount = &a
	}
	return e
}

// CaseFileHeader is what a written case file starts with.
type CaseFileHeader struct {
	Comment string // the file's head comment (lines without "#")
	Script  string
	Now     time.Time
	Vars    map[string]any
}

// WriteCases writes cases in the case-file format, each unconfirmed
// expectation with a "TODO: confirm" comment.
func WriteCases(w io.Writer, h CaseFileHeader, cases []Case) error {
	root := mapping()
	add(root, "script", str(h.Script))
	if len(h.Vars) > 0 {
		add(root, "vars", anyNode(h.Vars))
	}
	add(root, "now", str(h.Now.Format(time.RFC3339)))
	seq := &yaml.Node{Kind: yaml.SequenceNode}
	for _, c := range cases {
		seq.Content = append(seq.Content, caseNode(c))
	}
	add(root, "cases", seq)
	root.HeadComment = h.Comment
	doc := &yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{root}}
	enc := yaml.NewEncoder(w)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("write cases: %w", err)
	}
	return enc.Close()
}

func caseNode(c Case) *yaml.Node {
	n := mapping()
	add(n, "name", str(c.Name))
	if c.Now != "" {
		add(n, "now", str(c.Now))
	}
	if len(c.Vars) > 0 {
		add(n, "vars", flow(anyNode(c.Vars)))
	}
	if c.TransferFails {
		add(n, "transfer_fails", &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: "true"})
	}
	if c.Audio.Pickup != "" {
		a := mapping()
		add(a, "pickup", str(c.Audio.Pickup))
		add(n, "audio", flow(a))
	}
	items := &yaml.Node{Kind: yaml.SequenceNode}
	for _, it := range c.Caller {
		items.Content = append(items.Content, itemNode(it))
	}
	items.Style = yaml.FlowStyle
	add(n, "caller", items)
	e := mapping()
	add(e, "outcome", str(c.Expect.Outcome))
	for _, kv := range [][2]string{{"callback_at", c.Expect.CallbackAt}, {"promise_at", c.Expect.PromiseAt},
		{"meeting_at", c.Expect.MeetingAt}, {"meeting_place", c.Expect.MeetingPlace}, {"transfer_to", c.Expect.TransferTo}} {
		if kv[1] != "" {
			add(e, kv[0], str(kv[1]))
		}
	}
	if c.Expect.Amount != nil {
		add(e, "amount", &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!float", Value: strconv.FormatFloat(*c.Expect.Amount, 'f', -1, 64)})
	}
	if len(c.Expect.Path) > 0 {
		p := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
		for _, id := range c.Expect.Path {
			p.Content = append(p.Content, str(id))
		}
		add(e, "path", p)
	}
	if c.Expect.Unconfirmed {
		add(e, "unconfirmed", &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: "true"})
	}
	e.Style = yaml.FlowStyle
	add(n, "expect", e)
	if c.Expect.Unconfirmed {
		n.Content[len(n.Content)-2].HeadComment = "TODO: confirm — what the robot does today; delete unconfirmed: true when it is right"
	}
	return n
}

func itemNode(it CallerItem) *yaml.Node {
	plain := it.Say != "" && it.Audio == "" && it.Pause == 0 && it.Noise == 0
	if plain {
		return str(it.Say)
	}
	n := mapping()
	n.Style = yaml.FlowStyle
	switch {
	case it.Hangup:
		add(n, "hangup", &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: "true"})
	case it.DTMF != "":
		add(n, "dtmf", str(it.DTMF))
	case it.Silence > 0:
		add(n, "silence", &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: it.Silence.String()})
	case it.Interrupt != "":
		add(n, "interrupt", str(it.Interrupt))
	default:
		add(n, "say", str(it.Say))
	}
	if it.After > 0 {
		add(n, "after", &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: it.After.String()})
	}
	if it.Audio != "" {
		add(n, "audio", str(it.Audio))
	}
	return n
}

func mapping() *yaml.Node { return &yaml.Node{Kind: yaml.MappingNode} }

func str(s string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s} }

func add(m *yaml.Node, key string, v *yaml.Node) {
	m.Content = append(m.Content, str(key), v)
}

func flow(n *yaml.Node) *yaml.Node {
	n.Style = yaml.FlowStyle
	return n
}

// anyNode encodes a value (vars) as a node.
func anyNode(v any) *yaml.Node {
	var n yaml.Node
	if err := n.Encode(v); err != nil {
		return str(fmt.Sprint(v))
	}
	return &n
}

// DefaultGenerateNow is the generated cases' clock when no case file gives
// one: a Tuesday late morning in Moscow, inside the 230-FZ calling hours.
const DefaultGenerateNow = "2026-11-24T11:00:00+03:00"

// OptionsFrom takes the generated cases' clock and variables from the
// existing case files (the first that sets them), else the defaults and
// placeholders for the variables the script expects.
func OptionsFrom(sc *scripts.Script, files []*CaseFile) GenerateOptions {
	var opt GenerateOptions
	for _, f := range files {
		if opt.Vars == nil && len(f.Vars) > 0 {
			opt.Vars = f.Vars
		}
		if opt.Now.IsZero() && len(f.Cases) > 0 {
			opt.Now, _ = f.now(&f.Cases[0])
		}
	}
	if opt.Now.IsZero() {
		opt.Now, _ = time.Parse(time.RFC3339, DefaultGenerateNow)
	}
	if opt.Vars == nil {
		opt.Vars = placeholderVars(sc)
	}
	return opt
}

// placeholders are made-up values for the variables the bundled scripts
// use; a generated file never carries a real debtor's data.
var placeholders = map[string]any{
	"debtor.name": "Иванов Иван Иванович", "debtor.first_name": "Иван", "debt.amount": 12345.5,
	"creditor.name": "Финансовая компания",
}

func placeholderVars(sc *scripts.Script) map[string]any {
	out := map[string]any{}
	for _, v := range sc.Vars {
		if p, ok := placeholders[v]; ok {
			parts := strings.Split(v, ".")
			m := out
			for _, k := range parts[:len(parts)-1] {
				sub, ok := m[k].(map[string]any)
				if !ok {
					sub = map[string]any{}
					m[k] = sub
				}
				m = sub
			}
			m[parts[len(parts)-1]] = p
		}
	}
	return out
}
