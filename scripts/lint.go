package scripts

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/dozvon/dozvon/compliance"
)

// Tags the 230-FZ rules look for on phrases.
const (
	TagDisclosure = "disclosure" // the caller is told this is a robot
	TagCreditor   = "creditor"   // the creditor / agency is named
	TagRecording  = "recording"  // the call is recorded
	TagGreeting   = "greeting"   // may come before the disclosure
	TagDebt       = "debt"       // mentions the debt (also detected from text and debt.* variables)
)

// MentionsDebt reports whether a phrase speaks about the debt: tagged debt,
// using a debt.* variable, or a text that mentions a debt by the 230-FZ
// content rules (compliance.MentionsDebt: a debt word in any form, a sum of
// money). Variables and pauses are left out of the text (their names are
// not said) and stress marks taken off ("з+адолженность").
func (p *Phrase) MentionsDebt() bool {
	if p.HasTag(TagDebt) {
		return true
	}
	for _, r := range Refs(p.Text) {
		if compliance.DebtVar(r.Path) {
			return true
		}
	}
	said := pauseRef.ReplaceAllString(varRef.ReplaceAllString(p.Text, " "), " ")
	return compliance.MentionsDebt(stress.ReplaceAllString(said, "$1"))
}

type linter struct {
	s     *Script
	diags []Diagnostic
}

func (l *linter) errf(line int, format string, a ...any) {
	l.diags = append(l.diags, Diagnostic{File: l.s.File, Line: line, Msg: fmt.Sprintf(format, a...)})
}

func (l *linter) warnf(line int, format string, a ...any) {
	l.diags = append(l.diags, Diagnostic{File: l.s.File, Line: line, Warning: true, Msg: fmt.Sprintf(format, a...)})
}

// lint runs every semantic check on a parsed script.
func lint(s *Script) []Diagnostic {
	l := &linter{s: s}
	l.meta()
	for _, n := range s.Nodes {
		l.node(n)
	}
	for _, r := range s.Globals {
		l.route(r, "global intent", true)
		if r.Intent == "" {
			l.errf(r.Line, "global route without an intent")
		}
		if r.Goto == "" && !r.Repeat {
			l.errf(r.Line, "global intent %q needs goto or repeat: true", r.Intent)
		}
		if r.Goto != "" && r.Repeat {
			l.errf(r.Line, "global intent %q: use goto or repeat, not both", r.Intent)
		}
	}
	if s.Node(s.Start) != nil {
		l.reachability()
		l.loops()
		l.opening()
		l.debtBeforeIdentity()
	}
	l.thirdParty()
	l.shadowed()
	return l.diags
}

func (l *linter) meta() {
	s := l.s
	if s.Name == "" {
		l.errf(1, "missing name")
	}
	if s.Language != "" && s.Language != "ru" {
		l.errf(1, "language %q: only ru is supported", s.Language)
	}
	if s.Limits.MaxTurns <= 0 {
		l.errf(1, "limits.max_turns must be set (> 0): it bounds every dialogue")
	}
	if s.Start == "" {
		l.errf(1, "missing start node")
	} else if s.Node(s.Start) == nil {
		l.errf(1, "start: unknown node %q", s.Start)
	}
	if s.Fallback != "" && s.Node(s.Fallback) == nil {
		l.errf(1, "fallback: unknown node %q", s.Fallback)
	}
	for name, t := range s.Slots {
		switch t {
		case SlotDateTime, SlotMoney, SlotYesNo, SlotText:
		default:
			l.errf(1, "slot %q: unknown type %q (datetime, money, yesno, text)", name, t)
		}
	}
	for _, in := range s.Intents {
		if in.Negation != "" && s.Intents[in.Negation] == nil {
			l.diags = append(l.diags, Diagnostic{File: in.File, Line: in.Line, Msg: fmt.Sprintf("intent %q: negation: unknown intent %q", in.Name, in.Negation)})
		}
		if len(in.Phrases) == 0 {
			l.diags = append(l.diags, Diagnostic{File: in.File, Line: in.Line, Msg: fmt.Sprintf("intent %q has no phrases", in.Name)})
		}
	}
}

