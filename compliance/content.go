package compliance

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Content rules of 230-FZ: what a call may say and to whom.
//
// Art. 6 part 5 forbids telling a third party anything about the debt, its
// terms or the debtor's relation to a creditor. A voicemail box or a voice
// assistant is a third party (its recording is heard by family, stored by an
// operator), and so is whoever picks up before the identity is confirmed.
// The rules below decide what is sensitive; the scripts linter and the robot
// apply them (a phrase reachable before the identity check, a prompt said
// while the first phrase is undecided, the message left to a machine).

// Variable roots whose values a third party must not hear: scripts render
// them into phrases ({debtor.first_name}, {debt.amount|money}, …).
const (
	VarDebtor   = "debtor"
	VarCreditor = "creditor"
	VarDebt     = "debt"
)

// DebtVar reports whether a variable path ("debt", "debt.amount") holds a
// detail of the debt.
func DebtVar(path string) bool { return underRoot(path, VarDebt) }

// DisclosingVar reports whether saying the variable at path tells the
// listener who owes whom or what: the debtor, the creditor or the debt.
func DisclosingVar(path string) bool {
	return underRoot(path, VarDebtor) || underRoot(path, VarCreditor) || underRoot(path, VarDebt)
}

func underRoot(path, root string) bool {
	return path == root || strings.HasPrefix(path, root+".")
}

// debtStems are word beginnings that speak about a debt in Russian; a word
// starting with one of them mentions the debt in any of its forms (долг,
// долга, долгу; задолженность, задолженности; просрочка, просроченный).
// A function, not a package variable, so no caller can change the list.
func debtStems() []string {
	return []string{"долг", "задолж", "просроч", "кредит", "взыск", "займ", "заем", "микрозайм", "микрозаем",
		"оплат", "погаш", "погас", "выплат", "рассроч", "реструктур", "коллектор"}
}

