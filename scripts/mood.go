package scripts

import "strings"

// A request is said in many moods: "не звоните мне больше" (the
// imperative), "не надо мне больше звонить", "прошу больше не звонить",
// "требую прекратить звонки" (a modal or a verb of asking with the
// infinitive, or the verb's noun). The phrase base holds the imperative;
// requestMood reads the other moods as it, so no register's own wording
// has to be listed.

// requestModals are the words that turn the infinitive after them into a
// request: necessity ("надо", "нужно", "стоит") and asking ("прошу",
// "требую", "просьба").
var requestModals = map[string]bool{"надо": true, "нужно": true, "необходимо": true, "стоит": true,
	"следует": true, "прошу": true, "попрошу": true, "требую": true, "просьба": true, "просим": true,
	"лучше": true}

// modalSkip are the words that may stand between a modal and its
// infinitive ("не надо мне больше звонить", "прошу вас больше не").
var modalSkip = map[string]bool{"мне": true, "меня": true, "нам": true, "нас": true, "вам": true, "вас": true,
	"больше": true, "уже": true, "пожалуйста": true, "впредь": true, "сюда": true, "бы": true}

// phaseVerbs take an action as their object ("прекратить звонки",
// "хватит звонков"): a verbal noun after them is the verb.
var phaseVerbs = []string{"прекрат", "перестан", "перестат", "хват", "беспоко"}

// verbalNouns are nouns of an action with the infinitive they name, by
// stem ("звонки", "звонков", "звонками" — "звонить").
var verbalNouns = map[string]string{"звонк": "звонить", "звонок": "звонить", "названиван": "названивать"}

// imperative returns the plural imperative of an infinitive by its
// ending ("звонить" — "звоните", "беспокоить" — "беспокойте",
// "названивать" — "названивайте"), or "" for a form it does not build.
func imperative(inf string) string {
	switch {
	case strings.HasSuffix(inf, "оить"):
		return strings.TrimSuffix(inf, "ить") + "йте"
	case strings.HasSuffix(inf, "ить"), strings.HasSuffix(inf, "еть"), strings.HasSuffix(inf, "уть"):
		return string([]rune(inf)[:len([]rune(inf))-3]) + "ите"
	case strings.HasSuffix(inf, "ать"), strings.HasSuffix(inf, "ять"):
		return strings.TrimSuffix(inf, "ть") + "йте"
	}
	return ""
}

// softImperative returns the plural imperative of an "-ить" verb whose
// stem takes the stress ("тревожить" — "тревожьте", "портить" —
// "портьте"), or "".
func softImperative(inf string) string {
	if strings.HasSuffix(inf, "ить") && !strings.HasSuffix(inf, "оить") {
		return strings.TrimSuffix(inf, "ить") + "ьте"
	}
	return ""
}

// requestMood rewrites a request said with a modal and an infinitive as
// the imperative ("не надо мне больше звонить" — "не звоните мне
// больше") when known holds the imperative: only requests the phrase base
// can read change.
func requestMood(toks []string, known func(string) bool) []string {
	out := make([]string, 0, len(toks))
	// the verb's noun after a phase verb: "прекратить звонки"
	for i, t := range toks {
		if i > 0 && hasAnyPrefix(toks[i-1], phaseVerbs) {
			for stem, inf := range verbalNouns {
				if strings.HasPrefix(t, stem) {
					t = inf
					break
				}
			}
		}
		out = append(out, t)
	}
	toks, out = out, make([]string, 0, len(out))
	for i := 0; i < len(toks); i++ {
		if !requestModals[toks[i]] {
			out = append(out, toks[i])
			continue
		}
		neg := len(out) > 0 && out[len(out)-1] == "не"
		j, inner := i+1, false
		var skipped []string
		for ; j < len(toks) && (modalSkip[toks[j]] || toks[j] == "не"); j++ {
			if toks[j] == "не" {
				inner = true
				continue
			}
			skipped = append(skipped, toks[j])
		}
		imp := ""
		if j < len(toks) {
			imp = imperative(toks[j])
			// "тревожить" — "тревожьте", "ставить" — "ставьте": a
			// stem-stressed verb softens instead; the ending alone cannot
			// tell, so the form the phrase base holds is taken
			if alt := softImperative(toks[j]); imp != "" && !known(imp) && alt != "" && known(alt) {
				imp = alt
			}
		}
		if imp == "" || !known(imp) || neg && inner {
			// "звонить мне не надо", "беспокоить больше не нужно": the
			// infinitive said before the denied modal is the same request
			if r, ok := deniedBefore(out, known); ok {
				out = r
				continue
			}
			out = append(out, toks[i])
			continue
		}
		if neg {
			out = out[:len(out)-1]
		}
		if neg || inner {
			out = append(out, "не")
		}
		out = append(out, imp)
		out = append(out, skipped...)
		i = j
	}
	return out
}

// deniedBefore rewrites out, the words before a modal, when they end in
// an infinitive, words a modal may take between ("мне", "больше") and
// "не": the infinitive first and the modal denied after it is the denied
// imperative ("звонить мне не надо" — "не звоните мне"). Only the denied
// order is read: "звонить надо" ("отцу звонить надо") states a need.
func deniedBefore(out []string, known func(string) bool) ([]string, bool) {
	n := len(out)
	if n < 2 || out[n-1] != "не" {
		return nil, false
	}
	k := n - 2
	for k >= 0 && modalSkip[out[k]] {
		k--
	}
	if k < 0 {
		return nil, false
	}
	imp := imperative(out[k])
	if imp == "" || !known(imp) {
		return nil, false
	}
	r := append([]string{}, out[:k]...)
	r = append(r, "не", imp)
	return append(r, out[k+1:n-1]...), true
}

func hasAnyPrefix(w string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(w, p) {
			return true
		}
	}
	return false
}
