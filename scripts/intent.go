package scripts

import (
	"slices"
	"sort"
	"strings"
)

// GreetingIntent is the intent of a caller's "алло": a script may route it
// (to ask again); the matcher passes over it when an answer follows.
const GreetingIntent = "hello"

// Match is the result of classifying one utterance.
type Match struct {
	Intent  string // empty when nothing matched
	Phrase  string // the intent phrase that matched
	Words   int    // how many words of the utterance the phrase covered
	Edits   int    // ASR-tolerance edits used
	Negated bool   // matched under a negation and mapped to the intent's Negation

	from, to int // the heard words the phrase spans, first and last
}

// Matcher classifies utterances into intents. It is immutable and safe for
// concurrent use.
type Matcher struct {
	intents map[string]*compiledIntent
	order   []string
	vocab   map[string]bool     // every phrase and time word, for Mend
	stems   map[string]bool     // the stems of the phrase words
	sounds  map[string][]string // vocab words by phonKey, for Mend
}

type compiledIntent struct {
	def     *Intent
	phrases [][]word
	raw     []string
}

// NewMatcher compiles intents.
func NewMatcher(intents map[string]*Intent) *Matcher {
	m := &Matcher{intents: map[string]*compiledIntent{}}
	for name, in := range intents {
		ci := &compiledIntent{def: in}
		for _, p := range in.Phrases {
			ws := words(p)
			if len(ws) == 0 {
				continue
			}
			ci.phrases = append(ci.phrases, ws)
			ci.raw = append(ci.raw, p)
		}
		m.intents[name] = ci
		m.order = append(m.order, name)
	}
	sort.Strings(m.order)
	var all [][]word
	for _, ci := range m.intents {
		all = append(all, ci.phrases...)
	}
	m.vocab = vocabulary(all)
	m.sounds = soundIndex(m.vocab)
	m.stems = map[string]bool{}
	for _, p := range all {
		for _, w := range p {
			m.stems[w.stemS] = true
		}
	}
	return m
}

// Has reports whether the intent is known.
func (m *Matcher) Has(name string) bool { _, ok := m.intents[name]; return ok }

// Priority returns an intent's priority.
func (m *Matcher) Priority(name string) int {
	if ci, ok := m.intents[name]; ok {
		return ci.def.Priority
	}
	return 0
}

// Classify returns the best intent among allowed (all intents when allowed is
// nil): the highest priority wins, then the phrase covering more words, then
// fewer ASR edits, then the name, so the answer is deterministic.
func (m *Matcher) Classify(text string, allowed []string) Match {
	return m.ClassifyExcept(text, allowed, nil)
}

// ClassifyExcept is Classify with the phrases skip names left out.
func (m *Matcher) ClassifyExcept(text string, allowed []string, skip func(intent, phrase string) bool) Match {
	// "не надо мне больше звонить", "требую прекратить звонки": a request
	// in another mood is read as the imperative the phrases hold
	if toks := Tokens(text); len(toks) > 1 {
		if r := requestMood(toks, func(w string) bool { return m.vocab[w] }); !slices.Equal(r, toks) {
			text = strings.Join(r, " ")
		}
	}
	// "удобно, отчего ж нет", "почему бы и нет": a why-not is assent, not
	// the "нет" its words hold
	if toks := Tokens(text); slices.Contains(toks, "нет") {
		if r := whyNot(toks); !slices.Equal(r, toks) {
			text = strings.Join(r, " ")
		}
	}
	heard := words(text)
	if len(heard) == 0 {
		return Match{}
	}
	for i := range heard {
		// a first name ("Света, какого числа зарплата?") is a word of
		// its own, no misheard phrase word ("сват")
		heard[i].known = m.stems[heard[i].stemS] || firstNames[heard[i].text] || plainWords[heard[i].text]
	}
	best := m.classifyWords(heard, allowed, skip)
	// "алло, да, слушаю, это Олег": a greeting said first is no answer when
	// words that answer follow it
	if best.Intent == GreetingIntent && best.to+1 < len(heard) {
		if after := m.classifyWords(heard[best.to+1:], allowed, skip); after.Intent != "" && after.Intent != GreetingIntent {
			after.from, after.to = after.from+best.to+1, after.to+best.to+1
			best = after
		}
	}
	// "денег нет, но к двадцатому скину пять тысяч": what follows the last
	// "но" is what the caller settles on, when it says something
	if k := lastContrast(heard); k > 0 && k+1 < len(heard) && best.to < k {
		if after := m.classifyWords(heard[k+1:], allowed, skip); after.Intent != "" {
			after.from, after.to = after.from+k+1, after.to+k+1
			return after
		}
	}
	return best
}

