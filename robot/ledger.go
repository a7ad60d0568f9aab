package robot

import (
	"github.com/dozvon/dozvon/compliance"
	"github.com/dozvon/dozvon/scripts"
)

// LedgerKind says how an answered robot call counts for 230-FZ limits.
//
// The law counts a "conversation" with the debtor; everything else is an
// attempt. When in doubt we count a conversation (the stricter reading: it
// uses up the 1/day, 2/week, 8/month budget): any dialogue in which the
// callee spoke and was not shown to be someone else or a machine. So
// wrong_person, third_party, assistant and machine are attempts; a call
// where the callee never said or keyed anything is an attempt; everything
// else — including refused, callback and unrecognized — is a conversation.
func LedgerKind(res Result) compliance.Kind {
	switch res.Outcome {
	case scripts.OutcomeWrongPerson, scripts.OutcomeThirdParty, scripts.OutcomeAssistant, scripts.OutcomeMachine:
		return compliance.Attempt
	}
	for _, t := range res.Turns {
		if t.Who == WhoCaller && (t.Kind == "speech" || t.Kind == "dtmf") {
			return compliance.Conversation
		}
	}
	return compliance.Attempt
}
