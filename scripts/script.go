package scripts

import (
	"fmt"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Outcome is how a dialogue ended: a fixed vocabulary used by tests, reports
// and the scheduler.
type Outcome string

// The outcome vocabulary.
const (
	OutcomeIdentified    Outcome = "identified"
	OutcomeWrongPerson   Outcome = "wrong_person"
	OutcomeThirdParty    Outcome = "third_party"
	OutcomeCallback      Outcome = "callback"
	OutcomePromiseToPay  Outcome = "promise_to_pay"
	OutcomeRestructuring Outcome = "restructuring"
	OutcomeMeeting       Outcome = "meeting"
	OutcomeRefused       Outcome = "refused"
	OutcomeTransfer      Outcome = "transfer"
	OutcomeNoInput       Outcome = "no_input"
	OutcomeUnrecognized  Outcome = "unrecognized"
	OutcomeHangup        Outcome = "hangup"
	OutcomeAssistant     Outcome = "assistant"
	OutcomeMachine       Outcome = "machine"
	OutcomeFailed        Outcome = "failed"
)

// Outcomes returns the whole vocabulary in a stable order.
func Outcomes() []Outcome {
	return []Outcome{OutcomeIdentified, OutcomeWrongPerson, OutcomeThirdParty, OutcomeCallback,
		OutcomePromiseToPay, OutcomeRestructuring, OutcomeMeeting, OutcomeRefused, OutcomeTransfer,
		OutcomeNoInput, OutcomeUnrecognized, OutcomeHangup, OutcomeAssistant, OutcomeMachine, OutcomeFailed}
}

// Valid reports whether o belongs to the vocabulary.
func (o Outcome) Valid() bool {
	for _, v := range Outcomes() {
		if o == v {
			return true
		}
	}
	return false
}

// Outcome slot names carried on a Result.
const (
	SlotCallbackAt   = "callback_at"
	SlotPromiseAt    = "promise_at"
	SlotAmount       = "amount"
	SlotMeetingAt    = "meeting_at"
	SlotMeetingPlace = "meeting_place"
	SlotTransferTo   = "transfer_to"
	// SlotSend lists the message templates the dialogue asked to send
	// (nodes' send:), comma-separated, in the order first reached.
	SlotSend = "send"
)

// SlotType is how a slot's value is extracted from an utterance.
type SlotType string

// Slot types.
const (
	SlotDateTime SlotType = "datetime" // a Russian time expression, resolved against now
	SlotMoney    SlotType = "money"    // an amount in rubles ("пять тысяч")
	SlotYesNo    SlotType = "yesno"    // "да" / "нет"
	SlotText     SlotType = "text"     // the utterance as said
)

// builtinSlots are the outcome slots every script may use without declaring them.
func builtinSlots() map[string]SlotType {
	return map[string]SlotType{
		SlotCallbackAt: SlotDateTime, SlotPromiseAt: SlotDateTime, SlotMeetingAt: SlotDateTime,
		SlotAmount: SlotMoney, SlotMeetingPlace: SlotText,
	}
}

// Script is one loaded dialogue with its imported phrase base. It is immutable
// after Load and safe to share between calls.
type Script struct {
	Name     string     `yaml:"name"`
	Version  string     `yaml:"version"`
	Language string     `yaml:"language"`
	Voice    string     `yaml:"voice"`
	Limits   Limits     `yaml:"limits"`
	Import   PhraseList `yaml:"import"`
	Start    string     `yaml:"start"`
	// Fallback is the node used when an ask runs out of attempts and has no
	// no_input / no_match of its own, and when the limits are reached.
	Fallback string              `yaml:"fallback"`
	Vars     []string            `yaml:"vars"`     // variables the script expects from the call ("debtor.name", "campaign.*")
	Defaults map[string]any      `yaml:"defaults"` // values used when the call does not set them
	Slots    map[string]SlotType `yaml:"slots"`
	Intents  map[string]*Intent  `yaml:"intents"`
	Phrases  map[string]*Phrase  `yaml:"phrases"`
	Globals  []*Route            `yaml:"global"`
	Nodes    []*Node             `yaml:"nodes"`

	// File is the script's path as loaded; Hash is the hex SHA-256 of the
	// script and its imports; Line is the position of the document.
	File string `yaml:"-"`
	Hash string `yaml:"-"`

	index   map[string]*Node
	matcher *Matcher
	times   *TimeParser
}

// Limits bound one dialogue.
type Limits struct {
	MaxTurns    int      `yaml:"max_turns"`    // caller turns, including no-input
	MaxDuration Duration `yaml:"max_duration"` // wall time of the dialogue
}

// Duration is a time.Duration written as "6s", "5m".
type Duration time.Duration

// UnmarshalYAML parses a Go duration string.
func (d *Duration) UnmarshalYAML(v *yaml.Node) error {
	var s string
	if err := v.Decode(&s); err != nil {
		return fmt.Errorf("line %d: duration: %w", v.Line, err)
	}
	p, err := time.ParseDuration(strings.TrimSpace(s))
	if err != nil || p < 0 {
		return fmt.Errorf("line %d: duration %q: want e.g. 6s or 5m", v.Line, s)
	}
	*d = Duration(p)
	return nil
}

// Phrase is one thing the robot can say, by id, from the phrase base or the script.
type Phrase struct {
	ID    string   `yaml:"-"`
	Text  string   `yaml:"text"`  // markup: stress "+", pauses "[pause 300ms]", variables "{debtor.first_name}", "{debt.amount|money}"
	Audio string   `yaml:"audio"` // optional recorded file, relative to the phrase file
	Tags  []string `yaml:"tags"`  // disclosure, creditor, recording, debt, greeting…
	File  string   `yaml:"-"`
	Line  int      `yaml:"-"`
}

// HasTag reports whether the phrase carries tag.
func (p *Phrase) HasTag(tag string) bool {
	for _, t := range p.Tags {
		if t == tag {
			return true
		}
	}
	return false
}

// Intent is a class of caller utterances, recognised by phrase lists.
type Intent struct {
	Name     string   `yaml:"-"`
	Phrases  []string `yaml:"phrases"`
	Priority int      `yaml:"priority"` // higher wins when several intents match
	// Negation is the intent produced when a phrase matched under a negation
	// ("это не я" for the phrase "это я"); empty means a negated match is ignored.
	Negation string `yaml:"negation"`
	File     string `yaml:"-"`
	Line     int    `yaml:"-"`
}

// Node is one step of a dialogue. What it does is set by its fields, in this
// order: set, say, then exactly one of end, transfer, ask (+on), branch, next.
type Node struct {
	ID       string            `yaml:"id"`
	Set      map[string]string `yaml:"set"`
	Say      PhraseList        `yaml:"say"`
	BargeIn  *bool             `yaml:"barge_in"` // for say phrases; default false
	End      Outcome           `yaml:"end"`
	Transfer *Transfer         `yaml:"transfer"`
	Ask      *Ask              `yaml:"ask"`
	On       []*Route          `yaml:"on"`
	NoInput  string            `yaml:"no_input"` // node after the attempts run out on silence
	NoMatch  string            `yaml:"no_match"` // node after the attempts run out on unrecognised speech
	Branch   []*Route          `yaml:"branch"`
	Next     string            `yaml:"next"`
	// Send names message templates (package messages) to send once the
	// dialogue ends, when this node was reached: payment details after a
	// promise. The robot lists them in the outcome slot "send"; each goes
	// through the 230-FZ guard like any message.
	Send []string `yaml:"send"`
	// ConfirmsIdentity marks the node reached only once the debtor is
	// identified; lint allows debt phrases only after such a node.
	ConfirmsIdentity bool `yaml:"confirms_identity"`
	Line             int  `yaml:"-"`
	keyLines         map[string]int
}

// FieldLine is the line of one field of the node ("say", "next"), or the
// node's line when the field is absent.
func (n *Node) FieldLine(field string) int {
	if l, ok := n.keyLines[field]; ok {
		return l
	}
	return n.Line
}

// Kind names what the node does.
func (n *Node) Kind() string {
	switch {
	case n.End != "":
		return "end"
	case n.Transfer != nil:
		return "transfer"
	case n.Ask != nil:
		return "ask"
	case len(n.Branch) > 0:
		return "branch"
	case n.Next != "":
		return "goto"
	}
	return "say"
}

// Ask is the question part of a node.
type Ask struct {
	Prompt         string            `yaml:"prompt"`
	Reprompts      PhraseList        `yaml:"reprompts"` // rephrasings, used in turn after no-input / no-match
	NoInputTimeout Duration          `yaml:"timeout"`
	MaxAttempts    int               `yaml:"max_attempts"`
	BargeIn        *bool             `yaml:"barge_in"` // default true
	Hints          []string          `yaml:"hints"`
	DTMF           map[string]string `yaml:"dtmf"` // digit → intent
	Slots          []string          `yaml:"slots"`
	Line           int               `yaml:"-"`
}

// Attempts is MaxAttempts with its default (3).
func (a *Ask) Attempts() int {
	if a.MaxAttempts <= 0 {
		return 3
	}
	return a.MaxAttempts
}

// AllowsBargeIn is BargeIn with its default (true).
func (a *Ask) AllowsBargeIn() bool { return a.BargeIn == nil || *a.BargeIn }

// Route is one way out of a node or one global intent handler. It matches when
// every condition it has holds: the intent, a filled slot, the condition.
type Route struct {
	Intent string            `yaml:"intent"`
	Slot   string            `yaml:"slot"`
	If     *Cond             `yaml:"if"`
	Else   bool              `yaml:"else"`
	Say    PhraseList        `yaml:"say"`
	Set    map[string]string `yaml:"set"`
	Goto   string            `yaml:"goto"`
	// Repeat (global intents only) returns to the current ask after Say.
	Repeat bool `yaml:"repeat"`
	Line   int  `yaml:"-"`
}

// Cond is a condition on variables, slots and the time of the call.
type Cond struct {
	Var     string   `yaml:"var"` // dotted path: debtor.segment, slot.amount, campaign.handoff
	Eq      *string  `yaml:"eq"`
	Ne      *string  `yaml:"ne"`
	In      []string `yaml:"in"`
	Exists  *bool    `yaml:"exists"`
	Gt      *float64 `yaml:"gt"`
	Lt      *float64 `yaml:"lt"`
	After   string   `yaml:"after"`   // local time of day "HH:MM": now >= After
	Before  string   `yaml:"before"`  // now < Before
	Weekday []string `yaml:"weekday"` // mon..sun
	All     []*Cond  `yaml:"all"`
	Any     []*Cond  `yaml:"any"`
	Line    int      `yaml:"-"`
}

// Transfer hands the call to a human.
type Transfer struct {
	To     string `yaml:"to"`      // number, SIP URI, queue or "{variable}"; empty: the session's target
	OnFail string `yaml:"on_fail"` // node when the transfer fails
	Line   int    `yaml:"-"`
}

// PhraseList is a list of phrase ids; YAML accepts one id or a list.
type PhraseList []string

// UnmarshalYAML accepts a scalar or a sequence.
func (l *PhraseList) UnmarshalYAML(v *yaml.Node) error {
	if v.Kind == yaml.ScalarNode {
		*l = PhraseList{v.Value}
		return nil
	}
	var s []string
	if err := v.Decode(&s); err != nil {
		return fmt.Errorf("line %d: want a phrase id or a list of ids", v.Line)
	}
	*l = s
	return nil
}

// Node returns the node with the id, or nil.
func (s *Script) Node(id string) *Node { return s.index[id] }

// Matcher returns the script's intent classifier.
func (s *Script) Matcher() *Matcher { return s.matcher }

// TimeParser returns the script's time-expression parser (built once per
// load; safe for concurrent calls).
func (s *Script) TimeParser() *TimeParser { return s.times }

// SlotType returns the type of a slot, declared or built in.
func (s *Script) SlotType(name string) (SlotType, bool) {
	if t, ok := s.Slots[name]; ok {
		return t, true
	}
	t, ok := builtinSlots()[name]
	return t, ok
}

// VersionString is the version stored with a call: the script's version
// field and the first 12 hex digits of its content hash.
func (s *Script) VersionString() string {
	h := s.Hash
	if len(h) > 12 {
		h = h[:12]
	}
	if s.Version == "" {
		return h
	}
	return s.Version + "+" + h
}

// Edge is one static transition of the node graph.
type Edge struct{ From, To, Via string }

// String is "from→to".
func (e Edge) String() string { return e.From + "→" + e.To }

// Edges lists every static transition: next, routes, branches, no_input,
// no_match, transfer fallbacks, and the default fallback of ask nodes.
// Global routes are listed with From "*".
func (s *Script) Edges() []Edge {
	var out []Edge
	add := func(from, to, via string) {
		if to != "" {
			out = append(out, Edge{from, to, via})
		}
	}
	for _, n := range s.Nodes {
		add(n.ID, n.Next, "next")
		for _, r := range n.On {
			add(n.ID, r.Goto, "on")
		}
		for _, r := range n.Branch {
			add(n.ID, r.Goto, "branch")
		}
		if n.Ask != nil {
			ni, nm := n.NoInput, n.NoMatch
			if ni == "" {
				ni = s.Fallback
			}
			if nm == "" {
				nm = s.Fallback
			}
			add(n.ID, ni, "no_input")
			if nm != ni {
				add(n.ID, nm, "no_match")
			}
		}
		if n.Transfer != nil {
			add(n.ID, n.Transfer.OnFail, "on_fail")
		}
	}
	for _, r := range s.Globals {
		add("*", r.Goto, "global")
	}
	return out
}
