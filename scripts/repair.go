package scripts

import (
	"slices"
	"strings"
	"unicode"
)

// RepairKind finds expressions of one kind (a date or time, an amount, a
// yes/no or an intent) in a stretch of an utterance, for Repair.
type RepairKind struct {
	Name string
	// Find returns the expression found in s, in Normalize's form (as
	// TimeResult.Text is), and whether there is one.
	Find func(s string) (string, bool)
	// Whole: the expression is the stretch's stance (yes, no, an intent),
	// so the whole stretch before the marker is replaced, not one phrase.
	Whole bool
}

// Repair applies the corrections a caller makes inside one turn: a repair
// marker ("нет", "то есть", "ой", "вернее", "хотя нет", "в смысле"…) said
// between two expressions of the same kind means the later replaces the
// earlier, so the earlier expression and the marker are cut out of text and
// can neither fill a slot nor decide the intent ("в пятницу… нет, в субботу"
// reads "в субботу"; "нет… то есть да" reads "да"). It is one pass over
// the utterance's word spans: markers are found first, then for each the
// stretch before it (back to the previous marker) and the stretch after it
// (up to the next) are searched with each kind; phrase kinds (date, amount)
// are tried before the whole-stance kinds. A marker with no same-kind
// expression on both sides ("денег нет, ну то есть есть") is left alone.
func Repair(text string, kinds []RepairKind) string {
	// the first step that reads a turn: a recogniser's text gets its
	// clause breaks back first, for this step and every later one
	text = Punctuate(text)
	sp := spans(text)
	groups := repairMarkers(sp)
	if len(groups) == 0 {
		return text
	}
	var cuts [][2]int // byte ranges of text to drop
	prev := 0         // the first span of the stretch before the current marker
	for gi, g := range groups {
		next := len(sp)
		if gi+1 < len(groups) {
			next = groups[gi+1][0]
		}
		if g[0] == prev || g[1] == next {
			prev = g[1]
			continue
		}
		left, right := spanText(text, sp, prev, g[0]), spanText(text, sp, g[1], next)
		var found [][2]int
		for _, k := range kinds {
			if k.Whole {
				continue
			}
			le, lok := k.Find(left)
			_, rok := k.Find(right)
			if !lok || !rok {
				continue
			}
			if a, b, ok := locate(sp, prev, g[0], le); ok {
				if a > prev && repairPrepositions[sp[a-1].word] {
					a-- // "в шесть": the preposition goes with its time
				}
				end := sp[b-1].end
				if b == g[0] {
					end = sp[g[0]].start // and the pause before the marker
				}
				found = append(found, [2]int{sp[a].start, end})
			}
		}
		if len(found) == 0 {
			// a stance is the clause the marker follows, not the whole
			// stretch: "Да, это… а, нет, это Катин муж" keeps "Да, "
			from := g[0] - 1
			for from > prev && !sp[from].breakBefore {
				from--
			}
			clause := spanText(text, sp, from, g[0])
			for _, k := range kinds {
				if !k.Whole {
					continue
				}
				_, lok := k.Find(clause)
				_, rok := k.Find(right)
				if lok && rok {
					found = append(found, [2]int{sp[from].start, sp[g[0]].start})
					break
				}
			}
		}
		if len(found) > 0 {
			cuts = append(cuts, found...)
			cuts = append(cuts, [2]int{sp[g[0]].start, sp[g[1]].start})
		}
		prev = g[1]
	}
	if len(cuts) == 0 {
		return text
	}
	slices.SortFunc(cuts, func(a, b [2]int) int { return a[0] - b[0] })
	var b strings.Builder
	at := 0
	for _, c := range cuts {
		if c[0] > at {
			b.WriteString(text[at:c[0]])
		}
		at = max(at, c[1])
	}
	b.WriteString(text[at:])
	return strings.Join(strings.Fields(b.String()), " ")
}

// span is one word of an utterance: its bytes in the raw text, its
// normalized form, and whether a clause break (punctuation, a pause
// written "…") comes before it.
type span struct {
	start, end    int
	word          string
	breakBefore   bool
	questionStart bool // a "?" comes right before it
}

// spans splits text into words with their byte ranges.
func spans(text string) []span {
	var out []span
	gap := ""
	start := -1
	flush := func(end int) {
		if start < 0 {
			return
		}
		w := Normalize(text[start:end])
		s := span{start: start, end: end, word: w,
			breakBefore:   strings.ContainsAny(gap, ",.!?;:…—–"),
			questionStart: strings.Contains(gap, "?")}
		if w != "" {
			out = append(out, s)
		}
		start, gap = -1, ""
	}
	rs := []rune(text)
	off := 0
	for i, r := range rs {
		n := len(string(r))
		word := unicode.IsLetter(r) || unicode.IsDigit(r) ||
			r == '-' && start >= 0 && i+1 < len(rs) && unicode.IsLetter(rs[i+1])
		if word {
			if start < 0 {
				start = off
			}
		} else {
			flush(off)
			gap += string(r)
		}
		off += n
	}
	flush(len(text))
	return out
}

