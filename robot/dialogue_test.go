package robot_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/dozvon/dozvon/internal/safe"
	"github.com/dozvon/dozvon/robot"
	"github.com/dozvon/dozvon/scripts"
	"github.com/dozvon/dozvon/testcalls"
)

var msk = time.FixedZone("MSK", 3*3600)

func load(t testing.TB, name string) *scripts.Script {
	t.Helper()
	s, err := scripts.Load("../scripts/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func vars() map[string]any {
	return map[string]any{
		"debtor": map[string]any{"name": "Иванов Иван Иванович", "first_name": "Иван"},
		"debt":   map[string]any{"amount": 12345.50},
	}
}

// run plays caller items against a script with the text conversation.
func run(t testing.TB, sc *scripts.Script, items []testcalls.CallerItem) (robot.Result, *testcalls.TextConversation, error) {
	t.Helper()
	clock := testcalls.NewClock(time.Date(2026, 11, 24, 11, 0, 0, 0, msk))
	conv := &testcalls.TextConversation{Clock: clock, Items: items}
	s := &robot.Session{Script: sc, Vars: vars(), Clock: clock, Location: msk, Conv: conv, TransferTarget: "operator"}
	res, err := s.Run(context.Background())
	return res, conv, err
}

func says(ss ...string) []testcalls.CallerItem {
	var out []testcalls.CallerItem
	for _, s := range ss {
		out = append(out, testcalls.CallerItem{Say: s})
	}
	return out
}

// robotTexts is what the robot said, in order.
func robotTexts(res robot.Result) []string {
	var out []string
	for _, t := range res.Turns {
		if t.Who == robot.WhoRobot {
			out = append(out, t.Text)
		}
	}
	return out
}

// thriceInARow returns a text said three times in a row, or "".
func thriceInARow(texts []string) string {
	for i := 2; i < len(texts); i++ {
		if texts[i] == texts[i-1] && texts[i] == texts[i-2] {
			return texts[i]
		}
	}
	return ""
}

func callerTurns(res robot.Result) int {
	n := 0
	for _, t := range res.Turns {
		if t.Who == robot.WhoCaller {
			n++
		}
	}
	return n
}

// panickingConversation is a test double whose Say panics, like a buggy
// audio path would.
type panickingConversation struct{ hungUp bool }

func (p *panickingConversation) Say(context.Context, robot.Prompt) (robot.SayResult, error) {
	panic("codec exploded")
}
func (p *panickingConversation) Listen(context.Context, robot.ListenOptions) (robot.Input, error) {
	return robot.Input{Kind: robot.InputHangup}, nil
}
func (p *panickingConversation) Transfer(context.Context, string) error { return nil }
func (p *panickingConversation) Hangup(context.Context) error           { p.hungUp = true; return nil }

func TestRunRecoversPanic(t *testing.T) {
	conv := &panickingConversation{}
	s := &robot.Session{Script: load(t, "verify_contact.yaml"), Vars: vars(), Conv: conv, Location: msk}
	res, err := s.Run(context.Background())
	// the panic reaches the caller with its value; its text (logged,
	// stored) names the panic without the value, which may hold PII
	var p *safe.Panic
	if !errors.As(err, &p) || p.Value != "codec exploded" || strings.Contains(err.Error(), "codec exploded") {
		t.Fatalf("err = %v, want the panic reported, its value kept but not in the text", err)
	}
	if res.Outcome != scripts.OutcomeFailed || !conv.hungUp {
		t.Fatalf("outcome %q, hung up %v; want failed and hung up", res.Outcome, conv.hungUp)
	}
}

func TestRunWithoutScript(t *testing.T) {
	res, err := (&robot.Session{}).Run(context.Background())
	if err == nil || res.Outcome != scripts.OutcomeFailed {
		t.Fatalf("got %q, %v", res.Outcome, err)
	}
}

func TestRepeatedPromptIsRephrased(t *testing.T) {
	sc := load(t, "verify_contact.yaml")
	tests := []struct {
		name   string
		caller []testcalls.CallerItem
	}{
		{"repeat requests", says("повторите", "повторите", "повторите", "повторите", "да", "да")},
		{"hello over and over", says("алло", "алло", "алло", "алло", "алло", "да", "да")},
		{"no match", says("ммм", "эээ", "да", "да")},
		{"silence", []testcalls.CallerItem{{Silence: 7 * time.Second}, {Silence: 7 * time.Second}, {Say: "да"}, {Say: "да"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, _, err := run(t, sc, tc.caller)
			if err != nil {
				t.Fatal(err)
			}
			texts := robotTexts(res)
			if s := thriceInARow(texts); s != "" {
				t.Fatalf("said three times in a row: %q\n%s", s, strings.Join(texts, "\n"))
			}
			if res.Outcome != scripts.OutcomeIdentified {
				t.Fatalf("outcome %q (%s)", res.Outcome, res.Reason)
			}
		})
	}
}

func TestMaxTurnsBoundsTheDialogue(t *testing.T) {
	sc := load(t, "verify_contact.yaml")
	var items []testcalls.CallerItem
	for i := 0; i < 100; i++ {
		items = append(items, testcalls.CallerItem{Say: "алло"}) // a global "repeat": never a miss
	}
	res, _, err := run(t, sc, items)
	if err != nil {
		t.Fatal(err)
	}
	if n := callerTurns(res); n > sc.Limits.MaxTurns {
		t.Fatalf("%d caller turns, max_turns %d", n, sc.Limits.MaxTurns)
	}
	if res.Outcome != scripts.OutcomeUnrecognized || !strings.Contains(res.Reason, "max_turns") {
		t.Fatalf("outcome %q reason %q", res.Outcome, res.Reason)
	}
}

func TestTranscript(t *testing.T) {
	sc := load(t, "verify_contact.yaml")
	items := []testcalls.CallerItem{{Interrupt: "да это я"}, {Say: "я занят"}, {Say: "перезвоните завтра в десять утра"}}
	res, _, err := run(t, sc, items)
	if err != nil {
		t.Fatal(err)
	}
	if res.Outcome != scripts.OutcomeCallback || res.Slots["callback_at"] != "2026-11-25T10:00:00+03:00" {
		t.Fatalf("outcome %q slots %v", res.Outcome, res.Slots)
	}
	if res.ScriptName != "verify_contact" || !strings.HasPrefix(res.ScriptVersion, "1.0+") {
		t.Fatalf("script %q version %q", res.ScriptName, res.ScriptVersion)
	}
	var barged, slotTurn bool
	for i, tr := range res.Turns {
		if tr.Seq != i+1 {
			t.Fatalf("turn %d has seq %d", i, tr.Seq)
		}
		if tr.Node == "" || tr.End.Before(tr.Start) {
			t.Fatalf("turn %+v: no node or negative duration", tr)
		}
		if i > 0 && tr.Start.Before(res.Turns[i-1].Start) {
			t.Fatalf("turn %d starts before the previous one", i)
		}
		if tr.Who == robot.WhoRobot && tr.BargedIn {
			barged = true
		}
		if tr.Who == robot.WhoCaller && tr.Slots["callback_at"] != "" && tr.Node == "ask_callback" && tr.Intent != "" {
			slotTurn = true
		}
	}
	if !barged {
		t.Error("the interrupted prompt is not marked BargedIn")
	}
	if !slotTurn {
		t.Errorf("no caller turn at ask_callback with its intent and callback_at slot: %+v", res.Turns)
	}
	if want := []string{"greeting", "identify", "ask_convenient", "ask_callback", "end_callback"}; strings.Join(res.Path, ",") != strings.Join(want, ",") {
		t.Errorf("path %v, want %v", res.Path, want)
	}
}

func TestRunningCallKeepsItsScript(t *testing.T) {
	sc := load(t, "verify_contact.yaml")
	before := sc.VersionString()
	res, _, err := run(t, sc, says("да", "да"))
	if err != nil || res.ScriptVersion != before {
		t.Fatalf("version %q, want %q (%v)", res.ScriptVersion, before, err)
	}
}

// callerVocabulary is what the random caller may do.
func callerVocabulary() []testcalls.CallerItem {
	v := says("да", "нет", "это я", "это не я", "алло", "кто это", "откуда у вас мой номер", "повторите",
		"я занят", "перезвоните завтра в десять", "в пятницу в три часа дня", "через два часа", "полшестого",
		"это его жена", "он умер", "ошиблись номером", "не звоните мне", "соедините с оператором",
		"заплачу пять тысяч в пятницу", "нет денег", "рассрочку", "каникулы", "встреча", "в офисе",
		"десять тысяч", "ммм", "картошка", "да нет наверное", "", "конешно")
	v = append(v,
		testcalls.CallerItem{Silence: 7 * time.Second}, testcalls.CallerItem{Silence: 2 * time.Second},
		testcalls.CallerItem{DTMF: "1"}, testcalls.CallerItem{DTMF: "2"}, testcalls.CallerItem{DTMF: "5"},
		testcalls.CallerItem{Interrupt: "да"}, testcalls.CallerItem{Interrupt: "кто это"},
		testcalls.CallerItem{Hangup: true})
	return v
}

// TestPropertyRandomCallers: for random caller behaviour every dialogue ends
// within the script's max turns with a valid outcome, never says a prompt
// three times in a row, and never tells a wrong person or third party about
// the debt.
func TestPropertyRandomCallers(t *testing.T) {
	vocab := callerVocabulary()
	for _, name := range []string{"verify_contact.yaml", "collection.yaml"} {
		sc := load(t, name)
		outcomes := map[scripts.Outcome]int{}
		for seed := uint64(0); seed < 400; seed++ {
			rng := rand.New(rand.NewPCG(seed, 7))
			n := rng.IntN(3 * sc.Limits.MaxTurns)
			items := make([]testcalls.CallerItem, n)
			for i := range items {
				items[i] = vocab[rng.IntN(len(vocab))]
				if items[i].Hangup && rng.IntN(4) != 0 {
					items[i] = vocab[0] // hang-ups rarer, so long dialogues happen
				}
			}
			res, conv, err := run(t, sc, items)
			desc := fmt.Sprintf("%s seed %d: path %v", name, seed, res.Path)
			if err != nil {
				t.Fatalf("%s: %v", desc, err)
			}
			outcomes[res.Outcome]++
			if !res.Outcome.Valid() || res.Outcome == scripts.OutcomeFailed {
				t.Fatalf("%s: outcome %q", desc, res.Outcome)
			}
			if c := callerTurns(res); c > sc.Limits.MaxTurns {
				t.Fatalf("%s: %d caller turns > max_turns %d", desc, c, sc.Limits.MaxTurns)
			}
			if s := thriceInARow(robotTexts(res)); s != "" {
				t.Fatalf("%s: said three times in a row: %q", desc, s)
			}
			if res.Outcome == scripts.OutcomeThirdParty || res.Outcome == scripts.OutcomeWrongPerson {
				if why := debtToStranger(sc, res, conv); why != "" {
					t.Fatalf("%s: %s: %s", desc, res.Outcome, why)
				}
			}
		}
		if len(outcomes) < 6 {
			t.Errorf("%s: random callers reached only %v", name, outcomes)
		}
		t.Logf("%s outcomes: %v", name, outcomes)
	}
}

// debtToStranger explains how a call that ended as a third party or a wrong
// person told them about the debt, or returns "". Since issue 16 a caller may
// say who they really are at any step, so the debt may have been said, but
// only once the identity was confirmed (after a confirms_identity node) and
// never after the caller said they are someone else.
func debtToStranger(sc *scripts.Script, res robot.Result, conv *testcalls.TextConversation) string {
	confirmed, stranger := false, false
	prompts := 0
	for _, tu := range res.Turns {
		if tu.Who == robot.WhoCaller {
			switch tu.Intent {
			case "relative", "not_me", "third_party", "wrong_person":
				stranger = true
			}
			if n := sc.Node(tu.Node); n != nil && n.ConfirmsIdentity && tu.Intent == "yes" {
				confirmed = true
			}
			continue
		}
		if prompts >= len(conv.Prompts) {
			break
		}
		p := conv.Prompts[prompts]
		prompts++
		if p.Text != tu.Text {
			return fmt.Sprintf("robot turn %q is not prompt %q: the transcript and the prompts disagree", tu.Text, p.Text)
		}
		if ph := sc.Phrases[p.ID]; ph != nil && ph.MentionsDebt() {
			switch {
			case stranger:
				return fmt.Sprintf("heard %q after saying who they are", p.Text)
			case !confirmed:
				return fmt.Sprintf("heard %q before the identity was confirmed", p.Text)
			}
		}
	}
	return ""
}

// hangsUpDuring is a test double: a text conversation whose caller hangs up
// while the robot says one given phrase.
type hangsUpDuring struct {
	*testcalls.TextConversation
	phrase string
}

func (h hangsUpDuring) Say(ctx context.Context, p robot.Prompt) (robot.SayResult, error) {
	r, err := h.TextConversation.Say(ctx, p)
	if p.ID == h.phrase {
		r.HungUp = true
	}
	return r, err
}

func TestHangupDuringPrompt(t *testing.T) {
	sc := load(t, "verify_contact.yaml")
	tests := []struct {
		phrase string
		caller []testcalls.CallerItem
		want   scripts.Outcome
	}{
		{"bye_wrong_person", says("ошиблись номером"), scripts.OutcomeWrongPerson}, // the goodbye: outcome stands
		{"disclosure", says("да", "да"), scripts.OutcomeHangup},                    // the opening
		{"ask_convenient", says("да", "да"), scripts.OutcomeHangup},                // a question
	}
	for _, tc := range tests {
		t.Run(tc.phrase, func(t *testing.T) {
			clock := testcalls.NewClock(time.Date(2026, 11, 24, 11, 0, 0, 0, msk))
			conv := hangsUpDuring{&testcalls.TextConversation{Clock: clock, Items: tc.caller}, tc.phrase}
			s := &robot.Session{Script: sc, Vars: vars(), Clock: clock, Location: msk, Conv: conv}
			res, err := s.Run(context.Background())
			if err != nil || res.Outcome != tc.want {
				t.Fatalf("outcome %q (%v), want %q", res.Outcome, err, tc.want)
			}
		})
	}
}

func TestConcurrentCallsShareOneScript(t *testing.T) {
	sc := load(t, "collection.yaml")
	errs := make(chan error, 8)
	for i := 0; i < 8; i++ {
		go func() {
			res, _, err := run(t, sc, says("да", "да", "заплачу пять тысяч в пятницу"))
			if err == nil && (res.Outcome != scripts.OutcomePromiseToPay || res.Slots["amount"] != "5000.00") {
				err = fmt.Errorf("outcome %q slots %v", res.Outcome, res.Slots)
			}
			errs <- err
		}()
	}
	for i := 0; i < 8; i++ {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}
