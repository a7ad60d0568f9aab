package scripts

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/kljensen/snowball/russian"
)

// Normalize lower-cases Russian text, maps ё to е, drops punctuation (keeping
// the colon inside "14:30") and the recogniser's unknown-word marks ("[unk]",
// "<unk>": Vosk's answer for a word outside a grammar, which would otherwise
// stand between a phrase's words as a word "unk"), and collapses spaces.
func Normalize(s string) string {
	var b strings.Builder
	// "Не, сейчас платить нечем": a "не" that is a clause of its own is the
	// colloquial "нет", not a negation of the next clause's first word
	s = loneNe.ReplaceAllString(digitForms(undiminish(undialect(strings.ToLower(s)))), "${1}нет${3}")
	rs := []rune(unkMarks.Replace(s))
	space := true
	for i, r := range rs {
		switch {
		case r == 'ё':
			r = 'е'
		case unicode.IsLetter(r) || unicode.IsDigit(r):
		case r == ':' && i > 0 && i+1 < len(rs) && unicode.IsDigit(rs[i-1]) && unicode.IsDigit(rs[i+1]):
		case r == '-' && i > 0 && i+1 < len(rs) && unicode.IsLetter(rs[i-1]) && unicode.IsLetter(rs[i+1]):
			// "кто-то", "по-моему" stay one word
		default:
			r = ' '
		}
		if r == ' ' {
			if space {
				continue
			}
			space = true
		} else {
			space = false
		}
		b.WriteRune(r)
	}
	return unstretch(strings.TrimSpace(b.String()))
}

// loneNe is a "не" (or "ни") standing between clause breaks.
var loneNe = regexp.MustCompile(`(^|[.,!?;:…—]\s*)([Нн][еи])(\s*[.,!?;:…—])`)

// Faint reports an utterance the recogniser mostly could not read, with a
// single word of its own among the unknown-word marks ("[unk] ага [unk]"):
// the word may route the call, but it is too little to count the call as
// understood, so a hang-up after it is "unrecognized", not "hangup".
func Faint(text string) bool {
	lower := strings.ToLower(text)
	marks := 0
	for _, m := range []string{"[unk]", "<unk>", "[noise]", "<noise>"} {
		marks += strings.Count(lower, m)
	}
	return marks >= 2 && len(Tokens(text)) == 1
}

// unkMarks are the spellings of a word a recogniser could not read.
var unkMarks = strings.NewReplacer("[unk]", " ", "<unk>", " ", "[noise]", " ", "<noise>", " ")

// unstretch undoes how drawn-out and repeated words are written: a letter
// run of three or more ("дааа", "нееет", "ммм") becomes one letter (a run of
// two, as in "касса", stays), and a reduplication ("да-да", "нет-нет",
// "ш-ш-ш") becomes separate words while "кто-то" and "по-моему" stay one.
func unstretch(s string) string {
	rs := []rune(s)
	var b strings.Builder
	for i := 0; i < len(rs); {
		j := i
		for j < len(rs) && rs[j] == rs[i] {
			j++
		}
		n := j - i
		if n >= 3 && unicode.IsLetter(rs[i]) {
			n = 1
		}
		for k := 0; k < n; k++ {
			b.WriteRune(rs[i])
		}
		i = j
	}
	if !strings.ContainsRune(s, '-') {
		return b.String()
	}
	fields := strings.Fields(b.String())
	for i, f := range fields {
		parts := strings.Split(f, "-")
		same := len(parts) > 1
		for _, p := range parts[1:] {
			same = same && p == parts[0]
		}
		if same {
			fields[i] = strings.Join(parts, " ")
			continue
		}
		// a particle glued by a hyphen to a noun or a name ("Колька-то",
		// "денег-то", "погоди-ка") is a word of its own; "кто-то" and
		// "что-нибудь" stay pronouns
		if n := len(parts); n == 2 && hyphenParticles[parts[1]] && !pronounBases[parts[0]] {
			fields[i] = parts[0] + " " + parts[1]
		}
	}
	return strings.Join(fields, " ")
}

// hyphenParticles are the particles written after a hyphen.
var hyphenParticles = map[string]bool{"то": true, "ка": true, "таки": true, "де": true, "с": true}

