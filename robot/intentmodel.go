package robot

import (
	"maps"

	"github.com/dozvon/dozvon/scripts"
)

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
	if intent == "" {
		return "", map[string]string{}
	}
	// the features are the caller's words: only the verdict is logged
	d.log.Debug("intent model", "node", n.ID, "intent", intent, "p", p)
	return intent, d.fillYesNo(n, yesNo, intent)
}

// fillYesNo fills the ask's yes/no slots with a model's yes or no.
func (d *dialogue) fillYesNo(n *scripts.Node, yesNo bool, intent string) map[string]string {
	filled := map[string]string{}
	if yesNo && (intent == "yes" || intent == "no") {
		for _, sl := range n.Ask.Slots {
			if t, _ := d.sc.SlotType(sl); t == scripts.SlotYesNo {
				filled[sl] = intent
			}
		}
	}
	return filled
}

// Overruler is an IntentModel that may also overrule a weak rule match:
// it returns an intent only when its probability reaches its overrule
// threshold (intentstat.Model.WithOverrule), else "".
type Overruler interface {
	Overrule(text string, allowed []string) (intent string, p float64)
}

// overrule asks an Overruler about a turn the rules gave intent only by an
// ASR-tolerant match (edits to a phrase word, or a word mended into a
// phrase word: the words as heard say another thing): where the model, sure
// enough, reads another intent, the model's reading is the turn's. Turns
// whose rules filled slots other than yes/no (money, dates) are the rules'.
func (d *dialogue) overrule(n *scripts.Node, text, intent string, filled map[string]string) (string, map[string]string, bool) {
	o, ok := d.s.Intents.(Overruler)
	if !ok || intent == "" {
		return "", nil, false
	}
	for sl := range maps.Keys(filled) {
		if t, _ := d.sc.SlotType(sl); t != scripts.SlotYesNo {
			return "", nil, false
		}
	}
	allowed, yesNo := d.allowedAt(n)
	mt := d.sc.Matcher()
	if m := mt.Classify(mt.Mend(text), allowed); m.Intent != intent || m.Edits == 0 && exact(mt.Classify(text, allowed), intent) {
		return "", nil, false
	}
	alt, p := o.Overrule(text, allowed)
	if alt == "" || alt == intent {
		return "", nil, false
	}
	d.log.Debug("intent model overrules", "node", n.ID, "rules", intent, "intent", alt, "p", p)
	return alt, d.fillYesNo(n, yesNo, alt), true
}

// exact reports a match of the intent with no tolerance edits.
func exact(m scripts.Match, intent string) bool { return m.Intent == intent && m.Edits == 0 }
