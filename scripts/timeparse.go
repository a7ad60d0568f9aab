package scripts

import (
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/olebedev/when/rules"
	"github.com/olebedev/when/rules/ru"
)

// TimeParser resolves Russian time expressions ("завтра в десять утра",
// "в пятницу в три часа дня", "через два часа", "полшестого", "через пару
// часов", "после шести", "вечерком", "пятнадцатого") to a time in
// the location of now. It is safe for concurrent use.
//
// It runs the Russian rules of github.com/olebedev/when and adds rules that
// library lacks: ordinal dates ("первого декабря"), a bare hour after a
// preposition ("в 10", "в семь", "в пятнадцать тридцать"), half and quarter
// hours ("полшестого", "без четверти пять"). It applies the matches itself
// rather than through when.Parser because it needs to know which parts were
// given: a bare hour is read as afternoon when that is the only sensible
// reading for a call ("в три" → 15:00), an hour already past today moves to
// tomorrow, and a date already past this year moves to next year.
type TimeParser struct {
	rules []rules.Rule
	opts  *rules.Options
}

// NewTimeParser builds a parser.
func NewTimeParser() *TimeParser {
	// ru.All minus ru.Date: that rule takes the year from time.Now() instead
	// of the reference time and forces 00:00; dayMonthRule replaces it.
	o := rules.Override
	rs := []rules.Rule{ru.Weekday(o), ru.CasualDate(o), ru.CasualTime(o), ru.Hour(o), ru.HourMinute(o), ru.Deadline(o), ru.DotDateTime(o)}
	rs = append(rs, dayAfterTomorrowRule(), dayMonthRule(), bareHourRule(), halfHourRule(), quarterRule(),
		spokenDurationRule(), genitiveHourRule(), partOfDayRule(), bareOrdinalDayRule(), hourNounRule(), dativeDayRule(), dayHourRule(), spokenDaysRule(), weekPartRule(), monthPartRule())
	// "в обед" is 13:00 and "после обеда" 14:00: the Russian lunch hour, and
	// the first hour a caller who said "after lunch" expects the call.
	return &TimeParser{rules: rs, opts: &rules.Options{Morning: 9, Noon: 13, Afternoon: 14, Evening: 19, MatchByOrder: true}}
}

// TimeResult is a resolved time expression.
type TimeResult struct {
	Time    time.Time
	Text    string // the part of the utterance understood
	HasTime bool   // an hour (or "через …") was given; false: a date only, time of day taken from now
}

var (
	reMorning = regexp.MustCompile(`утр|с утра`)
	reDay     = regexp.MustCompile(`\bдня\b|днем|после обеда|в обед`)
	reEvening = regexp.MustCompile(`вечер`)
	reNight   = regexp.MustCompile(`ночи|ночью`)
	reToday   = regexp.MustCompile(`сегодня`)
	reNextDay = regexp.MustCompile(`(?:^|\s)(после)?завтра(?:\s|$)`)
	reWeekday = regexp.MustCompile(`понедельник|вторник|сред[уаы]|четверг|пятниц|суббот|воскресень`)
)

// dayWord is a word that names a day.
var dayWord = regexp.MustCompile(`(?:^|\s)(?:сегодня|завтра|послезавтра|понедельник|вторник|сред|четверг|пятниц|суббот|воскресень|выходн|числа)`)

// maskNonTimes drops the words the library's rules read as a time where a
// caller does not mean one: "сейчас" ("now", also "сейчас занят") when a day
// is named too, so "сейчас не могу, завтра вечером" is tomorrow; and a bare
// "обед" not after a preposition or a day ("запарка, обед, люди кругом"),
// while "в обед", "после обеда", "завтра обед" stay times.
func maskNonTimes(norm string) string {
	// "после обед": the genitive a caller dropped
	norm = strings.ReplaceAll(" "+norm+" ", " после обед ", " после обеда ")
	norm = strings.TrimSpace(norm)
	toks := strings.Fields(norm)
	day := dayWord.MatchString(norm)
	changed := false
	for i, t := range toks {
		switch {
		case t == "сейчас" && day:
		case (t == "обед" || t == "обеда") && (i == 0 || !lunchBefore[toks[i-1]] && !dayWord.MatchString(toks[i-1])):
		case (t == "вечер" || t == "утро" || t == "день") && i > 0 && strings.HasPrefix(toks[i-1], "добр"):
			// "добрый вечер", "доброе утро": a greeting, not a time
		case i+1 < len(toks) && ratioWords[toks[i+1]]:
			// "в два раза меньше", "на тридцать процентов": a ratio, not an hour
		case (t == "до" || t == "по") && i+1 < len(toks) && i >= 2 && toks[i-2] == "с" && rangeHour(toks[i-1]) && rangeHour(toks[i+1]):
			// "с десяти до двенадцати": a window is called at its start
			toks[i+1] = "-"
			toks[i-2] = "к" // "к десяти": the form the rules read
			if isDigits(toks[i-1]) {
				toks[i-2] = "в" // "в 14"
			}
		default:
			continue
		}
		toks[i] = "-"
		changed = true
	}
	if !changed {
		return norm
	}
	return strings.Join(toks, " ")
}

