package robot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/dozvon/dozvon/clock"
	"github.com/dozvon/dozvon/scripts"
)

// maxSteps bounds node visits without a caller turn; lint rejects such loops,
// this is the runtime's second line of defence.
const maxSteps = 1000

// dialogue is the state of one running script.
type dialogue struct {
	s       *Session
	sc      *scripts.Script
	log     *slog.Logger
	res     *Result
	vars    map[string]any
	slots   map[string]string
	loc     *time.Location
	tp      *scripts.TimeParser
	start   time.Time
	node    string
	turns   int      // caller turns
	said    []string // robot prompt texts, in order
	limited bool     // a limit was reached; the next ask ends the call
	carry   string   // an utterance a global intent brought to the next ask
	seq     int
	steps   int
	// understood: some caller turn carried meaning (an intent other than a
	// greeting or "repeat", a slot, a DTMF key); a hang-up before any is
	// "unrecognized", not "hangup"
	understood bool
	spoke      bool // the caller said something (speech, not silence or a key)
	later      bool // the caller said they are busy: a hang-up then still asks for a call later
	// desk: the last turns only named the workplace desk that picked up
	// ("Бухгалтерия"); a hang-up then leaves a third party on the line
	desk bool
	// names caches nameWords for the debtor's names it was built from:
	// building the matcher (every declined form) was 3.6 % of the robot's
	// CPU at 1,000 calls when it was rebuilt on every turn.
	names struct {
		first, full string
		is          func(string) bool
	}
}

func newDialogue(s *Session, log *slog.Logger, res *Result) *dialogue {
	loc := s.Location
	if loc == nil {
		loc = time.Local
	}
	d := &dialogue{s: s, sc: s.Script, log: log, res: res, vars: mergeVars(s.Script.Defaults, s.Vars), slots: map[string]string{},
		loc: loc, tp: s.Script.TimeParser()}
	if d.vars == nil {
		d.vars = map[string]any{}
	}
	return d
}

func (d *dialogue) now() time.Time {
	return clock.Or(d.s.Clock).Now().In(d.loc)
}

func (d *dialogue) env() scripts.Env {
	return scripts.Env{Vars: d.vars, Slots: d.slots, Now: d.now(), Verbalizer: d.s.Verbalizer}
}

// end records the outcome and hangs up.
func (d *dialogue) end(ctx context.Context, o scripts.Outcome, reason string) error {
	if d.limited && d.res.Reason != "" {
		reason = d.res.Reason + "; " + reason
	}
	d.res.Outcome, d.res.Reason = o, reason
	if err := d.s.Conv.Hangup(ctx); err != nil {
		d.log.Warn("hangup", "err", err)
	}
	return nil
}

// hungUp stops the dialogue when the caller hangs up.
type hungUp struct{}

func (hungUp) Error() string { return "caller hung up" }

func (d *dialogue) run(ctx context.Context) error {
	d.start = d.now()
	id := d.sc.Start
	for {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("dialogue: %w", err)
		}
		d.steps++
		if d.steps > maxSteps {
			return fmt.Errorf("dialogue: %d nodes without an end at node %q", maxSteps, id)
		}
		n := d.sc.Node(id)
		if n == nil {
			return fmt.Errorf("dialogue: goto unknown node %q", id)
		}
		d.node = id
		d.res.Path = append(d.res.Path, id)
		next, done, err := d.step(ctx, n)
		if errors.As(err, new(hungUp)) {
			if d.desk {
				// "Бухгалтерия, слушаю" and the line goes dead: someone at
				// the debtor's workplace answered, not the debtor
				return d.end(ctx, scripts.OutcomeThirdParty, "a workplace desk answered and hung up at "+id)
			}
			if d.spoke && !d.understood {
				// nothing intelligible through to the end: its own outcome, retried by rule
				return d.end(ctx, scripts.OutcomeUnrecognized, "caller hung up at "+id+" with nothing understood")
			}
			if d.later {
				// "давай потом" and the line goes dead: a call later was asked for
				return d.end(ctx, scripts.OutcomeCallback, "caller said busy and hung up at "+id)
			}
			return d.end(ctx, scripts.OutcomeHangup, "caller hung up at "+id)
		}
		if err != nil || done {
			return err
		}
		id = next
	}
}

// requestSends lists a node's message templates in the outcome slot
// "send", each once: the call's owner sends them after the call, through
// the 230-FZ guard (the robot sends nothing itself).
func (d *dialogue) requestSends(names []string) {
	if len(names) == 0 {
		return
	}
	have := strings.Split(d.slots[scripts.SlotSend], ",")
	for _, n := range names {
		if !slices.Contains(have, n) {
			have = append(have, n)
		}
	}
	d.slots[scripts.SlotSend] = strings.Trim(strings.Join(have, ","), ",")
}

// step runs one node and returns the next node id, or done.
func (d *dialogue) step(ctx context.Context, n *scripts.Node) (next string, done bool, err error) {
	if err := d.set(n.Set); err != nil {
		return "", false, fmt.Errorf("node %q: %w", n.ID, err)
	}
	d.requestSends(n.Send)
	err = d.say(ctx, n.ID, n.Say, n.BargeIn != nil && *n.BargeIn)
	if n.End != "" && (err == nil || errors.As(err, new(hungUp))) {
		// a caller who hangs up during the goodbye does not change the outcome
		return "", true, d.end(ctx, n.End, "end node "+n.ID)
	}
	if err != nil {
		return "", false, err
	}
	switch {
	case n.Transfer != nil:
		return d.transfer(ctx, n)
	case len(n.Branch) > 0:
		env := d.env()
		for _, r := range n.Branch {
			if r.Else || r.If.Eval(env) {
				return d.follow(ctx, n.ID, r)
			}
		}
		return "", false, fmt.Errorf("node %q: no branch matched", n.ID)
	case n.Ask != nil:
		return d.ask(ctx, n)
	case n.Next != "":
		return n.Next, false, nil
	}
	return "", false, fmt.Errorf("node %q: dead end", n.ID)
}