func (l *linter) phrase(line int, id, where string) *Phrase {
	p, ok := l.s.Phrases[id]
	if !ok {
		l.errf(line, "%s: unknown phrase %q", where, id)
		return nil
	}
	for _, r := range Refs(p.Text) {
		l.variable(line, r.Path, fmt.Sprintf("%s: phrase %q", where, id))
		if r.Filter != "" && !contains(Filters(), r.Filter) {
			l.errf(line, "%s: phrase %q: unknown filter %q", where, id, r.Filter)
		}
	}
	return p
}

func (l *linter) variable(line int, path, where string) {
	if path == "now" {
		return
	}
	if name, ok := strings.CutPrefix(path, "slot."); ok {
		if _, ok := l.s.SlotType(name); !ok {
			l.errf(line, "%s: unknown slot %q", where, name)
		}
		return
	}
	for _, v := range l.s.Vars {
		if v == path || (strings.HasSuffix(v, ".*") && strings.HasPrefix(path, strings.TrimSuffix(v, "*"))) {
			return
		}
	}
	for _, n := range l.s.Nodes {
		if _, ok := n.Set[path]; ok {
			return
		}
	}
	if _, ok := (Env{Vars: l.s.Defaults}).Lookup(path); ok {
		return
	}
	l.errf(line, "%s: unknown variable %q (declare it in vars)", where, path)
}

func (l *linter) target(line int, id, where string) {
	if id != "" && l.s.Node(id) == nil {
		l.errf(line, "%s: unknown node %q", where, id)
	}
}

// templateName is how message templates are named (package messages).
var templateName = regexp.MustCompile(`^[a-z][a-z0-9_]{0,63}$`)

func (l *linter) node(n *Node) {
	where := fmt.Sprintf("node %q", n.ID)
	for _, id := range n.Say {
		l.phrase(n.FieldLine("say"), id, where)
	}
	for k, v := range n.Set {
		for _, r := range Refs(v) {
			l.variable(n.FieldLine("set"), r.Path, where+": set "+k)
		}
	}
	for _, t := range n.Send {
		if !templateName.MatchString(t) {
			l.errf(n.FieldLine("send"), "%s: send %q: want a message template's name (lower-case letters, digits and _: payment_details)", where, t)
		}
	}
	kinds := 0
	for _, b := range []bool{n.End != "", n.Transfer != nil, n.Ask != nil, len(n.Branch) > 0, n.Next != ""} {
		if b {
			kinds++
		}
	}
	if kinds > 1 {
		l.errf(n.Line, "%s: use only one of end, transfer, ask, branch, next", where)
	}
	if kinds == 0 {
		l.errf(n.Line, "%s: dead end without an outcome (add end, next, ask, branch or transfer)", where)
	}
	if n.End != "" && !n.End.Valid() {
		l.errf(n.FieldLine("end"), "%s: unknown outcome %q", where, n.End)
	}
	l.target(n.FieldLine("next"), n.Next, where+": next")
	l.target(n.FieldLine("no_input"), n.NoInput, where+": no_input")
	l.target(n.FieldLine("no_match"), n.NoMatch, where+": no_match")
	if n.Transfer != nil {
		if n.Transfer.OnFail == "" {
			l.errf(n.Transfer.Line, "%s: transfer needs on_fail (the node when no human answers)", where)
		}
		l.target(n.Transfer.Line, n.Transfer.OnFail, where+": on_fail")
		for _, r := range Refs(n.Transfer.To) {
			l.variable(n.Transfer.Line, r.Path, where+": transfer")
		}
	}
	if len(n.Branch) > 0 {
		hasElse := false
		for _, r := range n.Branch {
			l.route(r, where+": branch", false)
			if r.Intent != "" || r.Slot != "" {
				l.errf(r.Line, "%s: branch routes test conditions (if), not intent or slot", where)
			}
			if r.Else || r.If == nil {
				hasElse = true
			}
		}
		if !hasElse {
			l.errf(n.FieldLine("branch"), "%s: branch without else: a dead end when no condition holds", where)
		}
	}
	if len(n.On) > 0 && n.Ask == nil {
		l.errf(n.Line, "%s: on routes need an ask", where)
	}
	if a := n.Ask; a != nil {
		l.ask(n, a, where)
	}
}

