package scripts

import (
	"maps"
	"strings"
)

// A recogniser on a phone line spells a word as it sounds: a final voiced
// consonant devoiced ("черес", "друк"), an unstressed vowel written as
// another ("понедильник", "тысеч", "слушою", "енваря"), two words run
// together ("черезтриста", "четвергв", "мойномер") or one split anywhere
// ("сес тра", "пе тницу"), a breath written "и"/"а" ("в а девять"). The
// time and money parsers read exact words, and the phrase matcher's
// tolerance keeps the first letter and ignores words under four letters,
// so these rules mend such words first. A known word is never changed.

// phonKey spells a word as a recogniser hears it: vowels in three classes
// (а/о, е/и/я/э/ы, у/ю), paired voiced consonants devoiced at the end and
// before a voiceless consonant (the first letter is kept: "дом" is no "том"), no soft or hard sign, "тс"/"тц"
// as "ц", a doubled letter once. Two spellings with one key sound alike.
func phonKey(w []rune) string {
	b := make([]rune, 0, len(w))
	for i, r := range w {
		switch r {
		case 'а', 'о':
			r = 'а'
		case 'е', 'ё', 'э', 'ы', 'и', 'я':
			r = 'и'
		case 'ю', 'у':
			r = 'у'
		case 'ь', 'ъ':
			continue
		case 'т':
			if i+1 < len(w) && (w[i+1] == 'ц' || w[i+1] == 'с') {
				continue
			}
		default:
			// a voiced consonant is heard voiceless at the word's end and
			// before a voiceless one ("через" as "черес", "ложка" as
			// "лошка"), not between vowels ("того" is no "токо")
			if d, ok := devoiced[r]; ok && i > 0 && (i == len(w)-1 || strings.ContainsRune("пфктшсхцчщ", w[i+1])) {
				r = d
			}
		}
		if n := len(b); n > 0 && b[n-1] == r && !strings.ContainsRune("аиу", r) {
			continue // "каса" is "касса"; two vowels are two sounds ("приеду" no "приду")
		}
		b = append(b, r)
	}
	return string(b)
}

// devoiced maps a paired voiced consonant to its voiceless pair.
var devoiced = map[rune]rune{'б': 'п', 'в': 'ф', 'г': 'к', 'д': 'т', 'ж': 'ш', 'з': 'с'}

// functionWords are short words a caller says in every answer; a word glued
// to one of them ("мойномер", "ойнечем") is split off it, and they are known
// words, never mended into another.
var functionWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`в во на к ко до с со по за у о об от из и а но да не нет ну ой ага я ты вы он она оно они мы
		мне меня мой моя мое мои вам вас ваш его ее их это то так вот же ли бы уж как что кто где там тут все всю`) {
		m[w] = true
	}
	return m
}()

// leadingLetters are the one-letter words a recogniser runs into the next
// word ("яринат"); trailingLetters the prepositions it runs into the word
// before ("четвергв", "утромв"). A vowel at a word's end is its ending
// ("тыщи", "пятнадцати"), never a glued word.
var (
	leadingLetters  = map[string]bool{"я": true, "и": true, "а": true}
	trailingLetters = map[string]bool{"в": true, "с": true, "к": true}
)

// knownWord reports a word the mending leaves as heard: a phrase or time
// word, a form of a phrase word's stem, a function word, a first name, an
// everyday word listed as such.
func (m *Matcher) knownWord(t string) bool {
	if m.vocab[t] || parserWords[t] || functionWords[t] || firstNames[t] || plainWords[t] {
		return true
	}
	if _, ok := homophones[t]; ok {
		return true
	}
	return len([]rune(t)) >= 4 && m.stems[Stem(t)]
}

