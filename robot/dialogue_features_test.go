package robot_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dozvon/dozvon/robot"
	"github.com/dozvon/dozvon/scripts"
	"github.com/dozvon/dozvon/testcalls"
)

// featureScript exercises set, time-of-day branches, yesno and text slots,
// conditions on slots, and transfer to the session's target.
const featureScript = `
name: features
limits: {max_turns: 6, max_duration: 15s}
import: ../scripts/phrases.yaml
start: greeting
fallback: end_unrecognized
vars: [debtor.name, debtor.first_name, creditor.name, debt.amount, campaign.*]
defaults: {creditor: {name: "Тест"}}
slots: {consent: yesno, note: text}
phrases:
  ask_consent: "Согласны?"
  ask_consent_2: "Вы согласны?"
  ask_consent_3: "Да или нет?"
  ask_note: "Что передать?"
  ask_note_2: "Скажите, что передать."
  ask_note_3: "Ваше сообщение?"
  evening: "Добрый вечер, {stage}."
global:
  - {intent: human, goto: to_human}
nodes:
  - id: greeting
    say: [hello, disclosure, creditor, recording]
    set: {stage: "начало"}
    next: by_time
  - id: by_time
    branch:
      - if: {after: "18:00"}
        say: evening
        goto: consent
      - else: true
        goto: consent
  - id: consent
    confirms_identity: true
    ask: {prompt: ask_consent, reprompts: [ask_consent_2, ask_consent_3], slots: [consent]}
    on:
      - {slot: consent, if: {var: slot.consent, eq: "yes"}, goto: note}
      - {slot: consent, goto: end_refused}
  - id: note
    ask: {prompt: ask_note, reprompts: [ask_note_2, ask_note_3], slots: [note]}
    on:
      - {slot: note, goto: end_ok}
  - id: to_human
    transfer: {on_fail: end_unrecognized}
  - {id: end_ok, say: bye_identified, end: identified}
  - {id: end_refused, say: bye_refused, end: refused}
  - {id: end_unrecognized, say: bye_unrecognized, end: unrecognized}
`

// loadFeatureScript loads featureScript with its import made absolute.
func loadFeatureScript(t *testing.T) *scripts.Script {
	t.Helper()
	abs, err := filepath.Abs("../scripts/phrases.yaml")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "features.yaml")
	if err := os.WriteFile(path, []byte(replaceImport(featureScript, abs)), 0o644); err != nil {
		t.Fatal(err)
	}
	sc, err := scripts.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

func TestDialogueFeatures(t *testing.T) {
	sc := loadFeatureScript(t)
	tests := []struct {
		name     string
		at       time.Time
		caller   []testcalls.CallerItem
		outcome  scripts.Outcome
		slots    map[string]string
		evening  bool
		transfer string
		reason   string
	}{
		{"yes slot then a note, in the evening", time.Date(2026, 11, 24, 19, 0, 0, 0, msk),
			says("да", "пусть перезвонит Ивану"), scripts.OutcomeIdentified,
			map[string]string{"consent": "yes", "note": "пусть перезвонит Ивану"}, true, "", "end node end_ok"},
		{"no slot in the morning", time.Date(2026, 11, 24, 10, 0, 0, 0, msk),
			says("нет"), scripts.OutcomeRefused, map[string]string{"consent": "no"}, false, "", "end_refused"},
		{"human goes to the session target", time.Date(2026, 11, 24, 10, 0, 0, 0, msk),
			says("оператора"), scripts.OutcomeTransfer, map[string]string{"transfer_to": "sip:desk@ops"}, false, "sip:desk@ops", "transferred"},
		// two silences are fewer than max_attempts: only the limit can end it this way
		{"max_duration ends the dialogue", time.Date(2026, 11, 24, 10, 0, 0, 0, msk),
			[]testcalls.CallerItem{{Silence: 9 * time.Second}, {Silence: 9 * time.Second}}, scripts.OutcomeUnrecognized, nil, false, "",
			"max_duration 15s reached; end node end_unrecognized"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			clock := testcalls.NewClock(tc.at)
			conv := &testcalls.TextConversation{Clock: clock, Items: tc.caller}
			s := &robot.Session{Script: sc, Vars: vars(), Clock: clock, Location: msk, Conv: conv, TransferTarget: "sip:desk@ops"}
			res, err := s.Run(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(res.Reason, tc.reason) {
				t.Errorf("reason %q, want it to contain %q", res.Reason, tc.reason)
			}
			if res.Outcome != tc.outcome {
				t.Fatalf("outcome %q (%s), want %q; path %v", res.Outcome, res.Reason, tc.outcome, res.Path)
			}
			for k, v := range tc.slots {
				if res.Slots[k] != v {
					t.Errorf("slot %s = %q, want %q", k, res.Slots[k], v)
				}
			}
			saidEvening := false
			for _, p := range conv.Prompts {
				if p.ID == "evening" {
					saidEvening = true
					if p.Text != "Добрый вечер, начало." {
						t.Errorf("evening prompt %q: set variable not rendered", p.Text)
					}
				}
			}
			if saidEvening != tc.evening {
				t.Errorf("evening greeting said: %v, want %v", saidEvening, tc.evening)
			}
			if tc.transfer != "" && (len(conv.Transfers) != 1 || conv.Transfers[0] != tc.transfer) {
				t.Errorf("transfers %v, want %s", conv.Transfers, tc.transfer)
			}
		})
	}
}

func replaceImport(src, abs string) string {
	const from = "import: ../scripts/phrases.yaml"
	for i := 0; i+len(from) <= len(src); i++ {
		if src[i:i+len(from)] == from {
			return src[:i] + "import: " + abs + src[i+len(from):]
		}
	}
	return src
}