func (d *dialogue) follow(ctx context.Context, node string, r *scripts.Route) (string, bool, error) {
	if err := d.set(r.Set); err != nil {
		return "", false, fmt.Errorf("node %q: %w", node, err)
	}
	if err := d.say(ctx, node, r.Say, false); err != nil {
		return "", false, err
	}
	return r.Goto, false, nil
}

func (d *dialogue) set(kv map[string]string) error {
	for k, v := range kv {
		val, err := scripts.RenderText(v, d.env())
		if err != nil {
			return fmt.Errorf("set %s: %w", k, err)
		}
		setPath(d.vars, k, val)
	}
	return nil
}

func (d *dialogue) transfer(ctx context.Context, n *scripts.Node) (string, bool, error) {
	target := d.s.TransferTarget
	if n.Transfer.To != "" {
		t, err := scripts.RenderText(n.Transfer.To, d.env())
		if err != nil {
			return "", false, fmt.Errorf("node %q: transfer target: %w", n.ID, err)
		}
		if t != "" {
			target = t
		}
	}
	if d.s.HandOff != nil {
		return d.handOff(ctx, n, target)
	}
	if target == "" {
		d.log.Warn("transfer without a target", "node", n.ID)
		return n.Transfer.OnFail, false, nil
	}
	if err := d.s.Conv.Transfer(ctx, target); err != nil {
		d.log.Warn("transfer failed", "node", n.ID, "err", err)
		return n.Transfer.OnFail, false, nil
	}
	d.slots[scripts.SlotTransferTo] = target
	d.res.Outcome, d.res.Reason = scripts.OutcomeTransfer, "transferred at "+n.ID
	return "", true, nil
}

// say plays phrases in order.
func (d *dialogue) say(ctx context.Context, node string, ids []string, bargeIn bool) error {
	for _, id := range ids {
		if err := d.sayOne(ctx, node, id, bargeIn); err != nil {
			return err
		}
	}
	return nil
}

func (d *dialogue) sayOne(ctx context.Context, node, id string, bargeIn bool) error {
	text, audio, err := d.sc.Render(id, d.env())
	if err != nil {
		return fmt.Errorf("node %q: %w", node, err)
	}
	r, err := d.s.Conv.Say(ctx, Prompt{ID: id, Text: text, Audio: audio, BargeIn: bargeIn})
	if err != nil {
		return fmt.Errorf("node %q: say %q: %w", node, id, err)
	}
	d.said = append(d.said, text)
	d.turn(Turn{Node: node, Who: WhoRobot, Kind: TurnKindSay, Text: text, Start: r.Start, End: r.End, BargedIn: r.BargedIn})
	if r.HungUp {
		return hungUp{}
	}
	return nil
}

func (d *dialogue) turn(t Turn) {
	d.seq++
	t.Seq = d.seq
	d.res.Turns = append(d.res.Turns, t)
	if d.s.OnTurn != nil {
		d.s.OnTurn(t)
	}
	// the text is left out: it may hold the debtor's name
	d.log.Debug("turn", "seq", t.Seq, "node", t.Node, "who", t.Who, "kind", t.Kind, "intent", t.Intent, "barged_in", t.BargedIn)
}

// limitReached reports whether max_turns or max_duration is used up.
func (d *dialogue) limitReached() (bool, string) {
	lim := d.sc.Limits
	if lim.MaxTurns > 0 && d.turns >= lim.MaxTurns {
		return true, fmt.Sprintf("max_turns %d reached", lim.MaxTurns)
	}
	if lim.MaxDuration > 0 && d.now().Sub(d.start) >= time.Duration(lim.MaxDuration) {
		return true, fmt.Sprintf("max_duration %s reached", time.Duration(lim.MaxDuration))
	}
	return false, ""
}

// prompt picks what to say for an attempt: the prompt first, then the
// reprompts in turn, skipping any text already said twice in a row.
func (d *dialogue) prompt(a *scripts.Ask, attempt int) (string, error) {
	cands := append([]string{a.Prompt}, a.Reprompts...)
	idx := 0
	if attempt > 0 && len(a.Reprompts) > 0 {
		idx = 1 + (attempt-1)%len(a.Reprompts)
	}
	for k := 0; k < len(cands); k++ {
		id := cands[(idx+k)%len(cands)]
		text, _, err := d.sc.Render(id, d.env())
		if err != nil {
			return "", err
		}
		if !d.saidTwice(text) {
			return id, nil
		}
	}
	return cands[idx], nil
}

func (d *dialogue) saidTwice(text string) bool {
	n := len(d.said)
	return n >= 2 && d.said[n-1] == text && d.said[n-2] == text
}