// pronounBases make pronouns and adverbs with "-то" ("кто-то", "где-то").
var pronounBases = map[string]bool{"кто": true, "что": true, "где": true, "как": true, "когда": true, "куда": true,
	"откуда": true, "какой": true, "какая": true, "какое": true, "какие": true, "какого": true, "какую": true,
	"чей": true, "чья": true, "сколько": true, "почему": true, "зачем": true, "чего": true, "кого": true,
	"кому": true, "чем": true, "кем": true, "все": true, "так": true, "из": true, "по": true}

// Tokens splits normalised text into words.
func Tokens(s string) []string { return strings.Fields(Normalize(s)) }

// Stem is the Snowball Russian stem of one normalised word; stop words are
// stemmed too so that "его"/"ему" compare equal where it matters.
func Stem(word string) string {
	if word == "" {
		return ""
	}
	return russian.Stem(word, true)
}

// editDistance is the Levenshtein distance between two rune strings.
// Hand-written: the matcher keeps its words as rune slices, and
// github.com/agnivade/levenshtein takes strings (a conversion per call in the
// matcher's inner loop); testcalls uses the library.
func editDistance(a, b []rune) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// tolerance is how many edits an ASR may make in a stem of n runes and still
// count as the same word: none for short words ("да", "не"), one up to six
// runes, two beyond.
func tolerance(n int) int {
	switch {
	case n < 4:
		return 0
	case n <= 6:
		return 1
	}
	return 2
}

// word is one token of an utterance or a phrase, with its stem, both also as
// runes so that matching does not convert strings in its inner loop.
type word struct {
	text, stemS string
	runes, stem []rune
	// known: a heard word that is itself a word of the vocabulary
	// ("девушка") is that word, not another one misheard ("дедушка")
	known bool
}

// homophones are spellings a recogniser (or a caller's own writing) gives for
// the same spoken word; phrases and utterances are both read through this
// map, so a phrase may be written either way.
var homophones = map[string]string{
	"ни":  "не", // unstressed "не" and "ни" sound alike: "ни могу", "ни знаю"
	"ето": "это", "эта": "это", "щас": "сейчас", "ща": "сейчас", "счас": "сейчас",
	"чо": "что", "че": "что", "шо": "что", "чего": "что", "тока": "только", "тыщ": "тысяч",
	"нету": "нет", "неа": "нет", "не-а": "нет", "нетути": "нет", "нетушки": "нет",
	"дык": "так", "завтрева": "завтра", "завтре": "завтра", "опосля": "после", "апосля": "после",
}

// pastCall is the one token every past form of a calling verb becomes
// ("звонили", "позвонил", "набирала"): "мне уже звонили" asks for no call,
// and the stemmer would give it the stem of "звоните".
const pastCall = "звонилипрежде"

// isPastCall reports a past form of a verb of calling.
func isPastCall(t string) bool {
	if !strings.HasSuffix(t, "л") && !strings.HasSuffix(t, "ла") && !strings.HasSuffix(t, "ли") && !strings.HasSuffix(t, "ло") {
		return false
	}
	for _, p := range []string{"звони", "позвони", "перезвони", "дозвони", "названива", "набира", "набра", "перезванива"} {
		if strings.HasPrefix(t, p) {
			return true
		}
	}
	return false
}

// conjunctions open subordinate clauses ("потому что я долг не признаю",
// "поскольку я за рулём"); they are compared by spelling only.
var conjunctions = map[string]bool{"потому": true, "поэтому": true, "поскольку": true, "покуда": true,
	"хотя": true, "чтобы": true, "будто": true, "словно": true, "если": true, "когда": true,
	"которое": true, "который": true, "которая": true, "которые": true, "которого": true, "которой": true, "которым": true}

// comparative says whether a word is a comparative in "-ее" ("позднее",
// "быстрее"); "-шее" ("ближайшее", "лучшее") is an adjective's ending.
func comparative(w string) bool {
	return utf8.RuneCountInString(w) >= 6 && strings.HasSuffix(w, "ее") && !strings.HasSuffix(w, "шее")
}