// words splits text into lower-case words of letters and digits, ё folded to
// е ("заём" is "заем"); punctuation, quotes and hyphens separate words.
func words(text string) []string {
	text = strings.ReplaceAll(strings.ToLower(text), "ё", "е")
	return strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// debtWord returns the first word of text that speaks about a debt.
func debtWord(text string) (string, bool) {
	for _, w := range words(text) {
		for _, st := range debtStems() {
			if strings.HasPrefix(w, st) {
				return w, true
			}
		}
	}
	return "", false
}

// number matches an amount written in digits: groups of three separated by a
// space, a no-break space, a narrow no-break space or a comma ("120 000",
// "120,000"), or a plain run; then an optional decimal part of one or two
// digits after a comma or a point ("12 345,50", "12345.5"). Three digits
// after a comma are a thousands group, not kopecks: money has two.
var number = regexp.MustCompile(`\d{1,3}(?:[ \x{00A0}\x{202F},]\d{3})+(?:[.,]\d{1,2})?\b|\d+(?:[.,]\d{1,2})?\b`)

// currencyAfter matches a currency word right after a number: "руб", "рублей",
// "р.", "₽", "коп", "RUB".
var currencyAfter = regexp.MustCompile(`(?i)^\s*(?:руб|р\.|₽|коп|rub)`)

// moneyAmount is one number found in a text.
type moneyAmount struct {
	start, end int   // byte offsets of the number in the text
	kopecks    int64 // the value in kopecks
	fraction   bool  // written with kopecks
	currency   bool  // followed by a currency word
}

// amounts finds the numbers of text, read as money.
func amounts(text string) []moneyAmount {
	var out []moneyAmount
	for _, m := range number.FindAllStringIndex(text, -1) {
		k, frac, ok := parseKopecks(text[m[0]:m[1]])
		if !ok {
			continue
		}
		out = append(out, moneyAmount{start: m[0], end: m[1], kopecks: k, fraction: frac,
			currency: currencyAfter.MatchString(text[m[1]:])})
	}
	return out
}

// parseKopecks reads "12 345,50", "12,345.50", "12345" as kopecks.
func parseKopecks(s string) (kop int64, fraction bool, ok bool) {
	intPart, frac := s, ""
	if i := strings.LastIndexAny(s, ".,"); i >= 0 && len(s)-i-1 <= 2 {
		intPart, frac = s[:i], s[i+1:]
	}
	digits := strings.Join(strings.FieldsFunc(intPart, func(r rune) bool { return r < '0' || r > '9' }), "") // group separators out
	rub, err := strconv.ParseInt(digits, 10, 64)
	if err != nil || rub > math.MaxInt64/100 {
		return 0, false, false
	}
	kop = rub * 100
	if frac != "" {
		f, _ := strconv.Atoi(frac)
		if len(frac) == 1 {
			f *= 10
		}
		kop += int64(f)
	}
	return kop, frac != "", true
}

// MentionsDebt reports whether a text speaks about a debt: a debt word in
// any form, or a sum of money (a number followed by a currency word). It
// knows nothing of a particular call; Confidential.Sensitive adds the call's
// creditor and amount.
func MentionsDebt(text string) bool {
	if _, ok := debtWord(text); ok {
		return true
	}
	for _, a := range amounts(text) {
		if a.currency {
			return true
		}
	}
	return false
}

// Confidential is what, on one call, a third party must not learn: who the
// creditor is, who the debtor is and how much is owed.
type Confidential struct {
	Creditors []string // names of the creditor or the agency ("ООО «Альфа Финанс»")
	Debtors   []string // the debtor's names (full name, first name, …)
	Amounts   []int64  // debt amounts in kopecks
}

// ConfidentialFromVars collects the confidential facts from a call's
// variables: every string under "creditor" and "debtor" (nested maps or
// dotted keys), and every number under "debt" (numbers, or strings that read
// as an amount: "12 345,50"). Other debt strings (dates, contract numbers)
// are not amounts and are left out.
func ConfidentialFromVars(vars map[string]any) Confidential {
	var c Confidential
	c.Creditors = varStrings(vars, VarCreditor)
	c.Debtors = varStrings(vars, VarDebtor)
	walkVars(vars, VarDebt, func(v any) {
		switch x := v.(type) {
		case float64:
			c.Amounts = append(c.Amounts, int64(math.Round(x*100)))
		case float32:
			c.Amounts = append(c.Amounts, int64(math.Round(float64(x)*100)))
		case int:
			c.Amounts = append(c.Amounts, int64(x)*100)
		case int64:
			c.Amounts = append(c.Amounts, x*100)
		case string:
			if m := number.FindString(strings.TrimSpace(x)); m != "" && len(m) == len(strings.TrimSpace(x)) {
				if k, _, ok := parseKopecks(m); ok {
					c.Amounts = append(c.Amounts, k)
				}
			}
		}
	})
	return c
}

// varStrings collects the non-blank strings under a top-level variable.
func varStrings(vars map[string]any, root string) []string {
	var out []string
	walkVars(vars, root, func(v any) {
		if s, ok := v.(string); ok && strings.TrimSpace(s) != "" {
			out = append(out, s)
		}
	})
	return out
}

// walkVars calls leaf for every value under root ("debtor" → debtor.name,
// debtor.first_name, …), nested in maps or set with dotted keys.
func walkVars(vars map[string]any, root string, leaf func(any)) {
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for _, e := range x {
				walk(e)
			}
		case map[string]string:
			for _, e := range x {
				walk(e)
			}
		default:
			leaf(v)
		}
	}
	for k, v := range vars {
		if underRoot(k, root) {
			walk(v)
		}
	}
}

// Disclosure names what a text gives away ("" for nothing).
type Disclosure string