// spanText returns the raw text of spans [a, b).
func spanText(text string, sp []span, a, b int) string {
	if a >= b {
		return ""
	}
	return text[sp[a].start:sp[b-1].end]
}

// locate finds the words of expr (normalized) among spans [a, b), the last
// occurrence: the one said nearest the marker.
func locate(sp []span, a, b int, expr string) (int, int, bool) {
	want := strings.Fields(expr)
	if len(want) == 0 {
		return 0, 0, false
	}
	for i := b - len(want); i >= a; i-- {
		ok := true
		for j, w := range want {
			if sp[i+j].word != w {
				ok = false
				break
			}
		}
		if ok {
			return i, i + len(want), true
		}
	}
	return 0, 0, false
}

// repairPhrases are the markers of a self-correction; "нет" alone is one
// only after a clause break (repairMarkers).
var repairPhrases = [][]string{
	{"то", "есть"}, {"хотя", "нет"}, {"в", "смысле"}, {"а", "нет"}, {"или", "нет"},
	{"ой"}, {"вернее"}, {"точнее"}, {"извините"}, {"нет"},
}

// repairPrepositions go with the date, time or amount after them.
var repairPrepositions = map[string]bool{"в": true, "во": true, "к": true, "до": true, "на": true, "с": true, "со": true, "после": true, "через": true, "по": true}

// repairFillers may sit inside a marker ("ой, ну то есть", "нет, ну").
var repairFillers = map[string]bool{"ну": true, "э": true, "а": true, "ах": true}

// repairMarkers returns the marker groups of sp as span ranges [start, end).
func repairMarkers(sp []span) [][2]int {
	var out [][2]int
	i := 0
	for i < len(sp) {
		n := markerAt(sp, i, false)
		if n == 0 {
			i++
			continue
		}
		g := [2]int{i, i + n}
		for g[1] < len(sp) {
			if m := markerAt(sp, g[1], true); m > 0 {
				g[1] += m
			} else if repairFillers[sp[g[1]].word] && g[1]+1 < len(sp) && markerAt(sp, g[1]+1, true) > 0 {
				g[1]++
			} else {
				break
			}
		}
		// a filler just before the marker ("ну то есть") belongs to it
		for g[0] > 0 && repairFillers[sp[g[0]-1].word] && (len(out) == 0 || out[len(out)-1][1] < g[0]) {
			g[0]--
		}
		out = append(out, g)
		i = g[1]
	}
	return out
}

// markerAt returns how many words of a marker start at sp[i], or 0.
// inGroup: the word follows another marker, so a bare "нет" needs no break.
func markerAt(sp []span, i int, inGroup bool) int {
	if i == 0 {
		return 0
	}
	for _, p := range repairPhrases {
		if i+len(p) > len(sp) {
			continue
		}
		ok := true
		for j, w := range p {
			if sp[i+j].word != w {
				ok = false
				break
			}
		}
		if !ok {
			continue
		}
		if len(p) == 1 && p[0] == "нет" && !inGroup && (!sp[i].breakBefore || sp[i].questionStart) {
			// "Михаила тут нет", "денег нет": a predicate; "Удобно ли? Нет":
			// the answer to a question, not a correction
			continue
		}
		return len(p)
	}
	return 0
}

// MoneySpan finds an amount said in s: the last run of number words or
// digits with their scale word ("восемь тысяч", "пять"), for Repair.
func MoneySpan(s string) (string, bool) {
	toks := Tokens(s)
	end := -1
	for i := len(toks) - 1; i >= 0; i-- {
		num := numberish(toks[i])
		if num && end < 0 {
			end = i + 1
		}
		if !num && end >= 0 {
			run := strings.Join(toks[i+1:end], " ")
			if _, ok := ParseMoney(run, 0); ok {
				return run, true
			}
			end = -1
		}
	}
	if end >= 0 {
		run := strings.Join(toks[:end], " ")
		if _, ok := ParseMoney(run, 0); ok {
			return run, true
		}
	}
	return "", false
}

// numberish reports a word of an amount: digits, a cardinal, a scale.
func numberish(w string) bool {
	if _, ok := ParseMoney(w, 0); ok {
		return true
	}
	return isDigits(w) || strings.HasPrefix(w, "рубл") || strings.HasPrefix(w, "тысяч") || strings.HasPrefix(w, "тыщ")
}

// WithoutNow drops the words of "now" ("сейчас", "щас", "пока", "прямо")
// that a caller slips inside a phrase ("не могу сейчас платить").
func WithoutNow(s string) string {
	var out []string
	for _, t := range Tokens(s) {
		switch t {
		case "сейчас", "щас", "пока", "прямо", "сегодня":
			continue
		}
		out = append(out, t)
	}
	return strings.Join(out, " ")
}
