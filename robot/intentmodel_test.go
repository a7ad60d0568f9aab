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
