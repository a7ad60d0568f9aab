package robot_test

import (
	"testing"
	"time"

	"github.com/dozvon/dozvon/intentstat"
	"github.com/dozvon/dozvon/robot"
	"github.com/dozvon/dozvon/scripts"
	"github.com/dozvon/dozvon/testcalls"
)

// TestDialogueIntentModelOnlyWhereRulesMiss runs a real intentstat model,
// trained here on a few rows, beside the rules: it routes an utterance the
// rules read nothing in only when its probability reaches its threshold,
// and is never asked where the rules found an intent.
func TestDialogueIntentModelOnlyWhereRulesMiss(t *testing.T) {
	t.Parallel()
	sc := load(t, "verify_contact.yaml")
	rows := []intentstat.Row{
		{Source: "t", Intent: "busy", Text: "шуршу по хозяйству"},
		{Source: "t", Intent: "busy", Text: "шуршу на кухне"},
		{Source: "t", Intent: "busy", Text: "по хозяйству шуршу некогда"},
		// a model that reads "да" as busy: the rules' yes must win
		{Source: "t", Intent: "busy", Text: "да"},
		{Source: "t", Intent: intentstat.None, Text: "эээ ну"},
		{Source: "t", Intent: intentstat.None, Text: "кхм"},
	}
	const missed = "шуршу по хозяйству"
	m := intentstat.Train(rows, 0.5, 0)
	p := m.Predict(missed, nil)
	if p.Intent != "busy" {
		t.Fatalf("the test model reads %q as %q (p=%.2f), want busy", missed, p.Intent, p.P)
	}
	rulesAlone, _, err := run(t, sc, says("да", missed, missed, missed))
	if err != nil {
		t.Fatal(err)
	}
	if rulesAlone.Outcome == scripts.OutcomeCallback {
		t.Fatalf("the rules alone read %q as busy: pick an utterance they miss", missed)
	}
	tests := []struct {
		name      string
		threshold float64
		items     []testcalls.CallerItem
		want      scripts.Outcome
	}{
		{"sure enough: the model routes the missed utterance", p.P - 0.01, says("да", missed), scripts.OutcomeCallback},
		{"not sure enough: the rules' path", p.P + 0.001, says("да", missed, missed, missed), rulesAlone.Outcome},
		{"the rules found an intent: the model is not asked", 0, says("да", "да"), scripts.OutcomeIdentified},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, _, err := runWith(t, sc, tt.items, m.WithThreshold(tt.threshold))
			if err != nil {
				t.Fatal(err)
			}
			if res.Outcome != tt.want {
				t.Fatalf("outcome %s, want %s (path %v)", res.Outcome, tt.want, res.Path)
			}
		})
	}
}

// runWith is run with a statistical intent model beside the rules.
func runWith(t testing.TB, sc *scripts.Script, items []testcalls.CallerItem, m robot.IntentModel) (robot.Result, *testcalls.TextConversation, error) {
	t.Helper()
	clock := testcalls.NewClock(time.Date(2026, 11, 24, 11, 0, 0, 0, msk))
	conv := &testcalls.TextConversation{Clock: clock, Items: items}
	s := &robot.Session{Script: sc, Vars: vars(), Clock: clock, Location: msk, Conv: conv, TransferTarget: "operator", Intents: m}
	res, err := s.Run(t.Context())
	return res, conv, err
}

// TestDialogueIntentModelOverrulesOnlyWeakMatches: a model with an overrule
// threshold takes the turn from the rules only where they matched by
// tolerance (the heard word mended into a phrase word) and it reads
// another intent sure enough; a match on the words as said stays the
// rules'.
func TestDialogueIntentModelOverrulesOnlyWeakMatches(t *testing.T) {
	t.Parallel()
	sc := load(t, "verify_contact.yaml")
	const weak, strong = "занет я", "занят я"
	mt := sc.Matcher()
	if m := mt.Classify(mt.Mend(weak), nil); m.Intent != "busy" {
		t.Fatalf("the rules read %q mended as %q, want busy", weak, m.Intent)
	}
	if m := mt.Classify(weak, nil); m.Intent == "busy" && m.Edits == 0 {
		t.Fatalf("the rules read %q exactly as busy: pick a word only tolerance finds", weak)
	}
	if m := mt.Classify(strong, nil); m.Intent != "busy" || m.Edits != 0 {
		t.Fatalf("the rules read %q as %+v, want busy exactly", strong, m)
	}
	// a model that reads both as yes: only the weak match may yield to it
	rows := []intentstat.Row{
		{Source: "t", Intent: "yes", Text: weak},
		{Source: "t", Intent: "yes", Text: strong},
		{Source: "t", Intent: "yes", Text: "занет занят"},
		{Source: "t", Intent: intentstat.None, Text: "эээ ну"},
		{Source: "t", Intent: intentstat.None, Text: "кхм"},
	}
	m := intentstat.Train(rows, 0.5, 1.01) // Guess never fires: only Overrule is measured
	p := m.Predict(weak, []string{"yes", "busy"})
	if p.Intent != "yes" {
		t.Fatalf("the test model reads %q as %q (p=%.2f), want yes", weak, p.Intent, p.P)
	}
	tests := []struct {
		name  string
		model robot.IntentModel
		said  string
		want  scripts.Outcome
	}{
		{"no overrule: the rules' busy", m, weak, scripts.OutcomeCallback},
		{"weak match, model sure enough: the model's yes", m.WithOverrule(p.P - 0.01), weak, scripts.OutcomeIdentified},
		{"weak match, model not sure enough: the rules' busy", m.WithOverrule(p.P + 0.001), weak, scripts.OutcomeCallback},
		{"match on the words as said: the rules' busy", m.WithOverrule(0.01), strong, scripts.OutcomeCallback},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, _, err := runWith(t, sc, says("да", tt.said, tt.said, tt.said), tt.model)
			if err != nil {
				t.Fatal(err)
			}
			if res.Outcome != tt.want {
				t.Fatalf("outcome %s, want %s (path %v)", res.Outcome, tt.want, res.Path)
			}
		})
	}
}