// ask runs an ask node: prompt, listen, classify, route; reprompts on
// no-input and no-match; global intents; fallback when attempts run out.
func (d *dialogue) ask(ctx context.Context, n *scripts.Node) (string, bool, error) {
	a := n.Ask
	attempt := 0
	lastMiss := scripts.OutcomeUnrecognized
	if carry := d.carry; carry != "" {
		// "я занят, перезвоните завтра в 10": the global busy led here, and the
		// same words may already answer this ask
		d.carry = ""
		if r := d.route(n, carry); r != nil {
			return d.follow(ctx, n.ID, r)
		}
	}
	for {
		if hit, why := d.limitReached(); hit {
			if d.limited || d.sc.Fallback == "" || d.sc.Fallback == n.ID {
				return "", true, d.end(ctx, scripts.OutcomeUnrecognized, why)
			}
			d.limited = true
			d.res.Reason = why
			return d.sc.Fallback, false, nil
		}
		// after a global "repeat" the same attempt's prompt comes again;
		// prompt() rephrases it if it was already said twice in a row
		id, err := d.prompt(a, attempt)
		if err != nil {
			return "", false, fmt.Errorf("node %q: %w", n.ID, err)
		}
		if err := d.sayOne(ctx, n.ID, id, a.AllowsBargeIn()); err != nil {
			return "", false, err
		}
		in, err := d.listen(ctx, n, d.res.Turns[len(d.res.Turns)-1].Start)
		if err != nil {
			return "", false, fmt.Errorf("node %q: listen: %w", n.ID, err)
		}
		d.turns++
		t := Turn{Node: n.ID, Who: WhoCaller, Kind: string(in.Kind), Text: in.Text, Start: in.Start, End: in.End}
		var intent string
		filled := map[string]string{}
		switch in.Kind {
		case InputHangup:
			d.turn(t)
			return "", false, hungUp{}
		case InputNoInput:
			d.turn(t)
			attempt++
			lastMiss = scripts.OutcomeNoInput
			if attempt >= a.Attempts() {
				return d.exhausted(ctx, n, lastMiss)
			}
			continue
		case InputDTMF:
			t.Text = in.Digits
			intent = a.DTMF[in.Digits]
			d.understood = true
		case InputSpeech:
			d.spoke = true
			intent, filled = d.understand(n, in.Text)
			d.desk = intent == intentHello && d.asksIdentity(n) && d.deskOnly(in.Text) || d.desk && len(filled) == 0 && d.asksBack(intent)
			if d.answersAhead(n, in.Text, intent, filled) {
				intent = intentYes
			}
			if intent == intentYes && len(filled) == 0 && routes(n, intentYes) {
				// "Завтре вечером переведу четыре тыщи", "Ладно, в пятницу
				// внесу три тысячи" to "удобно говорить?": an answer that
				// already fills what the next question collects is kept
				// for it, so the caller is not asked again what they said
				if later := d.nextAsk(n); later != nil {
					if li, lf := d.understandWhole(later, in.Text); len(lf) > 0 && (li == "" || li == intentYes || li == intentPayYes) {
						d.carry = in.Text
					}
				}
			}
		default:
			return "", false, fmt.Errorf("node %q: listen: unknown input kind %q", n.ID, in.Kind)
		}
		maps.Copy(d.slots, filled)
		t.Intent, t.Slots = intent, filled
		d.turn(t)
		if (len(filled) > 0 || (intent != "" && intent != intentHello && intent != "repeat" && intent != intentWait)) &&
			(in.Kind != InputSpeech || !scripts.Faint(in.Text)) {
			d.understood = true
		}
		if intent == intentBusy {
			d.later = true
		}
		env := d.env()
		leaving := d.leaves(n, intent)
		for _, r := range n.On {
			if r.Intent != "" && r.Intent != intent {
				continue
			}
			if r.Intent == "" && leaving {
				// "я за рулём, давайте через час" at the payment question: the
				// time is a callback, not the promise date a slot route would take
				continue
			}
			if r.Slot != "" {
				if _, ok := filled[r.Slot]; !ok {
					continue
				}
			}
			if !r.If.Eval(env) {
				continue
			}
			if in.Kind == InputSpeech && r.Intent != "" && r.Intent != intentYes && r.Intent != "no" && d.carry == "" {
				d.carry = d.answeredBefore(n, r, in.Text)
			}
			return d.follow(ctx, n.ID, r)
		}
		// a global leading back here (busy while asked for a time) counts as a miss
		if g := d.global(intent); g != nil && (g.Repeat || g.Goto != n.ID) {
			if err := d.set(g.Set); err != nil {
				return "", false, fmt.Errorf("global %q: %w", g.Intent, err)
			}
			if err := d.say(ctx, n.ID, g.Say, false); err != nil {
				return "", false, err
			}
			if g.Repeat {
				continue
			}
			d.carry = in.Text
			return g.Goto, false, nil
		}
		attempt++
		lastMiss = scripts.OutcomeUnrecognized
		if attempt >= a.Attempts() {
			return d.exhausted(ctx, n, lastMiss)
		}
	}
}

// leaves reports whether intent is a global that takes the dialogue away from
// node n (busy, a third party, a correction, a refusal) and none of n's own
// routes names it: such an intent outranks the node's slot-only routes.
func (d *dialogue) leaves(n *scripts.Node, intent string) bool {
	g := d.global(intent)
	if g == nil || g.Repeat || g.Goto == n.ID {
		return false
	}
	for _, r := range n.On {
		if r.Intent == intent {
			return false
		}
	}
	return true
}

// route matches an utterance carried over from the previous ask against this
// node's routes, filling its slots; nil when no route takes it.
func (d *dialogue) route(n *scripts.Node, text string) *scripts.Route {
	intent, filled := d.understand(n, text)
	env := d.env()
	for k, v := range filled {
		env.Slots = maps.Clone(env.Slots)
		env.Slots[k] = v
	}
	for _, r := range n.On {
		if r.Intent != "" && r.Intent != intent {
			continue
		}
		if r.Slot != "" {
			if _, ok := filled[r.Slot]; !ok {
				continue
			}
		}
		if r.If.Eval(env) {
			maps.Copy(d.slots, filled)
			d.log.Debug("carried utterance answers the ask", "node", n.ID, "intent", intent)
			return r
		}
	}
	return nil
}

// exhausted goes to the node's no_input / no_match, else the script fallback,
// else ends with no_input / unrecognized.
func (d *dialogue) exhausted(ctx context.Context, n *scripts.Node, why scripts.Outcome) (string, bool, error) {
	next := n.NoMatch
	if why == scripts.OutcomeNoInput {
		next = n.NoInput
	}
	if next == "" {
		next = d.sc.Fallback
	}
	if next == "" || next == n.ID {
		return "", true, d.end(ctx, why, "attempts exhausted at "+n.ID)
	}
	return next, false, nil
}

func (d *dialogue) global(intent string) *scripts.Route {
	if intent == "" {
		return nil
	}
	for _, g := range d.sc.Globals {
		if g.Intent == intent {
			return g
		}
	}
	return nil
}