// What a text can disclose.
const (
	DisclosesDebt     Disclosure = "the debt"
	DisclosesAmount   Disclosure = "the debt amount"
	DisclosesCreditor Disclosure = "the creditor"
	DisclosesDebtor   Disclosure = "the debtor"
)

// Sensitive reports what a text tells a listener about the debt: a debt
// word, a sum of money or the call's debt amount in digits ("12 345,50",
// "12345" for 12 345,50 ₽), or the creditor's name in any case form. A
// prompt that is sensitive waits until the listener is known to be a person
// (the robot's first-phrase gate). The debtor's name is not sensitive here:
// asking for the debtor by name is how the identity check starts.
// Sensitive returns what the text discloses and the words that do ("" and ""
// for nothing).
func (c Confidential) Sensitive(text string) (Disclosure, string) {
	if w, ok := debtWord(text); ok {
		return DisclosesDebt, w
	}
	for _, a := range amounts(text) {
		if a.currency || c.isAmount(a) {
			return DisclosesAmount, text[a.start:a.end]
		}
	}
	if w, ok := nameIn(text, c.Creditors); ok {
		return DisclosesCreditor, w
	}
	return "", ""
}

// isAmount reports whether a number is one of the debt amounts: the exact
// sum, or its whole roubles written without kopecks.
func (c Confidential) isAmount(a moneyAmount) bool {
	for _, k := range c.Amounts {
		if k <= 0 {
			continue // no sum owed: a zero in the text tells nothing
		}
		if a.kopecks == k || (!a.fraction && a.kopecks == k/100*100) {
			return true
		}
	}
	return false
}

// CheckNeutralMessage checks a message left to a machine or a third party (a
// voicemail box, a voice assistant): it may say nothing of the debt, its
// amount, the creditor or the debtor, and it may hold no variables (a
// variable is a fact about the debtor). The error says what it gives away.
func (c Confidential) CheckNeutralMessage(msg string) error {
	if strings.ContainsAny(msg, "{}") {
		return fmt.Errorf("neutral message %q: variables are not allowed (nothing about the debtor may be said to a machine)", msg)
	}
	what, w := c.Sensitive(msg)
	if what == "" {
		if n, ok := nameIn(msg, c.Debtors); ok {
			what, w = DisclosesDebtor, n
		}
	}
	if what == "" {
		return nil
	}
	verb := "mentions"
	if what == DisclosesCreditor || what == DisclosesDebtor {
		verb = "names"
	}
	return fmt.Errorf("neutral message %q %s %s (%q; 230-FZ art. 6 part 5: no disclosure to third parties)", msg, verb, what, w)
}

// Mask hides the debt details of a transcript or an evidence text before it
// is logged or stored: the debtor's names in any case form become "***",
// long digit runs (phone numbers, contract numbers, amounts of four or more
// digits, grouped or not) keep only their last two digits, and the call's
// debt amount is hidden whatever its length.
func (c Confidential) Mask(text string) string {
	found := amounts(text)
	if len(found) > 0 {
		var b strings.Builder
		last := 0
		for _, a := range found {
			s := text[a.start:a.end]
			b.WriteString(text[last:a.start])
			last = a.end
			n := countDigits(s)
			switch {
			case c.isAmount(a):
				b.WriteString(maskDigits(s, 0))
			case n >= 4:
				b.WriteString(maskDigits(s, 2))
			default:
				b.WriteString(s)
			}
		}
		b.WriteString(text[last:])
		text = b.String()
	}
	stems := nameStems(c.Debtors)
	if len(stems) == 0 {
		return text
	}
	endings := caseEndings()
	return wordRun.ReplaceAllStringFunc(text, func(w string) string {
		if matchesStem(w, stems, endings) {
			return "***"
		}
		return w
	})
}

var wordRun = regexp.MustCompile(`\p{L}+`)

func countDigits(s string) int {
	n := 0
	for _, r := range s {
		if r >= '0' && r <= '9' {
			n++
		}
	}
	return n
}