func (l *linter) ask(n *Node, a *Ask, where string) {
	texts := map[string]bool{}
	if a.Prompt == "" {
		l.errf(a.Line, "%s: ask without a prompt", where)
	} else if p := l.phrase(a.Line, a.Prompt, where+": prompt"); p != nil {
		texts[Normalize(p.Text)] = true
	}
	if len(a.Reprompts) < 2 {
		l.errf(a.Line, "%s: ask needs at least 2 rephrased reprompts, has %d", where, len(a.Reprompts))
	}
	for _, id := range a.Reprompts {
		if p := l.phrase(a.Line, id, where+": reprompt"); p != nil {
			t := Normalize(p.Text)
			if texts[t] {
				l.errf(a.Line, "%s: reprompt %q repeats an earlier prompt word for word", where, id)
			}
			texts[t] = true
		}
	}
	if a.Attempts() > len(a.Reprompts)+2 {
		l.errf(a.Line, "%s: max_attempts %d needs at least %d reprompts so no prompt is said more than twice in a row", where, a.Attempts(), a.Attempts()-2)
	}
	for d, in := range a.DTMF {
		if !l.s.matcher.Has(in) {
			l.errf(a.Line, "%s: dtmf %q: unknown intent %q", where, d, in)
			continue
		}
		handled := false
		for _, r := range n.On {
			if r.Intent == in || (r.Intent == "" && r.Slot == "") {
				handled = true
			}
		}
		for _, g := range l.s.Globals {
			if g.Intent == in {
				handled = true
			}
		}
		if !handled {
			l.warnf(a.Line, "%s: dtmf %q gives intent %q, which no route of the node handles", where, d, in)
		}
	}
	for _, sl := range a.Slots {
		if _, ok := l.s.SlotType(sl); !ok {
			l.errf(a.Line, "%s: unknown slot %q", where, sl)
		}
	}
	if len(n.On) == 0 {
		l.errf(n.Line, "%s: ask without on routes", where)
	}
	if (n.NoInput == "" || n.NoMatch == "") && l.s.Fallback == "" {
		l.errf(n.Line, "%s: no no_input/no_match node and no script fallback", where)
	}
	seen := map[string]int{}
	catchAll := 0
	for _, r := range n.On {
		l.route(r, where+": on", false)
		if catchAll != 0 {
			l.errf(r.Line, "%s: route is shadowed by the catch-all route at line %d", where, catchAll)
		}
		if r.Intent == "" && r.Slot == "" && r.If == nil {
			catchAll = r.Line
		}
		if r.Slot != "" && !contains(a.Slots, r.Slot) {
			l.errf(r.Line, "%s: route on slot %q which the ask does not collect (add it to ask.slots)", where, r.Slot)
		}
		key := r.Intent + "|" + r.Slot
		if prev, dup := seen[key]; dup && r.If == nil {
			l.errf(r.Line, "%s: route is shadowed by the same route at line %d", where, prev)
		}
		if r.If == nil {
			seen[key] = r.Line
		}
	}
}