// understand classifies an utterance among the node's route intents and the
// global intents, and fills the slots the ask collects.
func (d *dialogue) understand(n *scripts.Node, text string) (string, map[string]string) {
	// "в пятницу… нет, в субботу", "нет… то есть да": a correction inside
	// the turn replaces what it corrects before anything else reads it
	text = scripts.Repair(text, d.repairKinds(n))
	// "Муж говорит пять, а я думаю семь": words reported from another
	// person are not the caller's answer, unless nothing else answers
	text = scripts.OwnAnswer(text)
	// "ага, миллион завтра принесу… ладно, если серьёзно: в пятницу пять
	// тысяч": the joke before the caller turns serious is no answer
	text = scripts.Earnest(text)
	intent, filled := d.understandWhole(n, text)
	if intent == "" && len(filled) == 0 && d.s.Intents != nil {
		// the rules found nothing: the statistical model may, when sure
		return d.guess(n, text)
	}
	if alt, altFilled, ok := d.overrule(n, text, intent, filled); ok {
		// the rules matched only by tolerance: a sure model disagreeing wins
		return alt, altFilled
	}
	if len(filled) == 0 && d.asksBack(intent) {
		// "Кто это спрашивает? Да, я": the caller's own question leads in;
		// the answer said after it is the turn's answer
		if tail := scripts.AfterQuestion(text); tail != "" {
			// past the identity question a global there ("А по какому
			// вопросу? Я ничего не брала") is the caller's defence, not
			// the answer asked for
			if ti, tf := d.understandWhole(n, tail); len(tf) > 0 || !d.asksBack(ti) && (d.asksIdentity(n) || routes(n, ti)) {
				return ti, tf
			}
		}
	}
	return intent, filled
}

// repairKinds are the kinds of expression a correction at node n can
// replace: a date or time, an amount, and the node's own reading of a
// stretch (yes, no, an intent) as a whole.
func (d *dialogue) repairKinds(n *scripts.Node) []scripts.RepairKind {
	now := d.now()
	return []scripts.RepairKind{
		{Name: "time", Find: func(s string) (string, bool) {
			tr, ok := d.tp.Parse(s, now)
			return tr.Text, ok && tr.Text != ""
		}},
		{Name: "amount", Find: scripts.MoneySpan},
		{Name: "intent", Whole: true, Find: func(s string) (string, bool) {
			intent, _ := d.understandWhole(n, s)
			return intent, !d.asksBack(intent)
		}},
	}
}

// answersAhead reports a turn that already answers the question node n's
// yes leads to ("удобно говорить?" — "Да, и сразу скажу, платить нечем"):
// a caller who takes up the next topic lets the robot go on, so n's answer
// is yes when the clauses left, with the next topic's taken out, say yes or
// nothing. The next question is still asked: the caller says it again there
// (carrying the words on skipped it, and the caller's repeat then answered
// the question after it).
func (d *dialogue) answersAhead(n *scripts.Node, text, intent string, filled map[string]string) bool {
	if len(filled) > 0 || !routes(n, intentYes) || !(intent == "" || intent == "no" || intent == intentBusy) {
		return false
	}
	later := d.nextAsk(n)
	if later == nil {
		return false
	}
	// the clauses before the first one of the next topic answer n; the
	// story after it ("…платить нечем, с работы сократили") is that topic's
	var rest []string
	ahead := false
	for _, c := range scripts.Clauses(text) {
		li, _ := d.understandWhole(later, c)
		if li != "" && li != intentYes && li != "no" && d.global(li) == nil && routes(later, li) {
			ahead = true
			break
		}
		rest = append(rest, c)
	}
	if !ahead {
		return false
	}
	if len(rest) == 0 {
		return true
	}
	ri, rf := d.understandWhole(n, strings.Join(rest, ", "))
	return len(rf) == 0 && (ri == intentYes || d.asksBack(ri))
}

// answeredBefore returns the clause of text that already answers the
// question route r of node n leads to, or "": "Я работу потеряла?
// Кредитные каникулы можно?" asks for the holidays and, in another clause,
// tells the income drop the next question asks about. Only a clause that
// is no part of the request routed at n (read alone at n it is something
// else) and that a request of the next node routes (not a bare yes or no,
// which answer whatever is asked, nor a global) is carried on; the next
// ask then takes it without asking.
func (d *dialogue) answeredBefore(n *scripts.Node, r *scripts.Route, text string) string {
	later := d.askFrom(r.Goto)
	if later == nil || later == n {
		return ""
	}
	cl := scripts.Clauses(text)
	if len(cl) < 2 {
		return ""
	}
	for _, c := range cl {
		if ci, _ := d.understandWhole(n, c); ci == r.Intent {
			continue
		}
		li, _ := d.understandWhole(later, c)
		if li != "" && li != intentYes && li != "no" && d.global(li) == nil && routes(later, li) {
			return c
		}
	}
	return ""
}

// askFrom returns the ask node reached from node id through nodes that
// ask nothing (say, branch with one way), or nil.
func (d *dialogue) askFrom(id string) *scripts.Node {
	for range 8 {
		x := d.sc.Node(id)
		if x == nil || x.Ask != nil {
			return x
		}
		if x.Next == "" {
			return nil
		}
		id = x.Next
	}
	return nil
}

// deskOnly reports a turn that only names the workplace desk that picked
// up (scripts.PlaceOnly on the relative phrase it holds).
func (d *dialogue) deskOnly(text string) bool {
	mt := d.sc.Matcher()
	masked, _ := d.readName(mt.Mend(text), d.nameWords())
	m := mt.Classify(masked, []string{intentRelative})
	return m.Intent == intentRelative && scripts.PlaceOnly(masked, m.Phrase)
}

// nextAsk returns the ask node node n's yes route reaches through nodes
// that ask nothing (say, branch), or nil.
func (d *dialogue) nextAsk(n *scripts.Node) *scripts.Node {
	for _, r := range n.On {
		if r.Intent == intentYes {
			return d.askFrom(r.Goto)
		}
	}
	return d.askFrom("")
}

