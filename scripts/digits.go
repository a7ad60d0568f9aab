package scripts

import (
	"regexp"
	"strconv"
	"strings"
)

// A recogniser prints many numbers as digits with the marks that say what
// they are ("25-го", "к 20-му", "25.12", "в 9.00", "15-30", "2-3 дня", "5к",
// "2,5 тыс", "40 мин"); dropping the punctuation would leave bare numbers the
// parsers read as hours or money. Before punctuation goes, digitForms
// rewrites each form as the words or the plain digits the time and money
// parsers already read when the number is spoken: a day of the month as its
// ordinal ("двадцать пятого"), a date as the day and the month's name, a
// clock time as "h:mm", a range as its first number, a sum with its scale.

var (
	// "25-го", "1-ого", "3-его", "25го": a day of the month, genitive
	reDigitGen = regexp.MustCompile(`(^|[^\d:.,])(\d{1,2})\s?-?\s?(?:ого|его|го)([^\pL]|$)`)
	// "к 20-му", "до 5-ому": the dative day
	reDigitDat = regexp.MustCompile(`(^|[^\d:.,])(\d{1,2})\s?-?\s?(?:ому|ему|му)([^\pL]|$)`)
	// "25-е", "1-ое": the nominative day ("25-е число")
	reDigitNom = regexp.MustCompile(`(^|[^\d:.,])(\d{1,2})-(?:ое|е)([^\pL]|$)`)
	// "25.12", "25.12.2026", "9.00", "19.30"
	reDigitDot = regexp.MustCompile(`(^|[^\d.,:])(\d{1,2})[./](\d{1,2})(?:[./](\d{2,4}))?([^\d]|$)`)
	// "2-3 дня", "7-8 тысяч", "15-30"
	reDigitRange = regexp.MustCompile(`(^|[^\d.,:])(\d{1,5})\s?[-–]\s?(\d{1,5})([^\d]|$)`)
	// "2,5 тыс", "1.5к": a decimal before a thousands scale
	reDigitDecK = regexp.MustCompile(`(\d+)[,.](\d)\s?(?:тыс\.?|тысяч[аи]?|тыщ[иу]?|к|k|т\.?\s?р\.?)([^\pL]|$)`)
	// "5к", "10k", "3 тр", "3 т.р.", "5 тыс.": thousands
	reDigitK = regexp.MustCompile(`(\d+)(?:к|k|\s?т\.\s?р\.?|\s?тр|\s?тыс\.)([^\pL]|$)`)
	// "5000р", "5000 р.", "5000руб": rubles
	reDigitRub = regexp.MustCompile(`(\d)\s?(?:р\.?|руб\.?)([^\pL]|$)`)
	// "40 мин", "2 ч", "30 сек": units of time
	reDigitMin = regexp.MustCompile(`(\d)\s?(?:мин\.?)([^\pL]|$)`)
	reDigitHr  = regexp.MustCompile(`(\d)\s?(?:ч\.?)([^\pL]|$)`)
)

// dayWords are the ordinals 1–31 in the genitive ("пятого"), the dative
// ("пятому") and the nominative neuter ("пятое").
var dayWords = func() (gen, dat, nom map[int]string) {
	gen, dat, nom = map[int]string{}, map[int]string{}, map[int]string{}
	for k, v := range ordinalGenitive() {
		switch {
		case strings.HasSuffix(k, "его"):
			gen[v] = k
			dat[v] = strings.TrimSuffix(k, "его") + "ему"
		case strings.HasSuffix(k, "ого"):
			gen[v] = k
			dat[v] = strings.TrimSuffix(k, "ого") + "ому"
		case strings.HasSuffix(k, "е"):
			nom[v] = k
		}
	}
	return
}

var dayGen, dayDat, dayNom = dayWords()

// monthGenitive names the months as a date says them.
var monthGenitive = []string{"", "января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
	"сентября", "октября", "ноября", "декабря"}