// whyNot reads a rhetorical why-not as "да": a why-word ("почему",
// "отчего", "чего") and "нет" with a particle between ("отчего ж нет",
// "почему бы и нет", "чего ж нет"), or ending the utterance ("а почему
// нет"). "Почему нет денег" asks about an absence and stays.
func whyNot(toks []string) []string {
	var out []string
	for i := 0; i < len(toks); i++ {
		if whyWords[toks[i]] {
			j, particles := i+1, 0
			for j < len(toks) && whyNotParticles[toks[j]] {
				j, particles = j+1, particles+1
			}
			if j < len(toks) && toks[j] == "нет" && (particles > 0 || j == len(toks)-1) {
				out = append(out, "да")
				i = j
				continue
			}
		}
		out = append(out, toks[i])
	}
	return out
}

var (
	whyWords        = map[string]bool{"почему": true, "отчего": true, "чего": true, "чё": true, "че": true}
	whyNotParticles = map[string]bool{"ж": true, "же": true, "бы": true, "и": true}
)

// lastContrast is the index of the last "но" / "однако" / "зато", or of an
// "а" after a negation ("полтинник не дам, а двадцатку найду", "сейчас
// ничего не могу, а в январе всю сумму"), or -1.
func lastContrast(heard []word) int {
	toks := make([]string, len(heard))
	for i, w := range heard {
		toks[i] = w.text
	}
	return LastContrast(toks)
}

// LastContrast is lastContrast over tokens.
func LastContrast(toks []string) int {
	for i := len(toks) - 1; i >= 0; i-- {
		switch toks[i] {
		case "но", "однако", "зато":
			return i
		case "а":
			if slices.ContainsFunc(toks[:i], func(t string) bool { return t == "не" || t == "ни" || t == "нет" || t == "ничего" }) {
				return i
			}
		}
	}
	return -1
}

// Settled is what follows the last contrast of text ("…, но к пятнице пять
// тысяч", "полтинник не дам, а двадцатку найду"): the part a caller settles
// on, read first for a sum; text itself when there is none.
func Settled(text string) string {
	toks := Tokens(text)
	if k := LastContrast(toks); k >= 0 && k+1 < len(toks) {
		// the raw text after the contrast, with its sentence breaks
		// (ParseMoney reads a restated amount by them), when the spans
		// agree with the tokens
		if sp := spans(text); len(sp) == len(toks) && sp[k].word == toks[k] {
			return text[sp[k+1].start:]
		}
		return strings.Join(toks[k+1:], " ")
	}
	return text
}

func (m *Matcher) classifyWords(heard []word, allowed []string, skip func(intent, phrase string) bool) Match {
	names := allowed
	if names == nil {
		names = m.order
	}
	var cands []scored
	for _, name := range names {
		ci, ok := m.intents[name]
		if !ok {
			continue
		}
		for i, p := range ci.phrases {
			if skip != nil && skip(name, ci.raw[i]) {
				continue
			}
			cov, edits, neg, from, to, ok := find(p, heard)
			if !ok {
				continue
			}
			intent, prio := name, ci.def.Priority
			if neg {
				if ci.def.Negation == "" {
					continue
				}
				intent = ci.def.Negation
				if t, ok := m.intents[intent]; ok {
					prio = t.def.Priority
				}
			}
			cands = append(cands, scored{Match{Intent: intent, Phrase: ci.raw[i], Words: cov, Edits: edits, Negated: neg, from: from, to: to}, prio})
		}
	}
	// a phrase lying inside a longer one's words is out before priorities
	// count: compared only pairwise against the running best, "звоните"
	// (busy) would beat "нет такого человека" and so escape the
	// "неправильно звоните" that holds it
	var best Match
	bestPrio := 0
	for i, c := range cands {
		inside := false
		for j, o := range cands {
			if j != i && o.Words > c.Words && o.from <= c.from && c.to <= o.to {
				inside = true
				break
			}
		}
		if !inside && (best.Intent == "" || better(c.Match, c.prio, best, bestPrio)) {
			best, bestPrio = c.Match, c.prio
		}
	}
	return best
}