func (l *linter) route(r *Route, where string, global bool) {
	if r.Intent != "" && !l.s.matcher.Has(r.Intent) {
		l.errf(r.Line, "%s: unknown intent %q", where, r.Intent)
	}
	if r.Slot != "" {
		if _, ok := l.s.SlotType(r.Slot); !ok {
			l.errf(r.Line, "%s: unknown slot %q", where, r.Slot)
		}
	}
	for _, id := range r.Say {
		l.phrase(r.Line, id, where)
	}
	if r.Goto == "" && !(global && r.Repeat) {
		l.errf(r.Line, "%s: route without goto", where)
	}
	if r.Repeat && !global {
		l.errf(r.Line, "%s: repeat is for global intents only", where)
	}
	l.target(r.Line, r.Goto, where+": goto")
	l.cond(r.If, where)
	for k, v := range r.Set {
		for _, ref := range Refs(v) {
			l.variable(r.Line, ref.Path, where+": set "+k)
		}
	}
}

func (l *linter) cond(c *Cond, where string) {
	if c == nil {
		return
	}
	if c.Var != "" {
		l.variable(c.Line, c.Var, where+": if")
	}
	for _, t := range []string{c.After, c.Before} {
		if t != "" {
			if _, err := clockMinutes(t); err != nil {
				l.errf(c.Line, "%s: if: %v", where, err)
			}
		}
	}
	for _, w := range c.Weekday {
		if !contains([]string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}, strings.ToLower(w)) {
			l.errf(c.Line, "%s: if: weekday %q (want mon..sun)", where, w)
		}
	}
	for _, sub := range append(append([]*Cond{}, c.All...), c.Any...) {
		l.cond(sub, where)
	}
}

// succ lists a node's successors; ask nodes also lead to the global gotos.
func (l *linter) succ() map[string][]string {
	out := map[string][]string{}
	var globals []string
	for _, e := range l.s.Edges() {
		if e.From == "*" {
			globals = append(globals, e.To)
			continue
		}
		out[e.From] = append(out[e.From], e.To)
	}
	for _, n := range l.s.Nodes {
		if n.Ask != nil {
			out[n.ID] = append(out[n.ID], globals...)
		}
	}
	return out
}

func (l *linter) reachability() {
	succ := l.succ()
	seen := map[string]bool{l.s.Start: true}
	queue := []string{l.s.Start}
	for len(queue) > 0 {
		id := queue[0]
		queue = queue[1:]
		for _, t := range succ[id] {
			if !seen[t] && l.s.Node(t) != nil {
				seen[t] = true
				queue = append(queue, t)
			}
		}
	}
	if l.s.Fallback != "" && !seen[l.s.Fallback] {
		seen[l.s.Fallback] = true // reached when the limits run out
		for _, t := range succ[l.s.Fallback] {
			seen[t] = true
		}
	}
	for _, n := range l.s.Nodes {
		if !seen[n.ID] {
			l.errf(n.Line, "node %q is unreachable from start %q", n.ID, l.s.Start)
		}
	}
}

// loops reports cycles that cannot end: a cycle of nodes that never listen to
// the caller, and a group of nodes with no way out of it.
func (l *linter) loops() {
	succ := l.succ()
	for _, comp := range sccs(l.s, succ) {
		if len(comp) == 1 {
			self := false
			for _, t := range succ[comp[0]] {
				if t == comp[0] {
					self = true
				}
			}
			if !self {
				continue
			}
		}
		in := map[string]bool{}
		listens := false
		for _, id := range comp {
			in[id] = true
			if l.s.Node(id).Ask != nil {
				listens = true
			}
		}
		first := l.s.Node(comp[0])
		for _, id := range comp {
			if l.s.Node(id).Line < first.Line {
				first = l.s.Node(id)
			}
		}
		if !listens {
			l.errf(first.Line, "loop without a caller turn: %s (it would never end)", strings.Join(comp, " → "))
			continue
		}
		exit := false
		for _, id := range comp {
			for _, t := range succ[id] {
				if !in[t] {
					exit = true
				}
			}
		}
		if !exit {
			l.errf(first.Line, "loop without a bounded exit: %s (only max_turns would end it)", strings.Join(comp, " → "))
		}
	}
}

