package tts

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Patterns Verbalize rewrites, in the order it applies them. Digit groups
// may be separated by a space, a no-break space or a narrow no-break space.
var (
	phoneRE = regexp.MustCompile(`(?:\+7|\b8)[\s\-]*\(?(\d{3})\)?[\s\-]*(\d{3})[\s\-]*(\d{2})[\s\-]*(\d{2})\b`)
	dateRE  = regexp.MustCompile(`\b(\d{1,2})\.(\d{1,2})\.(\d{4})(?:\s*(?:года|г\.))?`)
	// "25.11" as a date, but not "25.11.2026" (dateRE) nor "1.2.3".
	shortDateRE = regexp.MustCompile(`\b(\d{1,2})\.(\d{2})\b(?P<tail>[^.\d]|\.(?:\D|$)|$)`)
	dayMonthRE  = regexp.MustCompile(`\b(\d{1,2})\s+(января|февраля|марта|апреля|мая|июня|июля|августа|сентября|октября|ноября|декабря)(?:\s+(\d{4})(?:\s*(?:года|г\.))?)?`)
	yearRE      = regexp.MustCompile(`\b(\d{4})\s*(?:г\.\s*)?(году|года|год)`)
	timeRE      = regexp.MustCompile(`\b([01]?\d|2[0-3]):([0-5]\d)\b`)
	moneyRE     = regexp.MustCompile(`(-?)(\d{1,3}(?:[ \x{00A0}\x{202F}]\d{3})+|\d+)(?:[.,](\d{1,2}))?\s*(?:руб(?:л(?:ь|я|ей|ями|ям|ях|ю|ём|ем))?\.?|р\.|₽)(?:\s*(\d{1,2})\s*коп(?:еек|ейки|ейка|ейку|\.)?)?`)
	ordRE       = regexp.MustCompile(`\b(\d{1,4})-(ого|го|ое|е)`)
	pctRE       = regexp.MustCompile(`(\d+)(?:,(\d{1,3}))?\s*%`)
	numRE       = regexp.MustCompile(`(\d{1,3}(?:[ \x{00A0}\x{202F}]\d{3})+|\d+)(?:,(\d{1,3}))?`)
)

// genitivePrepositions make a following date or time genitive:
// "до 18:00" → "до восемнадцати часов".
var genitivePrepositions = map[string]bool{"до": true, "с": true, "со": true, "после": true, "от": true, "около": true, "кроме": true}

// genitiveAmountWords make a following amount of money genitive: "более
// 15 000 рублей" → "более пятнадцати тысяч рублей".
var genitiveAmountWords = map[string]bool{"до": true, "от": true, "с": true, "со": true, "около": true, "кроме": true, "более": true, "менее": true, "свыше": true, "больше": true, "меньше": true, "без": true, "из": true, "для": true, "порядка": true}

// feminineNounStems make a bare number before them feminine ("1 минута" →
// "одна минута"); neuterNounStems make it neuter.
var (
	feminineNounStems = []string{"минут", "секунд", "копе", "тысяч", "недел", "штук", "попыт", "неделю"}
	neuterNounStems   = []string{"числ", "сообщени", "письм"}
)