// scored is a candidate match with its intent's priority.
type scored struct {
	Match
	prio int
}

func better(a Match, ap int, b Match, bp int) bool {
	// a longer phrase over the very words of a shorter one is the more
	// specific reading whatever the priorities: "вы не туда звоните" is a
	// wrong number, not the "не звоните" its words also spell
	if a.Words > b.Words && a.from <= b.from && b.to <= a.to {
		return true
	}
	if b.Words > a.Words && b.from <= a.from && a.to <= b.to {
		return false
	}
	if ap != bp {
		return ap > bp
	}
	if a.Words != b.Words {
		return a.Words > b.Words
	}
	if a.Edits != b.Edits {
		return a.Edits < b.Edits
	}
	return a.Intent < b.Intent
}

// find looks for the phrase's words in order in heard, allowing one extra word
// between consecutive phrase words. It reports the covered word count, edits,
// whether a negator ("не") precedes the phrase or sits inside it while the
// phrase itself has none, and the span of heard words it matched.
func find(phrase, heard []word) (covered, edits int, negated bool, from, to int, ok bool) {
	phraseNeg := false
	for _, w := range phrase {
		if isNegator(w.text) {
			phraseNeg = true
		}
	}
	bestEdits := -1
	for start := range heard {
		m, e := sameWord(phrase[0], heard[start])
		if !m {
			continue
		}
		if len(phrase) == 1 && described(heard, start) {
			continue
		}
		pos, total, neg := start, e, false
		matched := true
		for pi, pw := range phrase[1:] {
			found := false
			// one extra word may sit between two phrase words; two between
			// two content words ("номер месяц назад взял")
			gap := 2
			if len(phrase[pi].runes) >= 4 && len(pw.runes) >= 4 {
				gap = 3
			}
			if isNegator(phrase[pi].text) {
				// "не" binds the very next word: "не работаю сейчас" holds
				// no "не сейчас"
				gap = 1
			}
			for k := pos + 1; k <= pos+gap && k < len(heard); k++ {
				if isNegator(pw.text) && pi == len(phrase)-2 && k > pos+1 && k+1 < len(heard) && imperativeLike(heard[k+1].text) {
					// "я, я. Тузик, не тяни!" holds no "я не": a "не"
					// reached over another word binds the word after it,
					// not the phrase's word before the gap
					continue
				}
				if m, e := sameWord(pw, heard[k]); m {
					for g := pos + 1; g < k; g++ {
						if isNegator(heard[g].text) {
							neg = true
						}
					}
					pos, total, found = k, total+e, true
					break
				}
			}
			if !found {
				matched = false
				break
			}
		}
		if !matched {
			continue
		}
		if start > 0 && (isNegator(heard[start-1].text) || noneWords[heard[start-1].text]) {
			neg = true // "не реструктуризацию", "никакую реструктуризацию"
		}
		if negatedAfter(heard, pos) {
			neg = true // "реструктуризация меня не интересует", "платить не намерен"
		}
		if negatedBefore(heard, start) {
			neg = true // "не нужна мне ваша рассрочка", "не интересует меня эта встреча"
		}
		if phraseNeg {
			neg = false
		}
		if bestEdits < 0 || total < bestEdits || (!neg && negated) {
			bestEdits, negated, ok, covered = total, neg, true, len(phrase)
			from, to = start, pos
		}
	}
	if !ok && reversible(phrase) {
		// "работу потеряла", "каникулы кредитные": the two content words
		// of a phrase said the other way round, side by side
		for start := 0; start+1 < len(heard); start++ {
			m1, e1 := sameWord(phrase[1], heard[start])
			m0, e0 := sameWord(phrase[0], heard[start+1])
			if !m1 || !m0 || e1+e0 > 0 {
				continue
			}
			neg := start > 0 && (isNegator(heard[start-1].text) || noneWords[heard[start-1].text]) || negatedAfter(heard, start+1)
			return 2, 0, neg, start, start + 1, true
		}
	}
	return covered, max(bestEdits, 0), negated, from, to, ok
}

