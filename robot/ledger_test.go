package robot

import (
	"testing"

	"github.com/dozvon/dozvon/compliance"
	"github.com/dozvon/dozvon/scripts"
)

func TestLedgerKind(t *testing.T) {
	spoke := []Turn{{Who: WhoRobot, Kind: TurnKindSay}, {Who: WhoCaller, Kind: "speech", Text: "да"}}
	silent := []Turn{{Who: WhoRobot, Kind: TurnKindSay}, {Who: WhoCaller, Kind: "no_input"}}
	tests := []struct {
		outcome scripts.Outcome
		turns   []Turn
		want    compliance.Kind
	}{
		{scripts.OutcomeIdentified, spoke, compliance.Conversation},
		{scripts.OutcomeRefused, spoke, compliance.Conversation},
		{scripts.OutcomeCallback, spoke, compliance.Conversation},
		{scripts.OutcomeUnrecognized, spoke, compliance.Conversation},
		{scripts.OutcomeHangup, spoke, compliance.Conversation},
		{scripts.OutcomeWrongPerson, spoke, compliance.Attempt},
		{scripts.OutcomeThirdParty, spoke, compliance.Attempt},
		{scripts.OutcomeAssistant, spoke, compliance.Attempt},
		{scripts.OutcomeMachine, spoke, compliance.Attempt},
		{scripts.OutcomeNoInput, silent, compliance.Attempt},
		{scripts.OutcomeHangup, silent, compliance.Attempt},
		{scripts.OutcomeFailed, nil, compliance.Attempt},
	}
	for _, tt := range tests {
		if got := LedgerKind(Result{Outcome: tt.outcome, Turns: tt.turns}); got != tt.want {
			t.Errorf("%s with %d turns: %s, want %s", tt.outcome, len(tt.turns), got, tt.want)
		}
	}
}
