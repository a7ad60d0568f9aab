package testcalls

import (
	"fmt"
	"strings"
	"time"

	"github.com/dozvon/dozvon/compliance"
	"github.com/dozvon/dozvon/robot"
	"github.com/dozvon/dozvon/scripts"
	"github.com/dozvon/dozvon/tts"
)

// TurnGaps are the robot's answer times on a call: from the end of each
// caller turn (speech or keys) to the start of the robot's next prompt.
// Turns the robot answered before the caller finished (barge-in, speech
// during a prompt) have no gap, nor have turns the caller ended before the
// robot's prompt that they answer had ended (a person's "алло" over the
// greeting, taken up only once the robot listens): the robot could not
// answer those earlier.
func TurnGaps(turns []robot.Turn) []time.Duration {
	var out []time.Duration
	var promptEnd time.Time
	for i, t := range turns {
		if t.Who == robot.WhoRobot {
			promptEnd = t.End
			continue
		}
		if t.Who != robot.WhoCaller || (t.Kind != "speech" && t.Kind != "dtmf") || t.End.Before(promptEnd) {
			continue
		}
		for _, next := range turns[i+1:] {
			if next.Who == robot.WhoCaller {
				break
			}
			if next.Who == robot.WhoRobot {
				if g := next.Start.Sub(t.End); g > 0 {
					out = append(out, g)
				}
				break
			}
		}
	}
	return out
}

// checkAudio checks what only a real call shows: the robot's answer time
// against the case's max_turn_gap, and that no debt detail was spoken
// before the identity was confirmed (disclosureBeforeIdentity).
func checkAudio(sc *scripts.Script, e Expect, vars map[string]any, turns []robot.Turn, gaps []time.Duration) string {
	if limit := time.Duration(e.MaxTurnGap); limit > 0 {
		for _, g := range gaps {
			if g > limit {
				return fmt.Sprintf("max_turn_gap: the robot took %v to answer, want ≤ %v", g.Round(10*time.Millisecond), limit)
			}
		}
	}
	return disclosureBeforeIdentity(sc, vars, turns)
}

// disclosureBeforeIdentity checks 230-FZ art. 6 part 5 on what the robot
// actually said (its prompts as played), not on the script: a prompt that
// speaks of the debt (a debt word, a sum of money, the debt's amount) is
// allowed only once the identity is confirmed, which takes both
//   - the robot having asked for the debtor by name and the caller having
//     answered (speech or keys) after that question, and
//   - the dialogue having reached a node marked confirms_identity.
//
// The first alone would pass a script that says the debt to whoever answers
// "алло"; the second alone would trust a wrongly placed mark.
func disclosureBeforeIdentity(sc *scripts.Script, vars map[string]any, turns []robot.Turn) string {
	conf := compliance.Confidential{Amounts: debtAmounts(vars)}
	names := debtorNames(vars)
	asked, answered, confirmed := false, false, false
	for _, t := range turns {
		if t.Who == robot.WhoCaller {
			if asked && (t.Kind == "speech" || t.Kind == "dtmf") {
				answered = true
			}
			continue
		}
		if answered && !confirmed {
			if n := sc.Node(t.Node); n != nil && n.ConfirmsIdentity {
				confirmed = true
			}
		}
		if !confirmed {
			if what, words := conf.Sensitive(t.Text); what == compliance.DisclosesDebt || what == compliance.DisclosesAmount {
				return fmt.Sprintf("disclosure: the robot spoke of %s (%q) at node %s before the identity was confirmed: %q", what, words, t.Node, t.Text)
			}
		}
		if mentionsAny(t.Text, names) {
			asked = true
		}
	}
	return ""
}

// debtorNames are the debtor's full and first names from the case's vars.
func debtorNames(vars map[string]any) []string {
	d, _ := vars["debtor"].(map[string]any)
	var out []string
	for _, k := range []string{"name", "first_name"} {
		if s, ok := d[k].(string); ok && strings.TrimSpace(s) != "" {
			out = append(out, s)
		}
	}
	return out
}

// debtAmounts is the debt's amount in kopecks, when the vars give one.
func debtAmounts(vars map[string]any) []int64 {
	d, _ := vars["debt"].(map[string]any)
	switch a := d["amount"].(type) {
	case float64:
		return []int64{int64(a*100 + 0.5)}
	case int:
		return []int64{int64(a) * 100}
	}
	return nil
}

func mentionsAny(text string, names []string) bool {
	t := scripts.Normalize(text)
	for _, n := range names {
		if strings.Contains(t, scripts.Normalize(n)) {
			return true
		}
	}
	return false
}

// checkSpoken checks a case's said and not_said on what the robot's voice
// spoke. The voice speaks digits as words (tts.Verbalize, as synthesis
// does), and the audio level's prompts are rendered for speech ("двенадцать
// тысяч рублей", not "12 000 рублей"), so a text matches a prompt when its
// written or its spoken form is in the prompt's written or spoken form.
func checkSpoken(e Expect, prompts []string) string {
	var said []string
	for _, p := range prompts {
		said = append(said, scripts.Normalize(p), scripts.Normalize(tts.Verbalize(p)))
	}
	all := strings.Join(said, " | ")
	heard := func(w string) bool {
		return strings.Contains(all, scripts.Normalize(w)) || strings.Contains(all, scripts.Normalize(tts.Verbalize(w)))
	}
	for _, w := range e.Said {
		if !heard(w) {
			return fmt.Sprintf("said: the robot never said %q", w)
		}
	}
	for _, w := range e.NotSaid {
		if heard(w) {
			return fmt.Sprintf("not_said: the robot said %q", w)
		}
	}
	return ""
}