// wished reports a busy phrase of place or state ("на встрече", "за
// рулём") said in a clause of the conditional mood (with "бы").
func wished(mt *scripts.Matcher, text, phrase string) bool {
	pt := scripts.Tokens(phrase)
	if len(pt) < 2 || !slices.Contains([]string{"на", "за", "в"}, pt[0]) {
		return false
	}
	for _, c := range scripts.Clauses(text) {
		if slices.Contains(scripts.Tokens(c), "бы") && mt.Classify(c, []string{intentBusy}).Phrase == phrase {
			return true
		}
	}
	return false
}

// routes reports whether one of node n's own routes names intent.
func routes(n *scripts.Node, intent string) bool {
	for _, r := range n.On {
		if r.Intent == intent {
			return true
		}
	}
	return false
}

// asksBack reports an intent that answers nothing: none, or a global that
// only has the robot say something and ask again ("кто звонит?").
func (d *dialogue) asksBack(intent string) bool {
	if intent == "" || intent == intentHello || intent == intentWait {
		return true
	}
	g := d.global(intent)
	return g != nil && g.Repeat
}

// allowedAt lists the intents an answer at ask n may have: its routes', the
// script's globals, and yes/no when it asks a yes-no slot (yesNo).
func (d *dialogue) allowedAt(n *scripts.Node) (allowed []string, yesNo bool) {
	for _, r := range n.On {
		if r.Intent != "" {
			allowed = append(allowed, r.Intent)
		}
	}
	for _, g := range d.sc.Globals {
		allowed = append(allowed, g.Intent)
	}
	for _, sl := range n.Ask.Slots {
		if t, _ := d.sc.SlotType(sl); t == scripts.SlotYesNo {
			allowed, yesNo = append(allowed, "yes", "no"), true
		}
	}
	return allowed, yesNo
}