// rangeHour reports an hour as a window's bound is said: "десяти", "10".
func rangeHour(w string) bool {
	if _, ok := genitiveHours()[w]; ok {
		return true
	}
	return isDigits(w) && len(w) <= 2
}

// ratioWords after a number make it a ratio or a share.
var ratioWords = map[string]bool{"раза": true, "раз": true, "процентов": true, "процента": true, "процент": true}

// lunchBefore are the words that make "обед" a time: "в обед", "после обеда".
var lunchBefore = map[string]bool{"в": true, "к": true, "до": true, "после": true, "на": true, "перед": true,
	"с": true, "около": true, "ближе": true, "через": true, "районе": true}

// Parse finds a time expression in text relative to now. ok is false when the
// text holds none ("я сейчас занят" is not a time).
func (p *TimeParser) Parse(text string, now time.Time) (TimeResult, bool) {
	norm := maskNonTimes(Normalize(text))
	var matches []*rules.Match
	for i, r := range p.rules {
		if m := r.Find(norm); m != nil {
			m.Order = float64(i)
			matches = append(matches, m)
		}
	}
	if len(matches) == 0 {
		return TimeResult{}, false
	}
	// spokenDaysRule and weekPartRule read better than the rules before them;
	// monthPartRule, last, runs after every rule so it can yield to an exact
	// day or span said beside it
	matches = dropOverlapping(matches, float64(len(p.rules)-3))
	sort.SliceStable(matches, func(i, j int) bool { return matches[i].Order < matches[j].Order })
	c := &rules.Context{Text: norm}
	left, right := len(norm), 0
	for _, m := range matches {
		ok, err := m.Apply(c, p.opts, now)
		if err != nil || !ok {
			continue
		}
		left, right = min(left, m.Left), max(right, m.Right)
	}
	hasDate := c.Duration >= 24*time.Hour || c.Day != nil || c.Month != nil || c.Weekday != nil || c.Year != nil
	relative := c.Duration != 0 && c.Duration < 24*time.Hour
	hasHour := c.Hour != nil
	if !hasDate && !hasHour && !relative {
		return TimeResult{}, false
	}
	if hasHour {
		h := *c.Hour
		switch {
		case reMorning.MatchString(norm):
		case reNight.MatchString(norm):
			if h == 12 {
				h = 0
			}
		case reDay.MatchString(norm) || reEvening.MatchString(norm):
			if h < 12 {
				h += 12
			}
		case h >= 1 && h <= 7:
			h += 12 // "в три" is 15:00 for a call; 230-FZ allows no calls at 3 a.m.
		}
		c.Hour = &h
		if c.Minute == nil {
			zero := 0
			c.Minute = &zero
		}
	}
	if m := reNextDay.FindStringSubmatch(norm); m != nil && reWeekday.MatchString(norm) {
		// "завтра, в пятницу" said on a Thursday: tomorrow and the weekday
		// name one day (the weekday settles it); their days do not add up
		// to Saturday
		d := 24 * time.Hour
		if m[1] != "" {
			d = 48 * time.Hour
		}
		if c.Duration > d {
			c.Duration -= d
		}
	}
	t, err := c.Time(now)
	if err != nil {
		return TimeResult{}, false
	}
	t = time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), 0, 0, now.Location())
	// a day of the month already gone is next month's (next year's with a
	// month): "пятнадцатого" said on the 16th at any hour
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, now.Location())
	if c.Day != nil && c.Month != nil && t.Before(today) {
		t = t.AddDate(1, 0, 0)
	}
	if c.Day != nil && c.Month == nil && t.Before(today) {
		t = t.AddDate(0, 1, 0)
	}
	if hasHour && !hasDate && !relative && !t.After(now) {
		switch {
		case reToday.MatchString(norm) && t.Hour() < 12 && !reMorning.MatchString(norm):
			t = t.Add(12 * time.Hour) // "сегодня в 10" said at 11:00 is 22:00
		case !reMorning.MatchString(norm) && t.Hour() < 12 && t.Hour()+12 <= latestEveningHour && t.Add(12*time.Hour).After(now):
			t = t.Add(12 * time.Hour) // "в восемь", "после восьми" said at 11:25 is 20:00 today
		case !reToday.MatchString(norm):
			t = t.AddDate(0, 0, 1) // "в 10" said at 11:00 is tomorrow
		}
	}
	if t.Before(now.Add(-time.Minute)) {
		return TimeResult{}, false // "вчера", "сегодня утром" at noon: not a time to call back
	}
	if t.After(now.AddDate(1, 0, 1)) {
		return TimeResult{}, false // "через 100 лет" (FuzzTimeParse): not a time to call back either
	}
	if left > right {
		left, right = 0, len(norm)
	}
	return TimeResult{Time: t, Text: strings.TrimSpace(norm[left:right]), HasTime: hasHour || relative}, true
}