// reflexiveOf says whether phrase is a reflexive imperative ("представьтесь",
// "представься") and heard the same imperative without its "-сь"/"-ся".
func reflexiveOf(phrase, heard string) bool {
	return (strings.HasSuffix(phrase, "тесь") || strings.HasSuffix(phrase, "ься") || strings.HasSuffix(phrase, "йся")) &&
		(heard+"сь" == phrase || heard+"ся" == phrase)
}

// addressed says whether a word ends as a verb does when it speaks to the
// listener in the plural or politely ("переживайте", "звоните",
// "знаете"): "-те" after a vowel or a soft sign.
func addressed(w string) bool {
	r := []rune(w)
	if len(r) < 5 || !strings.HasSuffix(w, "те") {
		return false
	}
	return strings.ContainsRune("аеиоуыэюяйь", r[len(r)-3])
}

// Verb forms whose endings a recogniser keeps and a tolerant match must not
// cross (verbForm).
const (
	formInfinitive = 1 + iota
	formPast
)

// verbForm tells an infinitive ("-ть", "-ти", "-чь", with "-ся"/"-сь") or a
// past tense ("-ла", "-ло", "-ли" after a vowel, "-лся") from
// other words by the ending; 0 for any other word and for words under five
// letters.
func verbForm(w string) int {
	r := []rune(w)
	if len(r) < 5 {
		return 0
	}
	base := strings.TrimSuffix(strings.TrimSuffix(w, "ся"), "сь")
	reflexive := base != w
	if infinitive(base) && len([]rune(base)) >= 5 {
		return formInfinitive
	}
	br := []rune(base)
	n := len(br)
	vowel := func(c rune) bool { return strings.ContainsRune("аеёиоуыэюя", c) }
	switch {
	case reflexive && n >= 4 && br[n-1] == 'л' && vowel(br[n-2]):
		// "занялся": a bare "-л" is no mark of its own ("каникул",
		// "отдел", "канал" are nouns), with "-ся" it is a verb's
		return formPast
	case n >= 5 && strings.ContainsRune("аои", br[n-1]) && br[n-2] == 'л' && vowel(br[n-3]):
		return formPast
	}
	return 0
}

// openers are the imperatives a caller opens a sentence with ("слушайте,
// я тут картошку копаю"): they ask for attention and say no "I'm listening".
var openers = map[string]bool{"слушайте": true, "слушай": true, "слышь": true, "слышите": true, "смотрите": true}

func words(s string) []word {
	toks := Tokens(s)
	if len(toks) > 1 {
		kept := toks[:0:0]
		for _, t := range toks {
			if !openers[t] {
				kept = append(kept, t)
			}
		}
		toks = kept
	}
	out := make([]word, len(toks))
	for i, t := range toks {
		if h, ok := homophones[t]; ok {
			t = h
		}
		if isPastCall(t) {
			t = pastCall
		}
		st := Stem(t)
		out[i] = word{text: t, stemS: st, runes: []rune(t), stem: []rune(st)}
	}
	return out
}