// sccs is Tarjan's algorithm over the node graph; each component is sorted.
func sccs(s *Script, succ map[string][]string) [][]string {
	index := map[string]int{}
	low := map[string]int{}
	on := map[string]bool{}
	var stack []string
	var out [][]string
	next := 0
	var visit func(v string)
	visit = func(v string) {
		index[v], low[v] = next, next
		next++
		stack = append(stack, v)
		on[v] = true
		for _, w := range succ[v] {
			if s.Node(w) == nil {
				continue
			}
			if _, seen := index[w]; !seen {
				visit(w)
				low[v] = min(low[v], low[w])
			} else if on[w] {
				low[v] = min(low[v], index[w])
			}
		}
		if low[v] == index[v] {
			var comp []string
			for {
				w := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				on[w] = false
				comp = append(comp, w)
				if w == v {
					break
				}
			}
			sort.Strings(comp)
			out = append(out, comp)
		}
	}
	for _, n := range s.Nodes {
		if _, seen := index[n.ID]; !seen {
			visit(n.ID)
		}
	}
	return out
}

// opening checks the 230-FZ rule that the robot disclosure, the creditor's
// name and the recording notice come before anything else: on every path from
// start, they are said before the first ask's prompt and before any phrase
// other than a greeting.
func (l *linter) opening() {
	need := []string{TagDisclosure, TagCreditor, TagRecording}
	var walk func(id string, have map[string]bool, depth int)
	walk = func(id string, have map[string]bool, depth int) {
		n := l.s.Node(id)
		if n == nil || depth > len(l.s.Nodes) {
			return
		}
		h := map[string]bool{}
		for k, v := range have {
			h[k] = v
		}
		done := func() bool {
			for _, t := range need {
				if !h[t] {
					return false
				}
			}
			return true
		}
		for _, pid := range n.Say {
			p := l.s.Phrases[pid]
			if p == nil {
				return
			}
			tagged := false
			for _, t := range append(need, TagGreeting) {
				if p.HasTag(t) {
					h[t], tagged = true, true
				}
			}
			if !tagged && !done() {
				l.errf(n.FieldLine("say"), "230-FZ: phrase %q is said before the opening is complete (missing: %s)", pid, strings.Join(missing(need, h), ", "))
				return
			}
		}
		if done() {
			return
		}
		var nexts []string
		switch {
		case n.Next != "":
			nexts = []string{n.Next}
		case len(n.Branch) > 0:
			for _, r := range n.Branch {
				nexts = append(nexts, r.Goto)
			}
		default:
			l.errf(n.Line, "230-FZ: node %q %s before the robot disclosure, creditor name and recording notice (missing: %s)",
				n.ID, map[bool]string{true: "asks the caller", false: "ends the call"}[n.Ask != nil], strings.Join(missing(need, h), ", "))
			return
		}
		for _, t := range nexts {
			walk(t, h, depth+1)
		}
	}
	walk(l.s.Start, map[string]bool{}, 0)
}

func missing(need []string, have map[string]bool) []string {
	var out []string
	for _, t := range need {
		if !have[t] {
			out = append(out, t)
		}
	}
	return out
}

// spoken lists the phrases a node can say, with the line of their use.
func spoken(n *Node) []struct {
	id   string
	line int
} {
	var out []struct {
		id   string
		line int
	}
	add := func(line int, ids ...string) {
		for _, id := range ids {
			out = append(out, struct {
				id   string
				line int
			}{id, line})
		}
	}
	add(n.FieldLine("say"), n.Say...)
	if n.Ask != nil {
		add(n.Ask.Line, n.Ask.Prompt)
		add(n.Ask.Line, n.Ask.Reprompts...)
	}
	for _, r := range append(append([]*Route{}, n.On...), n.Branch...) {
		add(r.Line, r.Say...)
	}
	return out
}

