package scripts

import (
	"maps"
	"regexp"
	"strconv"
	"strings"
)

// ParseMoney finds an amount of money in a Russian utterance and returns it in
// kopecks: "пять тысяч" → 500000, "5 000 рублей" → 500000, "полторы тысячи",
// "десять тысяч пятьсот", "3500", "двенадцать тысяч рублей пятьдесят копеек".
// "всю сумму" / "полностью" / "весь долг" return full (the debt) when full > 0.
//
// Hand-written: no maintained Go module parses Russian number words.
// More than maxMoneyRub is not an amount anyone promises: it is not found.
func ParseMoney(text string, full int64) (int64, bool) {
	// "Семь тысяч. Семь тысяч завтра": an amount said again in a sentence
	// of its own is the same amount restated, not added; the first
	// sentence with an amount says it. "Читаю: семь, пятьсот. Семь тысяч
	// пятьсот": digits read off a paper in groups come before the amount
	// said whole, so a sentence that names its unit (thousands, roubles)
	// is preferred to bare numbers
	if ss := sentenceEnds.Split(text, -1); len(ss) > 1 {
		for _, s := range ss {
			if !namesUnit(s) {
				continue
			}
			if v, ok := parseMoney(s, full); ok {
				return v, true
			}
		}
		for _, s := range ss {
			if v, ok := parseMoney(s, full); ok {
				return v, true
			}
		}
		return 0, false
	}
	return parseMoney(text, full)
}

// namesUnit reports a sentence that names a money unit or scale: "семь
// тысяч", "пятьсот рублей", "три косаря".
func namesUnit(s string) bool {
	for _, t := range Tokens(s) {
		for _, p := range []string{"тыс", "тыщ", "руб", "косар", "штук", "миллион"} {
			if strings.HasPrefix(t, p) {
				return true
			}
		}
	}
	return false
}

// sentenceEnds ends a sentence: the stop marks with a space or the end after
// them ("1.5 тысячи" is one number).
var sentenceEnds = regexp.MustCompile(`[.!?…]+(\s+|$)`)