// understandWhole is understand on the whole utterance.
func (d *dialogue) understandWhole(n *scripts.Node, text string) (string, map[string]string) {
	allowed, _ := d.allowedAt(n)
	mt := d.sc.Matcher()
	raw := text
	// "пере звоните", "за втра", "немогу": the recogniser's split and merged
	// words mended before anything reads them
	asked := mt.Mend(scripts.MaskAskedVerbs(text))
	text = mt.Mend(text)
	isName := d.nameWords()
	masked, denied := d.readName(text, isName)
	m := mt.Classify(masked, allowed)
	framed := scripts.KinFramed(raw, isName)
	story := func(intent, phrase string) bool {
		// "у меня жена в больнице", "сын болеет", "я уехал на заработки":
		// the debtor's own family or own doings in a story, not who answered
		return intent == intentRelative && (scripts.BareKin(phrase) && !framed || scripts.SelfStory(masked, phrase))
	}
	if story(m.Intent, m.Phrase) {
		m = mt.ClassifyExcept(masked, allowed, story)
	}
	if m.Intent == intentYes || m.Intent == intentBusy {
		// "почему вы на этот номер звоните?", "не понимаю, что вы говорите":
		// a calling or speaking verb asked about is no request (found before
		// mending, while the clause breaks are still there)
		if am, _ := d.readName(asked, isName); am != masked {
			m = mt.ClassifyExcept(am, allowed, story)
		}
	}
	if m.Intent == intentYes && d.asksIdentity(n) && scripts.ReadinessOnly(m.Phrase) && scripts.Announced(masked, nameMask) {
		// "Салон «Лилия», слушаю", "Ирина, слушаю": a go-ahead after a
		// firm's or another person's name picks up the phone for someone,
		// it does not answer "am I speaking with X?"
		m = mt.ClassifyExcept(masked, allowed, func(intent, phrase string) bool {
			return story(intent, phrase) || intent == intentYes && scripts.ReadinessOnly(phrase)
		})
	}
	if m.Intent != "" && slices.Contains(scripts.Tokens(masked), "ли") {
		// "встретиться бы, обсудить, могу ли я меньше платить": the
		// indirect question is the topic; a request said outside it wins
		if alt := mt.ClassifyExcept(scripts.WithoutIndirect(masked), allowed, story); alt.Intent != "" {
			m = alt
		}
	}
	if m.Intent == intentBusy && wished(mt, masked, m.Phrase) {
		// "предпочёл бы обсудить на личной встрече": a place said in the
		// conditional mood is what the caller wishes, not where they are now
		m = mt.ClassifyExcept(masked, allowed, func(intent, phrase string) bool {
			return story(intent, phrase) || intent == intentBusy && wished(mt, masked, phrase)
		})
	}
	if m.Intent == intentRelative && d.asksIdentity(n) && slices.Contains(allowed, intentHello) && scripts.PlaceOnly(masked, m.Phrase) {
		// "Бухгалтерия", "Приёмная, здравствуйте": a desk's greeting says
		// where the phone rings, not who holds it (the debtor may work
		// there); the robot asks for the debtor again
		m = scripts.Match{Intent: intentHello}
	}
	if m.Intent == intentHuman && (scripts.IntroducedBy(text) || scripts.StaffAsSource(text)) {
		// "Фирма «Старт», менеджер Ольга": a clerk's title, not a request;
		// "на бумажке от оператора записано": where a paper came from
		m = mt.ClassifyExcept(masked, allowed, func(intent, phrase string) bool {
			return story(intent, phrase) || intent == intentHuman
		})
	}
	if m.Intent == intentWait && !scripts.WaitForm(text) {
		// "погода хорошая": the stem of "погоди", no wait request
		m = mt.ClassifyExcept(masked, allowed, func(intent, phrase string) bool {
			return story(intent, phrase) || intent == intentWait
		})
	}
	if d.asksIdentity(n) && slices.Contains(allowed, intentWait) && scripts.Fetches(text) && !framed {
		// "Сейчас позову, минуточку", "Олег! Тебя к телефону!": whoever
		// picked up fetches the one asked for, who answers next; a fetch
		// that ends in the debtor not coming ("позову… не подходит он,
		// перезвоните") is a third party's report
		alt := mt.ClassifyExcept(masked, allowed, func(intent, phrase string) bool {
			return story(intent, phrase) || intent == intentRelative && scripts.FetchPhrase(phrase)
		})
		switch alt.Intent {
		case "", intentWait, intentHello, intentYes:
			m = scripts.Match{Intent: intentWait}
		case intentBusy, "no":
			m = scripts.Match{Intent: intentRelative}
		default:
			m = alt
		}
	}
	if m.Intent == intentHello && d.asksIdentity(n) && !denied && slices.Contains(scripts.Tokens(m.Phrase), "да") &&
		slices.Contains(scripts.Tokens(masked), nameMask) {
		// "Алло, да, это Ирина": the greeting's "да" answers the question
		// when the debtor's own name follows (one spoken of is read
		// further below); "Алло, это Ивановы" stays a greeting
		m = scripts.Match{Intent: intentYes}
	}
	if n.ConfirmsIdentity && m.Intent == "" && slices.Contains(allowed, intentYes) && scripts.LoneNu(text) {
		// "Ну." to "удобно говорить?" lets the robot go on; at the identity
		// question it stays a filler
		m = scripts.Match{Intent: intentYes}
	}
	if n.ConfirmsIdentity && m.Intent == intentYes && slices.Contains(allowed, intentBusy) && scripts.Ironic(masked) {
		// "о да, самое время поговорить", "ой, как вовремя": the yes is
		// irony, the call comes at a bad time (a go-ahead said after it
		// still settles it, below)
		m = scripts.Match{Intent: intentBusy}
	}
	if n.ConfirmsIdentity && m.Intent == intentBusy && slices.Contains(allowed, intentYes) {
		// "я на двух работах, между сменами стою, говорите, только
		// коротко": a go-ahead said last settles the convenience question;
		// the busy words before it describe the day
		if m2 := d.lastGoAhead(mt, raw, allowed); m2.Intent != "" {
			m = m2
		}
	}
	if m.Intent == "" && slices.Contains(allowed, "no") && scripts.LoneNegator(text) {
		// "не" alone: the recogniser's clipped "нет"
		m = scripts.Match{Intent: "no"}
	}
	filled := map[string]string{}
	now := d.now()
	tr, hasTime := d.tp.Parse(text, now)
	if before, request, ok := scripts.RequestClause(raw); ok {
		// "совещание, которое закончится не раньше четырёх, так что
		// позвоните в пять": a clock time told before the request describes
		// the day; the time in the request is the one asked for (a day
		// alone before it, "завтра, перезвоните в десять", still combines)
		if bt, ok := d.tp.Parse(before, now); ok && bt.HasTime {
			if rt, ok := d.tp.Parse(request, now); ok && rt.HasTime {
				tr, hasTime = rt, true // the whole may read as no time at all
			}
		}
	}
	if hasTime && slices.Contains(n.Ask.Slots, scripts.SlotPromiseAt) {
		// "половину завтра, половину через месяц": in a schedule of
		// shares the promise is the first payment, the earliest date
		for _, part := range scripts.Instalments(text) {
			if pt, ok := d.tp.Parse(part, now); ok && pt.Time.Before(tr.Time) {
				tr = pt
			}
		}
	}
	// "нет, я Павел": another first name given is the same correction
	denied = denied || scripts.OtherName(text, isName, d.fullNameHasPatronymic())
	if denied && slices.Contains(allowed, intentNotMe) &&
		(m.Intent == "" || mt.Priority(m.Intent) < mt.Priority(intentRelative)) {
		// "я не Андрей никакой", "вы кому звоните? это не Оксана": the
		// debtor's own name denied is a correction, whatever weaker intent
		// (yes, busy) came with it; only who the speaker is (a relative)
		// and the stronger globals outrank it
		m = scripts.Match{Intent: intentNotMe}
	}
	if slices.Contains(allowed, intentRelative) && (m.Intent == "" || mt.Priority(m.Intent) < mt.Priority(intentRelative)) &&
		!(m.Intent == intentNotMe && m.Edits == 0 && !framed) && scripts.SpeaksOfAnother(raw, isName) {
		// ("Михаила тут нет, вы номером ошиблись": a wrong number said in
		// so many words settles whom the third person is spoken of by)
		// "Оксана сейчас с клиентом", "её сменщица": the speaker talks of the
		// debtor as of someone else
		m = scripts.Match{Intent: intentRelative}
	}
	if (d.asksIdentity(n) || strings.Contains(masked, nameMask)) && slices.Contains(allowed, intentRelative) && scripts.AwayReport(raw) &&
		(m.Intent == "" || mt.Priority(m.Intent) < mt.Priority(intentRelative)) {
		// "Иванов? Он на больничном" to "am I speaking with Ivanov?", or
		// with the name said at any step: he is elsewhere, the speaker
		// someone else
		m = scripts.Match{Intent: intentRelative}
	}
	if scripts.NoSuchPerson(raw, isName) && !framed && slices.Contains(allowed, intentNotMe) &&
		(m.Intent == "" || mt.Priority(m.Intent) <= mt.Priority(intentRelative)) {
		// "никакой Елены тут нет", "не проживает и никогда не проживала":
		// no such person here at all is a wrong number, not the debtor out
		m = scripts.Match{Intent: intentNotMe}
	}
	if m.Intent == intentRelative && slices.Contains(allowed, intentNotMe) && scripts.RegisteredToSelf(raw) {
		// "номер оформлен на меня, Ольги тут нет": the one asked for spoken
		// of as another on a line registered to the speaker is a wrong
		// number, not a household member's report
		m = scripts.Match{Intent: intentNotMe}
	}
	if scripts.NewOwnerStory(masked) && slices.Contains(allowed, intentNotMe) &&
		(m.Intent == "" || mt.Priority(m.Intent) <= mt.Priority(intentRelative)) {
		// "да, а почему вы на этот номер звоните, я его в сентябре взяла",
		// "это номер бывшей хозяйки, я его купила, Светланы тут нет": the
		// number's new owner, whoever else the story names
		m = scripts.Match{Intent: intentNotMe}
	}
	// a day alone ("давайте завтра", "давай в понедельник") asks for a call
	// then too, unless it is a payment said ahead of its question
	dayOnly := hasTime && !tr.HasTime && !sameDay(tr.Time, now) && (m.Intent == "" || m.Intent == "yes" || m.Intent == "no") &&
		mt.Classify(masked, []string{"pay_yes"}).Intent == "" && !hasMoney(text, tr)
	// "давайте минут через пятнадцать" where a payment date is asked: a
	// few minutes or hours from now, with no verb of paying, is a call later
	soon := hasTime && tr.HasTime && strings.Contains(tr.Text, "через") && tr.Time.Sub(now) <= 3*time.Hour &&
		(m.Intent == "" || m.Intent == "yes") && mt.Classify(masked, []string{"pay_yes"}).Intent == ""
	if soon && slices.Contains(allowed, intentBusy) && slices.Contains(n.Ask.Slots, scripts.SlotPromiseAt) {
		m = scripts.Match{Intent: intentBusy}
	}
	if m.Intent == intentBusy && hasTime && !soon && slices.Contains(n.Ask.Slots, scripts.SlotPromiseAt) {
		// "сейчас ничего не могу, а в середине января всю сумму": a date
		// said after the contrast is what the caller settles on; the busy
		// words before it are about now
		if set := scripts.Settled(text); set != text {
			if _, ok := d.tp.Parse(set, now); ok && mt.Classify(set, allowed).Intent != intentBusy {
				m = mt.Classify(set, allowed)
			}
		}
	}
	if m.Intent == intentBusy && slices.Contains(allowed, intentCannotPay) {
		// "не могу сейчас платить": a word of time inside the phrase; what
		// the caller cannot do is pay, not talk
		if alt := mt.ClassifyExcept(scripts.WithoutNow(masked), allowed, story); alt.Intent == intentCannotPay {
			m = alt
		}
	}
	if m.Intent == intentBusy && hasTime && !soon && slices.Contains(n.Ask.Slots, scripts.SlotPromiseAt) && hasSum(text, tr) {
		// "десятку в среду, остальное позже": a sum and a day where a
		// payment is asked are the payment; the busy word is about the rest
		m = scripts.Match{}
	}
	if m.Intent == intentBusy && hasTime && !soon && slices.Contains(n.Ask.Slots, scripts.SlotPromiseAt) {
		// "…на новую работу устроился, десятого января внесу всё": a date
		// with a verb of paying is the promise asked for, whatever busy
		// words the story around it holds
		if p := mt.Classify(masked, []string{"pay_yes"}); p.Intent != "" && p.Edits == 0 {
			m = p
		}
	}
	if hasTime && (tr.HasTime || dayOnly) && slices.Contains(allowed, intentBusy) && !d.collectsTime(n) &&
		(m.Intent == "" || mt.Priority(m.Intent) < mt.Priority(intentBusy)) {
		// "бегу, через час", "не, давайте вечерком" where no time is asked
		// for: a clock or relative time asks to be called then, whatever
		// weaker intent ("да", "давайте") came with it
		m = scripts.Match{Intent: intentBusy}
	}
	if !hasTime && m.Intent == intentPayYes && slices.Contains(n.Ask.Slots, scripts.SlotPromiseAt) && scripts.SaysNow(text) {
		// "сейчас переведу, прямо сегодня": the payment is today's
		tr, hasTime = scripts.TimeResult{Time: now.Truncate(time.Minute)}, true
	}
	for _, sl := range n.Ask.Slots {
		typ, _ := d.sc.SlotType(sl)
		switch typ {
		case scripts.SlotDateTime:
			if hasTime {
				filled[sl] = tr.Time.Format(time.RFC3339)
			}
		case scripts.SlotMoney:
			var full int64
			if v, ok := d.env().Lookup("debt.amount"); ok {
				if f, err := scripts.Number(v); err == nil {
					full = int64(math.Round(f * 100))
				}
			}
			money := text
			if hasTime && tr.Text != "" {
				// "двадцать восьмого ноября пять тысяч": the date's numbers are not money
				money = strings.Replace(money, tr.Text, " ", 1)
			}
			// "полтинник не дам, а двадцатку найду": the sum settled on
			// after a contrast is the one meant
			k, ok := scripts.ParseMoney(scripts.Settled(money), full)
			if !ok {
				k, ok = scripts.ParseMoney(money, full)
			}
			if ok {
				filled[sl] = fmt.Sprintf("%d.%02d", k/100, k%100)
			}
		case scripts.SlotYesNo:
			if m.Intent == "yes" || m.Intent == "no" {
				filled[sl] = m.Intent
			}
		case scripts.SlotText:
			if g := d.global(m.Intent); g == nil && scripts.Contentful(raw) {
				filled[sl] = strings.TrimSpace(raw)
			}
		}
	}
	return m.Intent, filled
}