// imperativeLike reports a word ending as an imperative does ("тяни",
// "стой", "брось", "трогайте", reflexive too): a "не" before it forbids someone something.
func imperativeLike(w string) bool {
	if b, ok := strings.CutSuffix(w, "ся"); ok && (strings.HasSuffix(b, "й") || strings.HasSuffix(b, "ь")) {
		w = b // "не царапайся", "не бойся"
	} else if b, ok := strings.CutSuffix(w, "сь"); ok && strings.HasSuffix(b, "те") {
		w = b // "не волнуйтесь"
	}
	r := []rune(w)
	if len(r) < 3 {
		return false
	}
	switch r[len(r)-1] {
	case 'й', 'ь':
		return !strings.HasSuffix(w, "ый") && !strings.HasSuffix(w, "ий") && !strings.HasSuffix(w, "ой") && !strings.HasSuffix(w, "ть")
	case 'и':
		return !strings.ContainsRune("аеёиоуыэюя", r[len(r)-2]) && !strings.HasSuffix(w, "ти")
	}
	return strings.HasSuffix(w, "те") && len(r) >= 5
}

// presentImperatives are the imperatives spelt as their verb's present
// tense ("звоните": call! / you are calling).
var presentImperatives = map[string]bool{"звоните": true, "говорите": true}

// described reports heard[i], one of presentImperatives, with "вы" just
// before it ("кому вы там звоните", "если вы звоните так поздно"): the
// present tense, the caller telling what the robot does, not asking it.
func described(heard []word, i int) bool {
	if !presentImperatives[heard[i].text] {
		return false
	}
	for j := max(0, i-2); j < i; j++ {
		if heard[j].text == "вы" {
			return true
		}
	}
	return false
}

// reversible reports a phrase of two content words, which Russian says in
// either order ("потерял работу" — "работу потерял"): no negator, no
// "нет", no word shorter than three letters ("это я", "он спит" keep
// their order; their particles carry the sense).
func reversible(phrase []word) bool {
	if len(phrase) != 2 {
		return false
	}
	for _, w := range phrase {
		if len(w.runes) < 3 || isNegator(w.text) || w.text == "нет" {
			return false
		}
	}
	return true
}

// noneWords deny the noun after them as "не" does: "никакую
// реструктуризацию не потяну".
var noneWords = map[string]bool{"никакой": true, "никакую": true, "никакая": true, "никаких": true,
	"никакого": true, "никакое": true, "никаким": true}

// negatedAfter reports a negated predicate that closes the utterance right
// after the phrase ending at heard[pos], with at most two pronouns or
// particles between: "реструктуризация меня не интересует", "встреча не
// нужна", "платить не буду" deny the phrase as a "не" before it does. A
// predicate followed by an infinitive ("не буду тянуть") is about that other
// verb; "не знаю" hedges, and "не сразу", "не всю" qualify, not deny.
func negatedAfter(heard []word, pos int) bool {
	i := pos + 1
	for k := 0; k < 2 && i < len(heard) && afterSkip[heard[i].text]; k++ {
		i++
	}
	if infinitive(heard[pos].text) {
		// "оплачивать данную задолженность не намерен": the infinitive's
		// object stands between it and the predicate that governs it
		for k := 0; k < 3 && i < len(heard) && !isNegator(heard[i].text); k++ {
			i++
		}
	}
	if i+1 >= len(heard) || !isNegator(heard[i].text) {
		return false
	}
	p := heard[i+1].text
	if strings.HasPrefix(p, "зна") || perceives(p) || !predicateEnd(p) {
		return false
	}
	if i+2 < len(heard) {
		n := heard[i+2].text
		if strings.HasSuffix(n, "ть") || strings.HasSuffix(n, "ти") || strings.HasSuffix(n, "чь") {
			return false
		}
	}
	return i+2 >= len(heard) || i+3 >= len(heard)
}