// sameWord compares two words by stem with ASR-error tolerance; it returns
// whether they match and the number of edits.
func sameWord(phrase, heard word) (bool, int) {
	if phrase.text == heard.text {
		return true, 0
	}
	if conjunctions[phrase.text] || conjunctions[heard.text] {
		// "потому что" is no "потом": a conjunction that joins clauses
		// shares a stem with a content word only by chance, so it matches
		// itself alone
		return false, 0
	}
	// short words ("да", "не", "неа") differ by their endings alone: exact only
	if len(phrase.runes) < 4 || len(heard.runes) < 4 {
		return false, 0
	}
	if comparative(phrase.text) && !comparative(heard.text) && !strings.HasSuffix(heard.text, "ей") {
		// "позднее" (later: call me later) is not "поздно" (late: "вы звоните
		// так поздно"): the stem is shared, the degree carries the meaning,
		// so a comparative phrase word matches only a comparative form
		return false, 0
	}
	if reflexiveOf(phrase.text, heard.text) {
		// "представьте себе" (imagine) is no "представьтесь" (introduce
		// yourself): the reflexive imperative is another verb, whatever
		// stem it shares
		return false, 0
	}
	if phrase.stemS == heard.stemS {
		return true, 0
	}
	if heard.known {
		return false, 0
	}
	// "жина", "магу", "гаварить": the same word as it sounds unstressed
	if phrase.runes[0] == heard.runes[0] && soundKey(phrase.runes) == soundKey(heard.runes) {
		return true, 1
	}
	n := min(len(phrase.stem), len(heard.stem))
	tol := tolerance(n)
	if tol == 0 {
		return false, 0
	}
	// the first letter is rarely misrecognised; requiring it avoids most false friends
	if phrase.runes[0] != heard.runes[0] {
		return false, 0
	}
	if f := verbForm(heard.text); f != 0 && f != verbForm(phrase.text) {
		// "отставить" is no misheard "отстань", "занял" no "занят": an
		// infinitive's or a past tense's ending is heard whole, and a word
		// of another form is another word, whatever letters they share
		return false, 0
	}
	if addressed(heard.text) != addressed(phrase.text) {
		// "не переживайте" is no misheard "не проживает": the ending that
		// names the person spoken to is heard whole, not guessed
		return false, 0
	}
	// "приёме" is not "приёмная" misheard: one stem opening the other with
	// letters added is another word built on the same root
	if abs(len(phrase.stem)-len(heard.stem)) <= tol && !derived(phrase.stem, heard.stem) {
		if d := editDistance(phrase.stem, heard.stem); d <= tol {
			return true, d
		}
	}
	// a garbled ending defeats the stemmer ("ошиблис" keeps its tail): compare the words too
	wtol := tolerance(min(len(phrase.runes), len(heard.runes)))
	if abs(len(phrase.runes)-len(heard.runes)) <= wtol {
		if d := editDistance(phrase.runes, heard.runes); d <= wtol {
			return true, d
		}
	}
	return false, 0
}

// soundKey spells a word as it sounds in unstressed colloquial speech, the
// way a recogniser's or a caller's spelling errs: unstressed "о" as "а"
// ("гаварить"), "е/э/ы" as "и" ("жина", "вечирам"), "я/ю" as "а/у", no soft
// or hard sign ("восем"), "тц"/"тс" as "ц" ("пятнитцу"), doubled letters
// once. Two words with one key are one word misspelt.
func soundKey(w []rune) string {
	var b []rune
	for i := 0; i < len(w); i++ {
		r := w[i]
		switch r {
		case 'о':
			r = 'а'
		case 'е', 'э', 'ы', 'ё':
			r = 'и'
		case 'я':
			r = 'а'
		case 'ю':
			r = 'у'
		case 'ь', 'ъ':
			continue
		case 'т':
			if i+1 < len(w) && (w[i+1] == 'ц' || w[i+1] == 'с') {
				continue
			}
		}
		if n := len(b); n > 0 && b[n-1] == r {
			continue
		}
		b = append(b, r)
	}
	return string(b)
}

// derived reports whether one stem is the other with a suffix added.
func derived(a, b []rune) bool {
	if len(a) == len(b) {
		return false
	}
	if len(a) > len(b) {
		a, b = b, a
	}
	return len(a) >= 4 && string(b[:len(a)]) == string(a)
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// isNegator reports the Russian negation particles that flip a phrase.
func isNegator(w string) bool { return w == "не" || w == "ни" }

// hesitations are words that fill a pause and say nothing by themselves.
var hesitations = map[string]bool{
	"э": true, "ээ": true, "эээ": true, "эм": true, "эмм": true, "ммм": true, "мм": true, "м": true,
	"ну": true, "ага": true, "угу": true, "ой": true, "ах": true, "ох": true, "так": true, "вот": true,
	"да": true, "нет": true, "алло": true,
}

// Contentful reports whether s holds a word that says something: not only
// hesitations, yes/no, or vowel-less interjections ("гм", "хм", "брр"). A
// text slot (a meeting place) is filled only by such an utterance; "гм" is
// no place, it is a turn the script did not understand.
func Contentful(s string) bool {
	for _, w := range Tokens(s) {
		if hesitations[w] || !strings.ContainsAny(w, "аеёиоуыэюяaeiouy0123456789") {
			continue
		}
		return true
	}
	return false
}