// lastGoAhead returns a yes when the last clause of text that says
// anything is a go-ahead ("говорите", "слушаю") with no busy word after it.
func (d *dialogue) lastGoAhead(mt *scripts.Matcher, text string, allowed []string) scripts.Match {
	cl := scripts.Clauses(text)
	if len(cl) < 2 {
		return scripts.Match{}
	}
	for i := len(cl) - 1; i > 0; i-- {
		c := mt.Classify(mt.Mend(cl[i]), allowed)
		if c.Intent == "" {
			continue
		}
		if c.Intent == intentYes && scripts.ReadinessOnly(c.Phrase) {
			return c
		}
		return scripts.Match{}
	}
	return scripts.Match{}
}

// listen waits for the caller's turn at ask node n, whose prompt started
// at asked. A bare greeting ("алло") the caller finished before that, over
// an earlier prompt they did not interrupt, is passed over: people say it
// on picking up, over the robot's greeting, and a hello route would only
// ask again the question they just heard. Its turn is kept in the
// transcript.
func (d *dialogue) listen(ctx context.Context, n *scripts.Node, asked time.Time) (Input, error) {
	for {
		in, err := d.s.Conv.Listen(ctx, ListenOptions{NoInputTimeout: time.Duration(n.Ask.NoInputTimeout), Grammar: n.Ask.Hints})
		if err != nil || in.Kind != InputSpeech || in.End.IsZero() || asked.IsZero() || !in.End.Before(asked) {
			return in, err
		}
		if intent, filled := d.understand(n, in.Text); intent != intentHello || len(filled) > 0 {
			return in, nil
		}
		d.spoke = true // a hang-up after it still ends as before
		d.turn(Turn{Node: n.ID, Who: WhoCaller, Kind: string(in.Kind), Text: in.Text, Start: in.Start, End: in.End, Intent: intentHello})
	}
}