// negatedBefore reports a negated predicate of wanting, needing or suiting
// that opens the clause of the phrase starting at heard[start], with at most
// three pronouns, possessives or particles between: "не нужна мне ваша
// рассрочка", "не интересует меня эта ваша реструктуризация", "не хочу я
// никуда ехать" deny what follows as a "не" right before it does. Only a
// predicate whose object the phrase is counts: "не могу говорить,
// перезвоните" holds another verb between, "не знаю" hedges.
func negatedBefore(heard []word, start int) bool {
	if beforeSkip[heard[start].text] || heard[start].text == "нет" {
		// "не хочу я…": the pronoun is the subject, not the object; "не
		// надо, нет" says no twice
		return false
	}
	i := start - 1
	for k := 0; k < 3 && i >= 0 && beforeSkip[heard[i].text]; k++ {
		i--
	}
	if i < 1 || !isNegator(heard[i-1].text) {
		return false
	}
	return wantsOrNeeds(heard[i].text)
}

// beforeSkip are the words that may stand between a negated predicate and
// the noun or verb it denies: pronouns, possessives, demonstratives and
// particles.
var beforeSkip = map[string]bool{"мне": true, "меня": true, "нам": true, "нас": true, "я": true, "мы": true,
	"ваша": true, "ваш": true, "вашу": true, "ваши": true, "вашей": true, "вашего": true, "ваших": true, "вашим": true,
	"эта": true, "эту": true, "этот": true, "эти": true, "этой": true, "этого": true, "этих": true, "это": true,
	"ж": true, "же": true, "вообще": true, "совсем": true, "никакой": true, "никакая": true, "никакую": true,
	"никаких": true, "никакого": true, "ничья": true, "уже": true, "больше": true}

// wantsOrNeeds reports a word of the class of wanting, needing, suiting and
// interest ("нужна", "надо", "хочу", "интересует", "устраивает",
// "подходит", "нравится", "требуется"): negated, it denies its object.
func wantsOrNeeds(w string) bool {
	for _, p := range []string{"нуж", "надо", "надобн", "хоч", "хот", "интерес", "устраива", "подход", "нрав", "треб"} {
		if strings.HasPrefix(w, p) {
			return true
		}
	}
	return false
}

// perceives reports a verb of hearing or making out ("не слышу", "не
// слышно", "не расслышал", "не понимаю"): said after a phrase it is about the
// line or the robot's words ("говорите, не слышу"), not a denial of it.
func perceives(w string) bool {
	for _, p := range []string{"слыш", "расслыш", "понима", "разобра"} {
		if strings.HasPrefix(w, p) {
			return true
		}
	}
	return false
}

// infinitive reports the ending of an infinitive ("платить", "внести",
// "помочь").
func infinitive(w string) bool {
	return len([]rune(w)) >= 4 && (strings.HasSuffix(w, "ть") || strings.HasSuffix(w, "ти") || strings.HasSuffix(w, "чь"))
}

// afterSkip are the words that may stand between a phrase and the negated
// predicate after it.
var afterSkip = map[string]bool{"меня": true, "мне": true, "нас": true, "нам": true, "это": true, "я": true,
	"мы": true, "вообще": true, "совсем": true, "уже": true, "пока": true}

// predicateEnd reports the endings of a finite verb or a short adjective
// ("интересует", "буду", "хочу", "намерен", "нужна", "надо", "собираюсь").
func predicateEnd(w string) bool {
	for _, e := range []string{"ет", "ит", "ут", "ют", "ат", "ят", "ен", "на", "но", "ны", "до", "чу", "ду", "ну", "гу", "жу", "шу", "сь"} {
		if strings.HasSuffix(w, e) && len([]rune(w)) >= 4 {
			return true
		}
	}
	return false
}