// Verbalize rewrites the digits left in a phrase as Russian words, so that a
// speech engine neither skips nor misreads them. It understands
// phone numbers ("+7 999 123-45-67"), dates ("25.11.2026"), clock times
// ("в 10:30" → "в десять часов тридцать минут", "до 18:00" → "до
// восемнадцати часов"), money ("15 000 рублей", "21 руб. 50 коп.", "99 ₽";
// the currency word is re-agreed with the number), ordinals with a suffix
// ("1-го"), percentages, decimals and plain numbers (feminine before
// "минута", "копейка", "тысяча"…). Words, punctuation and '+' stress marks
// are kept as they are. Noun cases other than the nominative are not
// inferred, except the genitive after до/с/после/от/около for times, for
// dates in a phrase ("оплатите до 25 ноября" → "двадцать пятого"), and for
// money after более/менее/до/от/свыше/без… ("более пятнадцати тысяч
// рублей").
func Verbalize(text string) string {
	if !strings.ContainsAny(text, "0123456789") {
		return text
	}
	text = phoneRE.ReplaceAllStringFunc(text, func(m string) string {
		sm := phoneRE.FindStringSubmatch(m)
		words := []string{"плюс семь"}
		if !strings.HasPrefix(m, "+") {
			words = []string{"восемь"}
		}
		for _, g := range sm[1:] {
			words = append(words, digitGroup(g))
		}
		return strings.Join(words, ", ")
	})
	text = replaceDates(text, dateRE, func(sm []string) (day, month int, year string) {
		d, _ := strconv.Atoi(sm[1])
		mo, _ := strconv.Atoi(sm[2])
		return d, mo, sm[3]
	})
	text = replaceDates(text, shortDateRE, func(sm []string) (day, month int, year string) {
		d, _ := strconv.Atoi(sm[1])
		mo, _ := strconv.Atoi(sm[2])
		return d, mo, ""
	})
	text = replaceDates(text, dayMonthRE, func(sm []string) (day, month int, year string) {
		d, _ := strconv.Atoi(sm[1])
		for i, name := range monthsGenitive {
			if name == sm[2] {
				return d, i, sm[3]
			}
		}
		return 0, 0, ""
	})
	text = replaceWithContext(text, yearRE, func(sm []string, _, letterAfter bool, _ string) (string, bool) {
		if letterAfter {
			return "", false
		}
		y, _ := strconv.ParseUint(sm[1], 10, 64)
		switch sm[2] {
		case "году":
			return spellOrdinal(y, ordPrepositional) + " году", true
		case "года":
			return spellOrdinal(y, ordGenitive) + " года", true
		}
		return spellOrdinal(y, ordMascNom) + " год", true
	})
	text = replaceWithContext(text, timeRE, func(sm []string, genitive, _ bool, _ string) (string, bool) {
		h, _ := strconv.Atoi(sm[1])
		m, _ := strconv.Atoi(sm[2])
		return spellClock(h, m, genitive), true
	})
	text = replaceWithContext(text, moneyRE, func(sm []string, _, letterAfter bool, before string) (string, bool) {
		if letterAfter { // "рубеж", "рублёвый": not a currency word
			return "", false
		}
		rub, ok := parseGrouped(sm[2])
		if !ok || rub > (1<<62)/100 {
			return "", false
		}
		kop := uint64(0)
		if sm[3] != "" {
			kop, _ = strconv.ParseUint(sm[3], 10, 64)
			if len(sm[3]) == 1 {
				kop *= 10 // "1,5 руб." is one rouble fifty
			}
		} else if sm[4] != "" {
			kop, _ = strconv.ParseUint(sm[4], 10, 64)
		}
		total := int64(rub*100 + kop)
		if sm[1] == "-" {
			total = -total
		}
		if genitiveAmountWords[prevWord(before)] {
			return spellMoneyGenitive(total), true
		}
		return SpellMoney(total), true
	})
	text = replaceWithContext(text, ordRE, func(sm []string, _, letterAfter bool, _ string) (string, bool) {
		if letterAfter {
			return "", false
		}
		n, _ := strconv.ParseUint(sm[1], 10, 64)
		if sm[2] == "го" || sm[2] == "ого" {
			return spellOrdinal(n, ordGenitive), true
		}
		return spellOrdinal(n, ordNeuterNom), true
	})
	text = pctRE.ReplaceAllStringFunc(text, func(m string) string {
		sm := pctRE.FindStringSubmatch(m)
		n, err := strconv.ParseUint(sm[1], 10, 64)
		if err != nil {
			return m
		}
		if sm[2] != "" {
			return spellDecimal(n, sm[2]) + " процента"
		}
		return spellU(n, Masculine) + " " + pluralU(n, "процент", "процента", "процентов")
	})
	text = replaceNumbers(text)
	return text
}

// nominativeDateWords introduce a date in the nominative ("сегодня
// двадцать пятое ноября"); elsewhere a date in a phrase is an adverbial of
// time and takes the genitive ("оплатите двадцать пятого ноября", "до
// двадцать пятого ноября").
var nominativeDateWords = map[string]bool{"сегодня": true, "завтра": true, "вчера": true, "послезавтра": true, "дата": true, "число": true}

// replaceDates spells day-month(-year) matches of re; parse extracts the
// parts and returns day 0 to decline a match.
func replaceDates(text string, re *regexp.Regexp, parse func(sm []string) (day, month int, year string)) string {
	idx := re.FindAllStringSubmatchIndex(text, -1)
	if idx == nil {
		return text
	}
	tail := re.SubexpIndex("tail") // context matched after the date, kept as is
	var b strings.Builder
	last := 0
	for _, loc := range idx {
		sm := submatches(text, loc)
		end := loc[1]
		if tail > 0 && loc[2*tail] >= 0 {
			end = loc[2*tail]
		}
		d, mo, y := parse(sm)
		if d < 1 || d > 31 || mo < 1 || mo > 12 {
			continue
		}
		before := strings.TrimRightFunc(text[:loc[0]], unicode.IsSpace)
		f := ordGenitive
		if nominativeDateWords[prevWord(before)] || strings.HasSuffix(before, ":") {
			f = ordNeuterNom
		}
		out := spellOrdinal(uint64(d), f) + " " + monthsGenitive[mo]
		if y != "" {
			yn, _ := strconv.ParseUint(y, 10, 64)
			out += " " + spellOrdinal(yn, ordGenitive) + " года"
		}
		b.WriteString(text[last:loc[0]])
		b.WriteString(out)
		last = end
	}
	b.WriteString(text[last:])
	return b.String()
}

func submatches(text string, loc []int) []string {
	sm := make([]string, len(loc)/2)
	for i := range sm {
		if loc[2*i] >= 0 {
			sm[i] = text[loc[2*i]:loc[2*i+1]]
		}
	}
	return sm
}