// latestEveningHour is the latest hour a bare hour already past today is
// read as the evening of ("в девять" at noon is 21:00; "в десять" is 10:00
// tomorrow: 22:00 is past the hours 230-FZ allows a call).
const latestEveningHour = 21

// hourWords are cardinal hours as said in Russian, nominative.
func hourWords() map[string]int {
	return map[string]int{"час": 1, "один": 1, "два": 2, "три": 3, "четыре": 4, "пять": 5, "шесть": 6,
		"семь": 7, "восемь": 8, "девять": 9, "десять": 10, "одиннадцать": 11, "двенадцать": 12,
		"тринадцать": 13, "четырнадцать": 14, "пятнадцать": 15, "шестнадцать": 16, "семнадцать": 17,
		"восемнадцать": 18, "девятнадцать": 19, "двадцать": 20, "двадцать один": 21, "двадцать два": 22,
		"двадцать три": 23, "полдень": 12}
}

// minuteWords are the minutes said after an hour ("в десять тридцать").
func minuteWords() map[string]int {
	return map[string]int{"ноль ноль": 0, "пятнадцать": 15, "тридцать": 30, "сорок пять": 45,
		"десять": 10, "двадцать": 20, "сорок": 40, "пятьдесят": 50}
}

// ordinalGenitive maps "первого" … "тридцать первого" (and "-ое" forms) to numbers.
func ordinalGenitive() map[string]int {
	base := []string{"перв", "втор", "трет", "четверт", "пят", "шест", "седьм", "восьм", "девят", "десят",
		"одиннадцат", "двенадцат", "тринадцат", "четырнадцат", "пятнадцат", "шестнадцат", "семнадцат",
		"восемнадцат", "девятнадцат", "двадцат"}
	out := map[string]int{}
	add := func(stem string, n int) {
		if stem == "трет" {
			out["третьего"], out["третье"] = n, n
			return
		}
		out[stem+"ого"], out[stem+"ое"] = n, n
	}
	for i, b := range base {
		add(b, i+1)
	}
	for i, b := range base[:9] {
		if b == "трет" {
			out["двадцать третьего"], out["двадцать третье"] = 23, 23
			continue
		}
		out["двадцать "+b+"ого"], out["двадцать "+b+"ое"] = 21+i, 21+i
	}
	out["тридцатого"], out["тридцатое"] = 30, 30
	out["тридцать первого"], out["тридцать первое"] = 31, 31
	return out
}

func alternation(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, regexp.QuoteMeta(k))
	}
	// longest first so "двадцать первого" wins over "двадцать"
	sort.Slice(keys, func(i, j int) bool {
		if len(keys[i]) != len(keys[j]) {
			return len(keys[i]) > len(keys[j])
		}
		return keys[i] < keys[j]
	})
	return "(?:" + strings.Join(keys, "|") + ")"
}