func parseMoney(text string, full int64) (int64, bool) {
	toks := notMoney(Tokens(text))
	for i, t := range toks {
		// "две-три тысячи": a range said is its first number
		if a, _, ok := strings.Cut(t, "-"); ok && a != "" {
			if _, num := numberWords[a]; num {
				toks[i] = a
			}
		}
	}
	if full > 0 {
		joined := " " + strings.Join(toks, " ") + " "
		for _, k := range []string{" всю сумму ", " полностью ", " весь долг ", " целиком ", " все сразу ", " всю задолженность ",
			" все отдам ", " все заплачу ", " все оплачу ", " все верну ", " все погашу ", " все внесу ", " отдам все ",
			" заплачу все ", " оплачу все ", " верну все ", " погашу все ", " внесу все ", " фулл сумму ", " всю сумму целиком ", " в полном объеме ",
			// "всё до копейки отдам", "верну до последней копейки": to the last kopeck is the whole
			" до копейки ", " до последней копейки "} {
			if strings.Contains(joined, k) && !strings.Contains(joined, " не"+k) {
				return full, true // not "не всю сумму, а половину"
			}
		}
		if allWithPayVerb(toks) || bareAll(toks) {
			return full, true
		}
	}
	units := map[string]int64{"ноль": 0, "один": 1, "одна": 1, "одну": 1, "два": 2, "две": 2, "три": 3, "четыре": 4,
		"пять": 5, "шесть": 6, "семь": 7, "восемь": 8, "девять": 9, "десять": 10, "одиннадцать": 11,
		"двенадцать": 12, "тринадцать": 13, "четырнадцать": 14, "пятнадцать": 15, "шестнадцать": 16,
		"семнадцать": 17, "восемнадцать": 18, "девятнадцать": 19, "двадцать": 20, "тридцать": 30,
		"сорок": 40, "пятьдесят": 50, "шестьдесят": 60, "семьдесят": 70, "восемьдесят": 80, "девяносто": 90,
		"сто": 100, "двести": 200, "триста": 300, "четыреста": 400, "пятьсот": 500, "шестьсот": 600,
		"семьсот": 700, "восемьсот": 800, "девятьсот": 900}
	// "в размере десяти тысяч", "не больше пятисот": the oblique cases read
	// as the nominative
	maps.Copy(units, obliqueNumbers)
	scales := map[string]int64{"тысяча": 1000, "тысячи": 1000, "тысяч": 1000, "тысячу": 1000, "тыс": 1000,
		"тыща": 1000, "тыщи": 1000, "тыщ": 1000, "тыщу": 1000, "штука": 1000, "штуки": 1000, "штук": 1000,
		"косарь": 1000, "косаря": 1000, "косарей": 1000,
		"миллион": 1000000, "миллиона": 1000000, "миллионов": 1000000,
		"тысячам": 1000, "тысячами": 1000, "тысячах": 1000, "тысячей": 1000}
	// a plural scale before its count is the spoken "about": "тыщи три" = 3000
	inverted := map[string]bool{"тысячи": true, "тысяч": true, "тыщи": true, "тыщ": true, "штуки": true, "штук": true,
		"косаря": true, "косарей": true}
	var total, group int64 // rubles; group is the number being built before a scale word
	counted := int64(-1)   // the count the last scale word multiplied
	var kop int64
	seen, inKop, half := false, false, false
	flush := func() { total += group; group = 0 }
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		switch {
		case t == "полторы" || t == "полтора":
			if i+1 < len(toks) {
				if sc, ok := scales[toks[i+1]]; ok {
					total += sc + sc/2
					group = 0
					i++
					seen = true
					continue
				}
			}
			group, seen = 1, true
		case isDigits(t):
			n, err := strconv.ParseInt(t, 10, 64)
			if err != nil || n > maxMoneyRub {
				return 0, false
			}
			// "5 000" arrives as two tokens: join groups of three digits
			for i+1 < len(toks) && len(toks[i+1]) == 3 && isDigits(toks[i+1]) {
				m, _ := strconv.ParseInt(toks[i+1], 10, 64)
				n = n*1000 + m
				i++
				if n > maxMoneyRub {
					return 0, false
				}
			}
			group += n
			seen = true
		case slangAmounts[t] > 0 && group == 0:
			// "пятёрку закину", "двадцатку найду": the sum as one noun
			total += slangAmounts[t]
			seen = true
		default:
			if n, ok := units[t]; ok {
				group += n
				seen = true
			} else if sc, ok := scales[t]; ok {
				if group == 0 && inverted[t] && i+1 < len(toks) {
					if n, ok := units[toks[i+1]]; ok && n > 1 && n < 1000 {
						group = n
						i++
					}
				}
				if group == 0 {
					group = 1
				}
				if half {
					total += sc / 2 // "две с половиной тысячи"
					half = false
				}
				total += group * sc
				counted = group
				group = 0
				seen = true
			} else if strings.HasPrefix(t, "коп") && seen {
				kop = group
				group = 0
				inKop = true
			} else if strings.HasPrefix(t, "руб") {
				flush()
			} else if t == "с" && seen && group > 0 && i+2 < len(toks) && toks[i+1] == "половиной" {
				if _, ok := scales[toks[i+2]]; ok {
					half = true
					i++
				}
			} else if total > 0 && group == 0 && !inKop && !moneyGlue[t] {
				// "тысяч пять, может шесть": the first amount said is the one
				i = len(toks)
			} else if t == "к" && seen && group > 0 && !inKop {
				// "10к" is said "десять к"
				total += group * 1000
				group = 0
			}
		}
		if total > maxMoneyRub || group > maxMoneyRub {
			return 0, false
		}
	}
	if !seen {
		if full > 0 && halfOfDebt(toks) {
			return full / 2, true // "половину завтра, половину через месяц"
		}
		return 0, false
	}
	if group == counted && !inKop {
		// "пять тысяч, пять", "три тысячи… три": the count said again after
		// its amount, with no "рублей" to make it part of the sum, restates
		// the amount on a line that drops out (not 5005)
		group = 0
	}
	flush()
	if kop >= 100 {
		kop = 0
	}
	return total*100 + kop, total > 0 || kop > 0
}

// payVerbs open the verbs of paying a debt off, in any person and aspect
// ("закрою", "отдадим", "закинул", "погашу").
var payVerbs = []string{"отда", "заплат", "оплат", "плач", "плат", "верну", "верне", "погас", "погаш", "внес", "внош", "закро", "закрыт",
	"перевед", "перечисл", "скин", "закин", "рассчита", "выплач", "выплат", "кида", "кину", "кинет"}

// allWithPayVerb reports "всё" beside a verb of paying, a word or two apart
// ("всё закрою", "закину всё", "всё и отдам"): the whole debt.
func allWithPayVerb(toks []string) bool {
	for i, t := range toks {
		if t != "все" && t != "всю" && t != "весь" || i+1 < len(toks) && toks[i+1] == "равно" {
			continue // not "всё равно не заплачу"
		}
		if t != "все" && i+1 < len(toks) && !isPayVerb(toks[i+1]) && !moneyGlue[toks[i+1]] && toks[i+1] != "сразу" {
			continue // "всю жизнь плачу": "всю" of another noun
		}
		for j := max(0, i-2); j <= min(len(toks)-1, i+2); j++ {
			if j != i && isPayVerb(toks[j]) {
				return true
			}
		}
	}
	return false
}

