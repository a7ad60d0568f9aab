package robot

import (
	"fmt"
	"strings"

	"github.com/dozvon/dozvon/compliance"
	"github.com/dozvon/dozvon/detect"
	"github.com/dozvon/dozvon/scripts"
)

// NonHumanAction is what the robot does when the first phrase shows that no
// person answered.
type NonHumanAction string

// Non-human actions.
const (
	// NonHumanHangup ends the call at once (the default for every class).
	NonHumanHangup NonHumanAction = "hangup"
	// NonHumanMessage says NonHumanPolicy.Message once, then hangs up.
	NonHumanMessage NonHumanAction = "message"
)

// DefaultNeutralMessage is said for NonHumanMessage when the policy has no
// text of its own.
//
// It names no one and nothing: an assistant or a voicemail box is a third
// party (the message may be heard by family or stored by an operator), and
// 230-FZ art. 6 part 5 forbids disclosing the debt, its terms or the debtor's
// relation to a creditor to third parties. Naming the debtor ("это сообщение
// для Ивана") or the creditor already tells a listener who owes whom, so the
// only thing left to say is a plain request to call back.
const DefaultNeutralMessage = "Здравствуйте. Это автоматическое сообщение. Пожалуйста, перезвоните по номеру, с которого вам звонили. Спасибо."

// NonHumanPolicy is the campaign's reaction to a first phrase that is not a
// person (voice_assistant, machine, announcement, silence, ivr, fax) and to a
// bot-to-bot loop.
type NonHumanPolicy struct {
	// Actions per class; a class not listed hangs up.
	Actions map[detect.Class]NonHumanAction `json:"actions,omitempty" yaml:"actions,omitempty"`
	// Message is the neutral phrase for NonHumanMessage ("" means
	// DefaultNeutralMessage). It must not mention the debt, the creditor or
	// the debtor, and it may not use variables: Validate checks.
	Message string `json:"message,omitempty" yaml:"message,omitempty"`
	// MinConfidence: a non-human verdict below it does not stop the dialogue
	// (0 means 0.5).
	MinConfidence float64 `json:"min_confidence,omitempty" yaml:"min_confidence,omitempty"`
}

func (p NonHumanPolicy) action(c detect.Class) NonHumanAction {
	if a, ok := p.Actions[c]; ok && a != "" {
		return a
	}
	return NonHumanHangup
}

func (p NonHumanPolicy) message() string {
	if strings.TrimSpace(p.Message) == "" {
		return DefaultNeutralMessage
	}
	return p.Message
}

func (p NonHumanPolicy) minConfidence() float64 {
	if p.MinConfidence <= 0 {
		return 0.5
	}
	return p.MinConfidence
}

// Validate checks the policy against the call's variables: known classes and
// actions, a confidence in [0,1], and a message that discloses nothing (the
// 230-FZ rule is compliance's: Confidential.CheckNeutralMessage).
func (p NonHumanPolicy) Validate(vars map[string]any) error {
	for c, a := range p.Actions {
		if _, err := detect.ParseClass(string(c)); err != nil {
			return fmt.Errorf("non-human policy: actions: %w", err)
		}
		if c == detect.Human {
			return fmt.Errorf("non-human policy: actions: class %q is not a non-human class", c)
		}
		if a != NonHumanHangup && a != NonHumanMessage && a != "" {
			return fmt.Errorf("non-human policy: actions[%s]: unknown action %q (want hangup or message)", c, a)
		}
	}
	if p.MinConfidence < 0 || p.MinConfidence > 1 {
		return fmt.Errorf("non-human policy: min_confidence %v: want 0..1", p.MinConfidence)
	}
	if err := compliance.ConfidentialFromVars(vars).CheckNeutralMessage(p.message()); err != nil {
		return fmt.Errorf("non-human policy: %w", err)
	}
	return nil
}

// SlotDetectedClass is the Result slot holding the first-phrase class that
// ended the call (announcement and silence have no outcome of their own).
const SlotDetectedClass = "detected_class"

// OutcomeFor is the call outcome for a non-human first phrase. Announcements
// ("аппарат абонента выключен") are machine: no conversation took place and
// the number is retried later, as for voicemail; the slot detected_class
// keeps them apart. Silence is no_input.
func OutcomeFor(c detect.Class) scripts.Outcome {
	switch c {
	case detect.VoiceAssistant:
		return scripts.OutcomeAssistant
	case detect.Machine, detect.Fax, detect.IVR, detect.Announcement:
		return scripts.OutcomeMachine
	case detect.Silence:
		return scripts.OutcomeNoInput
	default:
		return scripts.OutcomeUnrecognized
	}
}