func lookupNum(m map[string]int, s string) (int, bool) {
	if n, ok := m[s]; ok {
		return n, true
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}

func months() map[string]int {
	out := map[string]int{}
	for k, v := range ru.MONTHS {
		out[k] = int(v)
	}
	return out
}

// cardinalDays are the days of the month said as cardinals, as a caller for
// whom Russian is a second language says them ("пятнадцать число").
func cardinalDays() map[string]int {
	out := map[string]int{}
	for k, v := range hourWords() {
		if k != "час" && k != "полдень" {
			out[k] = v
		}
	}
	for i, u := range []string{"четыре", "пять", "шесть", "семь", "восемь", "девять"} {
		out["двадцать "+u] = 24 + i
	}
	out["тридцать"], out["тридцать один"] = 30, 31
	return out
}

// dayMonthRule: "первого декабря", "1 декабря", "1-го декабря", "пятого числа",
// "пятнадцать число".
func dayMonthRule() rules.Rule {
	ords := ordinalGenitive()
	for k, v := range cardinalDays() {
		ords[k] = v
	}
	ms := months()
	re := regexp.MustCompile(`(?:^|\s)(` + alternation(ords) + `|\d{1,2})(?:-?го|-?е)?\s+(` + alternation(ms) + `|числа|число)(?:\s|$)`)
	return &rules.F{RegExp: re, Applier: func(m *rules.Match, c *rules.Context, _ *rules.Options, _ time.Time) (bool, error) {
		d, ok := lookupNum(ords, m.Captures[0])
		if !ok || d < 1 || d > 31 {
			return false, nil
		}
		c.Day = &d
		if mon, ok := ms[m.Captures[1]]; ok {
			c.Month = &mon
		}
		c.Duration = 0
		return true, nil
	}}
}

// bareHourRule: "в 10", "в семь", "к девяти" is not covered, "в десять тридцать", "в 10 30", "часов в пять".
func bareHourRule() rules.Rule {
	hw, mw := hourWords(), minuteWords()
	re := regexp.MustCompile(`(?:^|\s)(?:в|к|на|около|часов в|часа в|после)\s+(` + alternation(hw) + `|\d{1,2})(?:\s+(` +
		alternation(mw) + `|\d{2}))?(?:\s+час(?:а|ов)?)?(?:\s|$)`)
	return &rules.F{RegExp: re, Applier: func(m *rules.Match, c *rules.Context, _ *rules.Options, _ time.Time) (bool, error) {
		h, min, ok := clockTime(hw, mw, m.Captures[0], m.Captures[1])
		if !ok {
			return false, nil
		}
		c.Hour, c.Minute = &h, &min
		return true, nil
	}}
}

// clockTime reads an hour and an optional minute captured as words or
// digits; an hour past 23 is no time (a minute past 59 is dropped).
func clockTime(hw, mw map[string]int, hour, minute string) (h, min int, ok bool) {
	h, ok = lookupNum(hw, hour)
	if !ok || h > 23 {
		return 0, 0, false
	}
	if minute != "" {
		if n, ok := lookupNum(mw, minute); ok && n < 60 {
			min = n
		}
	}
	return h, min, true
}

// hourNounRule: an hour said with "часов" and no preposition, as a caller
// in a hurry or for whom Russian is a second language says it ("завтра
// десять часов", "вечером семь часов"); "через два часа", "на два часа",
// "два часа назад" are durations, not this.
func hourNounRule() rules.Rule {
	hw := hourWords()
	re := regexp.MustCompile(`(?:^|\s)(` + alternation(hw) + `|\d{1,2})\s+час(?:а|ов)?(?:\s|$)`)
	return &rules.F{RegExp: re, Applier: func(m *rules.Match, c *rules.Context, _ *rules.Options, _ time.Time) (bool, error) {
		if c.Hour != nil || c.Duration > 0 && c.Duration < 24*time.Hour {
			return false, nil // an hour or a span said already
		}
		before := strings.Fields(c.Text[:max(0, min(m.Left, len(c.Text)))])
		if n := len(before); n > 0 && durationBefore[before[n-1]] {
			return false, nil
		}
		if strings.Contains(c.Text[min(m.Right, len(c.Text)):], "назад") {
			return false, nil
		}
		h, ok := lookupNum(hw, m.Captures[0])
		if !ok || h > 23 {
			return false, nil
		}
		zero := 0
		c.Hour, c.Minute = &h, &zero
		return true, nil
	}}
}

// dayHourRule: a day or a part of the day followed at once by an hour,
// with no preposition, as a caller in a hurry or for whom Russian is a
// second language says it ("завтра десять", "вечером семь", "пятница
// девять тридцать"); "завтра пять тысяч" is money, not this.
func dayHourRule() rules.Rule {
	hw, mw := hourWords(), minuteWords()
	re := regexp.MustCompile(`(?:^|\s)(?:сегодня|завтра|послезавтра|понедельник|вторник|среда|среду|четверг|пятница|пятницу|` +
		`суббота|субботу|воскресенье|утром|утро|вечером|вечер|днем)\s+(` + alternation(hw) + `|\d{1,2})(?:\s+(` +
		alternation(mw) + `|\d{2}))?(?:\s|$)`)
	return &rules.F{RegExp: re, Applier: func(m *rules.Match, c *rules.Context, _ *rules.Options, _ time.Time) (bool, error) {
		if c.Hour != nil {
			return false, nil
		}
		if after := strings.Fields(c.Text[min(m.Right, len(c.Text)):]); len(after) > 0 && moneyWord(after[0]) {
			return false, nil
		}
		h, min, ok := clockTime(hw, mw, m.Captures[0], m.Captures[1])
		if !ok {
			return false, nil
		}
		c.Hour, c.Minute = &h, &min
		return true, nil
	}}
}

// moneyWord: a word that makes the number before it money.
func moneyWord(w string) bool {
	for _, p := range []string{"тыс", "тыщ", "руб", "штук", "косар", "сот", "милл"} {
		if strings.HasPrefix(w, p) {
			return true
		}
	}
	return false
}

// durationBefore make "два часа" a span of time: "через два часа", "на два
// часа", "за два часа", "минут и два часа".
var durationBefore = map[string]bool{"через": true, "на": true, "за": true, "около": true, "в": true, "часа": true,
	"часов": true, "уже": true, "целых": true, "где-то": true}

// halfHourRule: "полшестого", "пол шестого", "половина шестого" = 5:30.
func halfHourRule() rules.Rule {
	ords := ordinalGenitive()
	re := regexp.MustCompile(`(?:^|\s)(?:в\s+)?(?:пол-?\s?|половин[аеуы]\s+)(` + alternation(ords) + `)(?:\s|$)`)
	return &rules.F{RegExp: re, Applier: func(m *rules.Match, c *rules.Context, _ *rules.Options, _ time.Time) (bool, error) {
		n, ok := ords[m.Captures[0]]
		if !ok || n > 12 {
			return false, nil
		}
		h, half := (n+11)%12, 30
		c.Hour, c.Minute = &h, &half
		return true, nil
	}}
}

// quarterRule: "без четверти пять" = 4:45, "без пятнадцати пять", "четверть шестого" = 5:15.
func quarterRule() rules.Rule {
	hw, ords := hourWords(), ordinalGenitive()
	before := map[string]int{"четверти": 15, "пятнадцати": 15, "десяти": 10, "пяти": 5, "двадцати": 20}
	re := regexp.MustCompile(`(?:^|\s)(?:(?:в\s+)?без\s+(` + alternation(before) + `)\s+(` + alternation(hw) + `|\d{1,2})|четверть\s+(` + alternation(ords) + `))(?:\s|$)`)
	return &rules.F{RegExp: re, Applier: func(m *rules.Match, c *rules.Context, _ *rules.Options, _ time.Time) (bool, error) {
		var h, mins int
		if m.Captures[2] != "" {
			n := ords[m.Captures[2]]
			if n == 0 || n > 12 {
				return false, nil
			}
			h, mins = (n+11)%12, 15
		} else {
			n, ok := lookupNum(hw, m.Captures[1])
			if !ok || n > 23 {
				return false, nil
			}
			h, mins = (n+23)%24, 60-before[m.Captures[0]]
		}
		c.Hour, c.Minute = &h, &mins
		return true, nil
	}}
}

// dayAfterTomorrowRule: "послезавтра" (the when ru rules know only "завтра").
func dayAfterTomorrowRule() rules.Rule {
	return &rules.F{RegExp: regexp.MustCompile(`(?:^|\s)(послезавтра)(?:\s|$)`),
		Applier: func(_ *rules.Match, c *rules.Context, _ *rules.Options, _ time.Time) (bool, error) {
			c.Duration = 48 * time.Hour
			return true, nil
		}}
}