// debtBeforeIdentity checks that no phrase mentioning the debt is reachable
// before a node that confirms the debtor's identity.
func (l *linter) debtBeforeIdentity() {
	succ := l.succ()
	from := map[string]string{l.s.Start: ""}
	queue := []string{l.s.Start}
	for len(queue) > 0 {
		id := queue[0]
		queue = queue[1:]
		n := l.s.Node(id)
		if n == nil || n.ConfirmsIdentity {
			continue
		}
		for _, sp := range spoken(n) {
			if p := l.s.Phrases[sp.id]; p != nil && p.MentionsDebt() {
				l.errf(sp.line, "230-FZ: phrase %q mentions the debt and is reachable before the identity is confirmed (path: %s)", sp.id, pathTo(from, id))
			}
		}
		for _, t := range succ[id] {
			if _, seen := from[t]; !seen {
				from[t] = id
				queue = append(queue, t)
			}
		}
	}
	for _, r := range l.s.Globals {
		for _, id := range r.Say {
			if p := l.s.Phrases[id]; p != nil && p.MentionsDebt() {
				l.errf(r.Line, "230-FZ: global intent %q answers with phrase %q that mentions the debt; globals are active before the identity is confirmed", r.Intent, id)
			}
		}
	}
}

func pathTo(from map[string]string, id string) string {
	var p []string
	for cur := id; cur != ""; cur = from[cur] {
		p = append([]string{cur}, p...)
		if len(p) > 64 {
			break
		}
	}
	return strings.Join(p, " → ")
}

// thirdParty checks that the wrong-person and third-party endings, and the
// routes into them, disclose nothing about the debt.
func (l *linter) thirdParty() {
	into := map[string][]*Route{}
	for _, n := range l.s.Nodes {
		for _, r := range append(append([]*Route{}, n.On...), n.Branch...) {
			into[r.Goto] = append(into[r.Goto], r)
		}
	}
	for _, r := range l.s.Globals {
		into[r.Goto] = append(into[r.Goto], r)
	}
	for _, n := range l.s.Nodes {
		if n.End != OutcomeThirdParty && n.End != OutcomeWrongPerson {
			continue
		}
		for _, id := range n.Say {
			if p := l.s.Phrases[id]; p != nil && p.MentionsDebt() {
				l.errf(n.FieldLine("say"), "230-FZ: %s ending %q says phrase %q that mentions the debt", n.End, n.ID, id)
			}
		}
		for _, r := range into[n.ID] {
			for _, id := range r.Say {
				if p := l.s.Phrases[id]; p != nil && p.MentionsDebt() {
					l.errf(r.Line, "230-FZ: route into %s ending %q says phrase %q that mentions the debt", n.End, n.ID, id)
				}
			}
		}
	}
}

// shadowed reports intent phrases that can never win at an ask because another
// allowed intent always takes them.
func (l *linter) shadowed() {
	var globals []string
	for _, r := range l.s.Globals {
		globals = append(globals, r.Intent)
	}
	reported := map[string]bool{}
	for _, n := range l.s.Nodes {
		if n.Ask == nil {
			continue
		}
		allowed := append([]string{}, globals...)
		for _, r := range n.On {
			if r.Intent != "" {
				allowed = append(allowed, r.Intent)
			}
		}
		for _, name := range allowed {
			in := l.s.Intents[name]
			if in == nil {
				continue
			}
			lost := 0
			var by string
			for _, ph := range in.Phrases {
				m := l.s.matcher.Classify(ph, allowed)
				if m.Intent != "" && m.Intent != name && m.Intent != in.Negation {
					lost++
					by = m.Intent
					key := name + "|" + ph + "|" + m.Intent
					if !reported[key] {
						reported[key] = true
						l.warnf(n.Line, "node %q: phrase %q of intent %q is classified as %q", n.ID, ph, name, m.Intent)
					}
				}
			}
			if lost == len(in.Phrases) && lost > 0 && !reported[name+"|all"] {
				reported[name+"|all"] = true
				l.errf(n.Line, "node %q: intent %q is shadowed by %q: none of its phrases can win", n.ID, name, by)
			}
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
