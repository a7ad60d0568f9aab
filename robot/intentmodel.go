package robot

import "github.com/dozvon/dozvon/scripts"

// IntentModel is a statistical intent classifier consulted after the rules
// (intentstat.Model): it returns an allowed intent only when its
// probability reaches its own threshold, else "".
type IntentModel interface {
	Guess(text string, allowed []string) (intent string, p float64, why string)
}

// guess asks the session's model for an intent at ask n where the rules
// found none. The allowed set is the one understandWhole classifies among.
func (d *dialogue) guess(n *scripts.Node, text string) (string, map[string]string) {
	allowed, yesNo := d.allowedAt(n)
	intent, p, _ := d.s.Intents.Guess(text, allowed)
	filled := map[string]string{}
	if intent == "" {
		return "", filled
	}
	// the features are the caller's words: only the verdict is logged
	d.log.Debug("intent model", "node", n.ID, "intent", intent, "p", p)
	if yesNo && (intent == "yes" || intent == "no") {
		for _, sl := range n.Ask.Slots {
			if t, _ := d.sc.SlotType(sl); t == scripts.SlotYesNo {
				filled[sl] = intent
			}
		}
	}
	return intent, filled
}