// isPayVerb reports a verb of paying by its opening.
func isPayVerb(w string) bool {
	for _, v := range payVerbs {
		if strings.HasPrefix(w, v) {
			return true
		}
	}
	return false
}

// bareAll: "всю" or "весь" as the whole answer to "how much" ("Всю", "ну
// всю сразу"), the sum or the debt left unsaid.
func bareAll(toks []string) bool {
	for i, t := range toks {
		if t != "всю" && t != "весь" {
			continue
		}
		if i+1 == len(toks) || toks[i+1] == "сразу" || toks[i+1] == "целиком" {
			return true
		}
	}
	return false
}

// moneyGlue are the words that may sit inside one spoken amount.
var moneyGlue = map[string]bool{"и": true, "с": true, "половиной": true, "к": true}

// maxMoneyRub bounds an amount (a trillion roubles), so that no sequence of
// number words can overflow int64 kopecks (FuzzParseMoney found
// "99999999999999999999" read as −100 kopecks).
const maxMoneyRub = 1_000_000_000_000

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// numberWords are the cardinal words a range of amounts opens with.
var numberWords = map[string]bool{"один": true, "одна": true, "две": true, "два": true, "три": true, "четыре": true,
	"пять": true, "шесть": true, "семь": true, "восемь": true, "девять": true, "десять": true}

// slangAmounts are the everyday nouns of a sum in roubles: a "пятёрка" is
// five thousand, a "полтинник" fifty, a "косарь" (a scale word) one.
var slangAmounts = func() map[string]int64 {
	m := map[string]int64{}
	for stem, v := range map[string]int64{"пятерк": 5000, "пятер": 5000, "десятк": 10000, "двадцатк": 20000,
		"трешк": 3000, "трешечк": 3000, "полторашк": 1500, "тыщонк": 1000} {
		for _, e := range []string{"а", "у", "и", "ой"} {
			m[stem+e] = v
		}
	}
	for _, w := range []string{"полтинник", "полтинника", "полтос", "полтишок"} {
		m[w] = 50000
	}
	delete(m, "пятери") // not a word; "пятеро" is people
	return m
}()

// halfOfDebt: "половину" (of the sum, of the debt) with no number said: half
// the debt. "половина пятого" is a clock time, its number word after it.
func halfOfDebt(toks []string) bool {
	for i, t := range toks {
		if t != "половину" && t != "половина" {
			continue
		}
		if i+1 < len(toks) && (strings.HasSuffix(toks[i+1], "ого") || strings.HasSuffix(toks[i+1], "его")) {
			continue
		}
		return true
	}
	return false
}

// obliqueNumbers are the genitive, dative, instrumental and prepositional
// forms of the number words ("десяти", "двумя", "пятистах").
var obliqueNumbers = func() map[string]int64 {
	m := map[string]int64{"одного": 1, "одной": 1, "одному": 1, "одним": 1, "одном": 1,
		"двух": 2, "двум": 2, "двумя": 2, "трех": 3, "трем": 3, "тремя": 3,
		"четырех": 4, "четырем": 4, "четырьмя": 4, "сорока": 40, "девяноста": 90, "ста": 100}
	for w, v := range map[string]int64{"пят": 5, "шест": 6, "сем": 7, "восьм": 8, "девят": 9, "десят": 10,
		"одиннадцат": 11, "двенадцат": 12, "тринадцат": 13, "четырнадцат": 14, "пятнадцат": 15,
		"шестнадцат": 16, "семнадцат": 17, "восемнадцат": 18, "девятнадцат": 19, "двадцат": 20, "тридцат": 30} {
		m[w+"и"], m[w+"ью"] = v, v // "пяти", "пятью"
	}
	for w, v := range map[string]int64{"пяти": 50, "шести": 60, "семи": 70, "восьми": 80} {
		m[w+"десяти"], m[w+"юдесятью"] = v, v // "пятидесяти", "пятьюдесятью"
	}
	for w, v := range map[string]int64{"двух": 200, "трех": 300, "четырех": 400, "пяти": 500, "шести": 600,
		"семи": 700, "восьми": 800, "девяти": 900} {
		m[w+"сот"], m[w+"стам"], m[w+"стах"] = v, v, v // "пятисот", "пятистам", "пятистах"
	}
	return m
}()