// parserWords are the words the money and month-part parsers read exactly,
// beside the vocabulary's.
var parserWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`ноль один одна одну два две три четыре пять шесть семь восемь девять десять
		одиннадцать двенадцать тринадцать четырнадцать пятнадцать шестнадцать семнадцать восемнадцать
		девятнадцать двадцать тридцать сорок пятьдесят шестьдесят семьдесят восемьдесят девяносто сто двести
		триста четыреста пятьсот шестьсот семьсот восемьсот девятьсот тысяча тысячи тысяч тысячу миллион
		миллиона рублей рубля рубль конце концу конца конец середине середина середину начале месяца года
		недели следующей тыс тыща тыщи тыщ тыщу штука штуки штук косарь косаря миллионов тысячам тысячами
		тысячах тысячей`) {
		m[w] = true
	}
	for w := range obliqueNumbers {
		m[w] = true // "пятнадцати", "двух"
	}
	return m
}()

// soundIndex maps phonKey to the vocabulary and parser words of four
// letters or more.
func soundIndex(vocab map[string]bool) map[string][]string {
	idx := map[string][]string{}
	all := maps.Clone(vocab)
	maps.Copy(all, parserWords)
	for w := range all {
		if rs := []rune(w); len(rs) >= 4 && !strings.ContainsRune(w, '-') {
			k := phonKey(rs)
			idx[k] = append(idx[k], w)
		}
	}
	return idx
}

// soundAlike returns the vocabulary word an unknown word of four letters
// or more sounds like: the one word with its phonKey, or, when several
// forms of one stem share it ("тысяча", "тысячи"), the one spelt nearest.
// Words of different stems sharing the key are no guess.
func (m *Matcher) soundAlike(t string) (string, bool) {
	rs := []rune(t)
	if len(rs) < 4 || m.knownWord(t) {
		return "", false
	}
	cands := m.sounds[phonKey(rs)]
	if len(cands) == 0 {
		return "", false
	}
	best, bestD := "", 0
	stem := Stem(cands[0])
	for _, c := range cands {
		if Stem(c) != stem {
			return "", false
		}
		d := editDistance(rs, []rune(c))
		if best == "" || d < bestD || d == bestD && c < best {
			best, bestD = c, d
		}
	}
	return best, true
}

// exactWord reports a vocabulary, parser, function or listed word as
// spelt (no stem or sound guessed).
func (m *Matcher) exactWord(p string) bool {
	if m.vocab[p] || parserWords[p] || functionWords[p] || firstNames[p] || plainWords[p] {
		return true
	}
	_, ok := homophones[p]
	return ok
}

// mendPart returns an unglued half of two letters or more as a word the
// matcher knows: itself when exactWord, else the vocabulary word it sounds
// like.
func (m *Matcher) mendPart(p string) (string, bool) {
	if m.exactWord(p) {
		if h, ok := homophones[p]; ok {
			return h, true
		}
		return p, true
	}
	return m.soundAlike(p)
}

// unglue splits an unknown word of four letters or more in two known ones
// ("черезтриста", "наверноечерез", "чересполчаса"): of every split whose
// halves are known (or sound like known words), the one whose shorter half
// is longest. One letter comes off only as leadingLetters or
// trailingLetters say, beside a word known as spelt; a preposition comes
// off the front only before a word of number, date or day ("вдвадцать"):
// before anything else it is a prefix ("подумать", "сначала", "заднем").
// A known word is never split.
func (m *Matcher) unglue(t string) (string, string, bool) {
	rs := []rune(t)
	if len(rs) < 4 || m.knownWord(t) || strings.ContainsRune(t, '-') {
		return "", "", false
	}
	var a, b string
	bestShort := 0
	for k := 1; k < len(rs); k++ {
		xs, ys := string(rs[:k]), string(rs[k:])
		var x, y string
		switch {
		case prefixLike[xs]:
			if w, ok := m.mendPart(ys); ok && numeralSet[w] {
				x, y = xs, w
			}
		case k == 1:
			if leadingLetters[xs] && m.exactWord(ys) {
				x, y = xs, ys
			}
		case k == len(rs)-1:
			if trailingLetters[ys] && (m.vocab[xs] || parserWords[xs]) {
				x, y = xs, ys
			}
		default:
			var ok1, ok2 bool
			x, ok1 = m.mendPart(xs)
			y, ok2 = m.mendPart(ys)
			if !ok1 || !ok2 || functionWords[x] && functionWords[y] {
				x = "" // "токо" is no "то ко"
			}
		}
		if x == "" || y == "" {
			continue
		}
		if short := min(k, len(rs)-k); short > bestShort {
			a, b, bestShort = x, y, short
		}
	}
	return a, b, bestShort > 0
}