// replaceWithContext replaces matches of re using fn, telling fn whether the
// word before the match is a genitive preposition and whether a letter
// follows the match directly (Go's \b only knows ASCII letters, so word
// ends after Cyrillic are checked here). fn may decline a match.
func replaceWithContext(text string, re *regexp.Regexp, fn func(sm []string, genitive, letterAfter bool, before string) (string, bool)) string {
	idx := re.FindAllStringSubmatchIndex(text, -1)
	if idx == nil {
		return text
	}
	var b strings.Builder
	last := 0
	for _, loc := range idx {
		sm := submatches(text, loc)
		next, _ := utf8.DecodeRuneInString(text[loc[1]:])
		out, ok := fn(sm, genitivePrepositions[prevWord(text[:loc[0]])], unicode.IsLetter(next), text[:loc[0]])
		if !ok {
			continue
		}
		b.WriteString(text[last:loc[0]])
		b.WriteString(out)
		last = loc[1]
	}
	b.WriteString(text[last:])
	return b.String()
}

// prevWord returns the lower-cased word that ends just before the end of s
// (ignoring spaces).
func prevWord(s string) string {
	s = strings.TrimRightFunc(s, unicode.IsSpace)
	i := strings.LastIndexFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && r != '+' })
	return strings.ToLower(strings.ReplaceAll(s[i+1:], "+", ""))
}

// nextWord returns the lower-cased word that starts s (after spaces).
func nextWord(s string) string {
	s = strings.TrimLeftFunc(s, unicode.IsSpace)
	end := strings.IndexFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && r != '+' })
	if end < 0 {
		end = len(s)
	}
	return strings.ToLower(strings.ReplaceAll(s[:end], "+", ""))
}

// replaceNumbers spells the remaining plain numbers and decimals.
func replaceNumbers(text string) string {
	idx := numRE.FindAllStringSubmatchIndex(text, -1)
	if idx == nil {
		return text
	}
	var b strings.Builder
	last := 0
	for _, loc := range idx {
		whole := text[loc[2]:loc[3]]
		frac := ""
		if loc[4] >= 0 {
			frac = text[loc[4]:loc[5]]
		}
		var out string
		digits := strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return r
			}
			return -1
		}, whole)
		n, err := strconv.ParseUint(digits, 10, 64)
		switch {
		case err != nil || len(digits) > 15 || (len(digits) > 1 && digits[0] == '0'):
			// Codes, account numbers and leading zeros: digit by digit.
			out = spellDigits(digits)
			if frac != "" {
				out += " запятая " + spellDigits(frac)
			}
		case frac != "":
			out = spellDecimal(n, frac)
		default:
			out = spellU(n, genderBefore(text[loc[1]:]))
		}
		// A '-' right before the number and after a space or the start is a
		// minus sign.
		start := loc[0]
		if start > 0 && text[start-1] == '-' && (start == 1 || text[start-2] == ' ') {
			start--
			out = "минус " + out
		}
		b.WriteString(text[last:start])
		b.WriteString(out)
		last = loc[1]
	}
	b.WriteString(text[last:])
	return b.String()
}

func genderBefore(rest string) Gender {
	w := nextWord(rest)
	for _, st := range feminineNounStems {
		if strings.HasPrefix(w, st) {
			return Feminine
		}
	}
	for _, st := range neuterNounStems {
		if strings.HasPrefix(w, st) {
			return Neuter
		}
	}
	return Masculine
}

// spellDecimal spells "n,frac": 1,5 → "одна целая пять десятых".
func spellDecimal(n uint64, frac string) string {
	f, _ := strconv.ParseUint(frac, 10, 64)
	denom := [...][2]string{{"десятая", "десятых"}, {"сотая", "сотых"}, {"тысячная", "тысячных"}}[utf8.RuneCountInString(frac)-1]
	whole := spellU(n, Feminine) + " " + pluralFrac(n, "целая", "целых")
	return whole + " " + spellU(f, Feminine) + " " + pluralFrac(f, denom[0], denom[1])
}

// pluralFrac: fractions take the singular after 1, 21… and the genitive
// plural otherwise ("две целых", "пять десятых").
func pluralFrac(n uint64, one, other string) string {
	if n%10 == 1 && n%100 != 11 {
		return one
	}
	return other
}

// digitGroup reads a group of a phone number: "45" → "сорок пять",
// "05" → "ноль пять", "000" → "ноль ноль ноль".
func digitGroup(g string) string {
	if len(g) > 1 && g[0] == '0' {
		return spellDigits(g)
	}
	n, _ := strconv.ParseUint(g, 10, 64)
	return spellU(n, Masculine)
}

func spellDigits(d string) string {
	words := make([]string, 0, len(d))
	for _, r := range d {
		words = append(words, unitsMasc[r-'0'])
	}
	return strings.Join(words, " ")
}

// parseGrouped parses "15 000" or "15000".
func parseGrouped(s string) (uint64, bool) {
	digits := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
	n, err := strconv.ParseUint(digits, 10, 64)
	return n, err == nil
}