// Intents the runtime reasons about beyond the script's routes (issue 16);
// a script without them simply never gets them.
const (
	intentNotMe     = "not_me"
	intentBusy      = "busy"
	intentRelative  = "relative"
	intentHello     = "hello"
	intentWait      = "wait" // "минуточку": understood as no answer yet
	intentYes       = "yes"
	intentPayYes    = "pay_yes"
	intentCannotPay = "cannot_pay"
	intentHuman     = "human"
)

// nameMask stands for the debtor's name words in the text the matcher reads.
const nameMask = "имярек"

// asksIdentity reports whether node n asks who answered: its yes leads to
// the node that confirms the debtor's identity.
func (d *dialogue) asksIdentity(n *scripts.Node) bool {
	for _, r := range n.On {
		if r.Intent == intentYes {
			if next := d.sc.Node(r.Goto); next != nil && next.ConfirmsIdentity {
				return true
			}
		}
	}
	return false
}

// hasMoney reports an amount said beside the time ("пять тысяч в
// понедельник" is an offer to pay, not a day to be called).
func hasMoney(text string, tr scripts.TimeResult) bool {
	if tr.Text != "" {
		text = strings.Replace(text, tr.Text, " ", 1)
	}
	_, ok := scripts.ParseMoney(text, 0)
	return ok
}

// hasSum is hasMoney for a sum worth a promise (100 roubles and more): a
// lone "семь" or "полтора" beside a time is the time's.
func hasSum(text string, tr scripts.TimeResult) bool {
	if tr.Text != "" {
		text = strings.Replace(text, tr.Text, " ", 1)
	}
	k, ok := scripts.ParseMoney(text, 0)
	return ok && k >= 100*100
}

// sameDay reports whether two times fall on the same calendar day.
func sameDay(a, b time.Time) bool {
	ay, am, ad := a.Date()
	by, bm, bd := b.In(a.Location()).Date()
	return ay == by && am == bm && ad == bd
}

// collectsTime reports whether node n's ask fills a date-time slot.
func (d *dialogue) collectsTime(n *scripts.Node) bool {
	for _, sl := range n.Ask.Slots {
		if t, _ := d.sc.SlotType(sl); t == scripts.SlotDateTime {
			return true
		}
	}
	return false
}

// nameWords returns whether a normalised word is one of the debtor's name
// words, the everyday forms of the first name included ("Витя", "Люды").
func (d *dialogue) nameWords() func(string) bool {
	var first, full string
	if v, ok := d.env().Lookup("debtor.first_name"); ok {
		first = fmt.Sprint(v)
	}
	if v, ok := d.env().Lookup("debtor.name"); ok {
		full = fmt.Sprint(v)
	}
	if d.names.is == nil || d.names.first != first || d.names.full != full {
		d.names.first, d.names.full, d.names.is = first, full, scripts.NameMatcher(first, full)
	}
	return d.names.is
}

// fullNameHasPatronymic reports whether the debtor's full name holds a
// patronymic, so that another one said is someone else's.
func (d *dialogue) fullNameHasPatronymic() bool {
	v, ok := d.env().Lookup("debtor.name")
	if !ok {
		return false
	}
	for _, w := range scripts.Tokens(fmt.Sprint(v)) {
		if scripts.Patronymic(w) {
			return true
		}
	}
	return false
}

// readName finds the debtor's name in text. masked is text with those words
// replaced by one no phrase holds, so that ASR tolerance never reads a name
// as a phrase word ("Семёнов" is one edit from "смена"); denied is whether
// "не" stands right before one ("я не Елена", "никакой не Семёнов").
func (d *dialogue) readName(text string, isName func(string) bool) (masked string, denied bool) {
	toks := scripts.Tokens(text)
	for i, t := range toks {
		if isName(t) {
			denied = denied || scripts.NameDenied(toks, i)
			toks[i] = nameMask
		}
	}
	return strings.Join(toks, " "), denied
}

// mergeVars deep-copies the call's variables over the script's defaults.
func mergeVars(defaults, vars map[string]any) map[string]any {
	out := deepCopy(defaults)
	if out == nil {
		out = map[string]any{}
	}
	for k, v := range vars {
		if sub, ok := v.(map[string]any); ok {
			if base, ok := out[k].(map[string]any); ok {
				out[k] = mergeVars(base, sub)
				continue
			}
			out[k] = deepCopy(sub)
			continue
		}
		out[k] = v
	}
	return out
}

func deepCopy(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		if sub, ok := v.(map[string]any); ok {
			out[k] = deepCopy(sub)
		} else {
			out[k] = v
		}
	}
	return out
}

func setPath(m map[string]any, path, val string) {
	parts := strings.Split(path, ".")
	for _, p := range parts[:len(parts)-1] {
		sub, ok := m[p].(map[string]any)
		if !ok {
			sub = map[string]any{}
			m[p] = sub
		}
		m = sub
	}
	m[parts[len(parts)-1]] = val
}