// prefixLike are prepositions that are also verb and adverb prefixes.
var prefixLike = map[string]bool{"в": true, "во": true, "на": true, "к": true, "ко": true, "с": true, "со": true,
	"по": true, "за": true, "у": true, "от": true, "из": true, "о": true, "об": true, "до": true}

// numeralSet are the words of a number, a date or a day a preposition is
// run into ("вдвадцать", "впятницу", "кпятнадцатому").
var numeralSet = func() map[string]bool {
	m := maps.Clone(parserWords)
	for _, t := range []map[string]int{hourWords(), minuteWords(), ordinalGenitive(), genitiveHours(), months()} {
		for k := range t {
			for _, w := range strings.Fields(k) {
				m[w] = true
			}
		}
	}
	for _, w := range strings.Fields(`понедельник вторник среду четверг пятницу субботу воскресенье завтра
		послезавтра сегодня полчаса час часа часов`) {
		m[w] = true
	}
	for _, w := range strings.Fields(`конце концу конца конец середине середина середину начале месяца года недели следующей`) {
		delete(m, w) // "наконец", "вконец": adverbs
	}
	return m
}()

// rejoin joins a word split in two ("сес тра", "пе тницу", "слу шою") when
// one half is unknown, neither is a function word ("в полном" stays), and
// the whole is a vocabulary or parser word or sounds like one.
func (m *Matcher) rejoin(a, b string) (string, bool) {
	if m.knownWord(a) && m.knownWord(b) || functionWords[a] || functionWords[b] {
		return "", false
	}
	j := a + b
	if len([]rune(j)) < 5 {
		return "", false
	}
	if m.vocab[j] || parserWords[j] {
		return j, true
	}
	return m.soundAlike(j)
}

// prepositions are never followed by a conjunction or a filler: "в а
// девять", "на и кассе" hold a breath written as a word.
var prepositions = map[string]bool{"в": true, "во": true, "на": true, "к": true, "ко": true, "с": true, "со": true,
	"по": true, "за": true, "у": true, "через": true, "от": true, "из": true, "о": true, "об": true}

// breathWords are what a recogniser writes for a breath or a click.
var breathWords = map[string]bool{"и": true, "а": true, "ну": true}

// unbreathe drops a breath word after a preposition, unless a preposition
// follows it too ("с и по" stays as said), and one inside a spoken number or
// time ("через пол а часа", "два а часов", "в три и часа").
func unbreathe(toks []string) []string {
	out := toks[:0:0]
	for i, t := range toks {
		if breathWords[t] && i > 0 && i+1 < len(toks) {
			prev, next := toks[i-1], toks[i+1]
			if prepositions[prev] && !prepositions[next] || timeAndNumber[prev] && timeAndNumber[next] {
				continue
			}
		}
		out = append(out, t)
	}
	return out
}

// timeAndNumber are the words of a spoken number, time or date.
var timeAndNumber = func() map[string]bool {
	m := maps.Clone(numeralSet)
	for _, w := range timeVocabulary {
		m[w] = true
	}
	for _, w := range strings.Fields("пол полтора полторы минут минуты минуту утра вечера дня ночи числа") {
		m[w] = true
	}
	return m
}()