// digitForms rewrites the digit forms of one lower-case text (see above).
func digitForms(s string) string {
	if !strings.ContainsAny(s, "0123456789") {
		return s
	}
	day := func(re *regexp.Regexp, words map[int]string) {
		s = re.ReplaceAllStringFunc(s, func(m string) string {
			g := re.FindStringSubmatch(m)
			n, _ := strconv.Atoi(g[2])
			if w, ok := words[n]; ok {
				return g[1] + w + g[3]
			}
			return m
		})
	}
	s = reDigitDecK.ReplaceAllStringFunc(s, func(m string) string {
		g := reDigitDecK.FindStringSubmatch(m)
		a, _ := strconv.Atoi(g[1])
		b, _ := strconv.Atoi(g[2])
		return strconv.Itoa(a*1000+b*100) + " рублей" + g[3]
	})
	day(reDigitGen, dayGen)
	day(reDigitDat, dayDat)
	day(reDigitNom, dayNom)
	s = reDigitDot.ReplaceAllStringFunc(s, func(m string) string {
		g := reDigitDot.FindStringSubmatch(m)
		a, _ := strconv.Atoi(g[2])
		b, _ := strconv.Atoi(g[3])
		clockLike := len(g[3]) == 2 && a <= 23 && b <= 59
		before := strings.Fields(s[:strings.Index(s, m)+len(g[1])])
		afterPrep := len(before) > 0 && (before[len(before)-1] == "в" || before[len(before)-1] == "после" || before[len(before)-1] == "около")
		switch {
		case g[4] == "" && clockLike && (b == 0 || b > 12 || afterPrep):
			return g[1] + g[2] + ":" + g[3] + g[5] // "в 9.00", "19.30", "в 10.05"
		case a >= 1 && a <= 31 && b >= 1 && b <= 12 && dayGen[a] != "":
			return g[1] + dayGen[a] + " " + monthGenitive[b] + g[5] // "25.12"
		}
		return m
	})
	s = reDigitRange.ReplaceAllStringFunc(s, func(m string) string {
		g := reDigitRange.FindStringSubmatch(m)
		a, _ := strconv.Atoi(g[2])
		b, _ := strconv.Atoi(g[3])
		before := strings.Fields(s[:strings.Index(s, m)+len(g[1])])
		if len(g[3]) == 2 && a <= 23 && b <= 59 && len(before) > 0 && before[len(before)-1] == "в" {
			return g[1] + g[2] + ":" + g[3] + g[4] // "в 15-30" is a clock time
		}
		if b > a {
			return g[1] + g[2] + g[4] // a range said is its first number
		}
		return m
	})
	s = reDigitK.ReplaceAllString(s, "$1 тысяч$2")
	s = reDigitRub.ReplaceAllString(s, "$1 рублей$2")
	s = reDigitMin.ReplaceAllString(s, "$1 минут$2")
	s = reDigitHr.ReplaceAllString(s, "$1 часа$2")
	return s
}

// notMoney drops from an utterance's tokens the numbers that are a date or a
// time, not a sum: a day's ordinal ("двадцать пятого", "к двадцатому"), a
// number before a unit of time or a date word ("40 минут", "20 числа", "в 7
// вечера") or after a preposition of time with no sum word after it ("в 7",
// "после 12", "через 40").
func notMoney(toks []string) []string {
	out := toks[:0:0]
	for i, t := range toks {
		if dayOrdinals[t] {
			if n := len(out); n > 0 && (out[n-1] == "двадцать" || out[n-1] == "тридцать") {
				out = out[:n-1]
			}
			continue
		}
		if isDigits(t) {
			next, prev := "", ""
			if i+1 < len(toks) {
				next = toks[i+1]
			}
			if i > 0 {
				prev = toks[i-1]
			}
			if timeUnits[next] || (timePreps[prev] && !strings.HasPrefix(next, "тыс") && !strings.HasPrefix(next, "руб") && !isDigits(next)) {
				continue
			}
		}
		out = append(out, t)
	}
	return out
}

// dayOrdinals are the words of a day of the month, in every case a date
// takes.
var dayOrdinals = func() map[string]bool {
	out := map[string]bool{}
	for _, m := range []map[int]string{dayGen, dayDat, dayNom} {
		for _, w := range m {
			out[w] = true
			if _, last, ok := strings.Cut(w, " "); ok {
				out[last] = true // "двадцать пятого" is two tokens
			}
		}
	}
	return out
}()

// timeUnits follow a number that counts time or names a date.
var timeUnits = map[string]bool{"минут": true, "минуты": true, "минуту": true, "час": true, "часа": true, "часов": true,
	"дня": true, "дней": true, "день": true, "недели": true, "недель": true, "неделю": true, "месяца": true,
	"месяцев": true, "утра": true, "вечера": true, "ночи": true, "числа": true, "число": true, "числу": true,
	"процентов": true, "процента": true, "года": true, "лет": true, "год": true, "января": true, "февраля": true,
	"марта": true, "апреля": true, "мая": true, "июня": true, "июля": true, "августа": true, "сентября": true,
	"октября": true, "ноября": true, "декабря": true}

// timePreps put a bare number before them in time: "в 7", "после 12".
var timePreps = map[string]bool{"в": true, "к": true, "после": true, "около": true, "через": true}