// maskDigits replaces every digit of s by '*' but the last keep ones,
// leaving separators in place.
func maskDigits(s string, keep int) string {
	skip := countDigits(s) - keep
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' && skip > 0 {
			skip--
			return '*'
		}
		return r
	}, s)
}

// nameStopWords are words of a name that identify no one: legal forms of
// companies ("ООО", "ПАО", "МФК") and their spelled-out titles.
func nameStopWords() map[string]bool {
	return map[string]bool{
		"ооо": true, "оао": true, "зао": true, "пао": true, "нао": true, "ао": true, "ип": true,
		"мфк": true, "мкк": true, "мфо": true, "нко": true, "кб": true, "акб": true, "пко": true,
		"общество": true, "ограниченной": true, "ответственностью": true, "акционерное": true,
		"публичное": true, "непубличное": true, "компания": true, "группа": true,
		"микрофинансовая": true, "микрокредитная": true,
	}
}

// nameStems turns names into the stems their case forms share: every word
// of three or more letters that is not a legal form, lower case, ё as е,
// without its own ending — an adjectival one ("Достоевский" → "достоевск":
// Достоевского), a final vowel, й or ь ("Анна" → "анн": Анной; "Игорь" →
// "игор": Игоря) — plus the stem without a fleeting vowel ("Павел" → "павл":
// Павла). Hand-written rather than the Snowball stemmer the scripts use for
// intents: Snowball cuts names too deep ("Анна" → "ан"; "Иванов" → "иван")
// and does not join a fleeting vowel ("Павел" stays "павел" while "Павла" →
// "павл"); a name needs only its case endings covered.
func nameStems(names []string) []string {
	stop := nameStopWords()
	var out []string
	for _, n := range names {
		for _, w := range words(n) {
			if utf8.RuneCountInString(w) < 3 || stop[w] {
				continue
			}
			r := []rune(w)
			switch end := string(r[max(0, len(r)-2):]); {
			case len(r) > 4 && (end == "ий" || end == "ый" || end == "ой" || end == "ая" || end == "яя"):
				r = r[:len(r)-2]
			case len(r) > 3 && strings.ContainsRune("аеиоуыэюяйь", r[len(r)-1]):
				r = r[:len(r)-1]
			}
			out = append(out, string(r))
			if k := len(r); k >= 4 && strings.ContainsRune("еоё", r[k-2]) && !strings.ContainsRune("аеиоуыэюяйь", r[k-1]) {
				out = append(out, string(r[:k-2])+string(r[k-1]))
			}
		}
	}
	return out
}

// caseEndings are the Russian case endings a name takes (nouns, adjectival
// surnames, patronymics): a word is a form of a name when it is the name's
// stem plus one of them. A bare prefix would be too loose: "Спас" is a
// prefix of "спасибо", "Финанс" of "финансирование".
func caseEndings() map[string]bool {
	m := map[string]bool{}
	for _, e := range strings.Fields("а я у ю е и ы о ь й ом ем ой ей ою ею ам ям ами ями ах ях ий ый ым им ого его ому ему ых их ую юю ая яя ое ее ые ие ыми ими ов ев ью") {
		m[e] = true
	}
	m[""] = true
	return m
}

// matchesStem reports whether a word is a form of one of the stems.
func matchesStem(word string, stems []string, endings map[string]bool) bool {
	w := strings.ReplaceAll(strings.ToLower(word), "ё", "е")
	for _, st := range stems {
		if strings.HasPrefix(w, st) && endings[w[len(st):]] {
			return true
		}
	}
	return false
}

// nameIn returns the first word of text that is a form of one of the names.
func nameIn(text string, names []string) (string, bool) {
	stems := nameStems(names)
	if len(stems) == 0 {
		return "", false
	}
	endings := caseEndings()
	for _, w := range words(text) {
		if matchesStem(w, stems, endings) {
			return w, true
		}
	}
	return "", false
}
