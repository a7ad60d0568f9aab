package scripts

import (
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/olebedev/when/rules"
)

// The rules of this file cover spoken time the olebedev/when Russian rules
// miss, each found in callers' answers: spoken durations ("через пару часов",
// "минут через двадцать", "через часик"), an hour in the genitive after a
// preposition ("после шести", "к восьми"), colloquial parts of the day
// ("вечерком", "днём") and a bare ordinal day ("пятнадцатого").

// durationNumbers are the counts said before or after a unit.
func durationNumbers() map[string]float64 {
	return map[string]float64{"один": 1, "одну": 1, "два": 2, "две": 2, "пару": 2, "пара": 2, "пару тройку": 2,
		"три": 3, "четыре": 4, "пять": 5, "шесть": 6, "семь": 7, "восемь": 8, "девять": 9, "десять": 10,
		"пятнадцать": 15, "двадцать": 20, "двадцать пять": 25, "тридцать": 30, "сорок": 40, "сорок пять": 45,
		"пятьдесят": 50, "полтора": 1.5, "полторы": 1.5, "несколько": 3}
}

const (
	reMinuteUnit = `минут[уыкаи]?|минуток|минутку|минутки`
	reHourUnit   = `час(?:а|ов|ик|ика|иков|ок|очек|очка)?`
	reHalfHour   = `пол\s?часа|пол\s?часика|полчасика|полчаса`
)

// spokenDurationRule: "через пару часов", "через часик", "через полчасика",
// "минут через двадцать", "часа через два", "через минут десять".
func spokenDurationRule() rules.Rule {
	nums := durationNumbers()
	keys := map[string]int{}
	for k := range nums {
		keys[k] = 0
	}
	num := alternation(keys) + `|\d{1,3}`
	unit := `(` + reHalfHour + `|` + reMinuteUnit + `|` + reHourUnit + `)`
	re := regexp.MustCompile(`(?:^|\s)(?:через\s+(?:(` + num + `)\s+)?` + unit + `(?:\s+(` + num + `))?|` + unit + `\s+через\s+(` + num + `))(?:\s|$)`)
	return &rules.F{RegExp: re, Applier: func(m *rules.Match, c *rules.Context, _ *rules.Options, _ time.Time) (bool, error) {
		// captures: 0 count before the unit, 1 unit, 2 count after ("через минут десять"),
		// 3 unit first ("минут через двадцать"), 4 its count
		u, n := m.Captures[1], m.Captures[0]
		if n == "" {
			n = m.Captures[2]
		}
		if m.Captures[3] != "" {
			u, n = m.Captures[3], m.Captures[4]
		}
		count := 1.0
		if n != "" {
			if v, ok := nums[n]; ok {
				count = v
			} else if v, err := strconv.Atoi(n); err == nil {
				count = float64(v)
			}
		}
		var d time.Duration
		switch {
		case strings.HasPrefix(u, "пол"):
			d = 30 * time.Minute
		case strings.HasPrefix(u, "мин"):
			d = time.Duration(count * float64(time.Minute))
		default:
			d = time.Duration(count * float64(time.Hour))
		}
		if d <= 0 || d >= 24*time.Hour {
			return false, nil
		}
		c.Duration = d
		return true, nil
	}}
}

// genitiveHours are hours as said after "после", "до", "к", "около".
func genitiveHours() map[string]int {
	return map[string]int{"часу": 1, "двух": 2, "трех": 3, "четырех": 4, "пяти": 5, "шести": 6, "семи": 7,
		"восьми": 8, "девяти": 9, "десяти": 10, "одиннадцати": 11, "двенадцати": 12}
}

// genitiveHourRule: "после шести", "к восьми", "около трёх", "часам к пяти",
// "ближе к семи", "в районе трёх". The afternoon reading of 1–7 is Parse's.
func genitiveHourRule() rules.Rule {
	gh := genitiveHours()
	re := regexp.MustCompile(`(?:^|\s)(?:после|до|к|около|в районе|часам к|часов до|не раньше|не позже|не позднее)\s+(` + alternation(gh) + `)(?:\s+час(?:а|ов|ам)?)?(?:\s|$)`)
	return &rules.F{RegExp: re, Applier: func(m *rules.Match, c *rules.Context, _ *rules.Options, _ time.Time) (bool, error) {
		h, ok := gh[m.Captures[0]]
		if !ok {
			return false, nil
		}
		zero := 0
		c.Hour, c.Minute = &h, &zero
		return true, nil
	}}
}

// partOfDayRule: the colloquial parts of the day the when rules miss
// ("вечерком", "утречком", "днём", "в обед"), when no hour was given.
func partOfDayRule() rules.Rule {
	hours := map[string]int{"вечерком": 19, "под вечер": 19, "утречком": 9, "с утречка": 9, "днем": 13,
		// the nominative a caller in a hurry leaves ("завтра утро звони"); "добрый вечер" is masked
		"утро": 9, "вечер": 19,
		"в обед": 13, "к обеду": 13, "на обеде": 14, "в обеденный перерыв": 13, "в перерыв": 13,
		// an approximate lunch hour is still the lunch hour
		"около обеда": 13, "в районе обеда": 13, "ближе к обеду": 13,
		// the end of a working day and the halves of it, as callers name them
		"после работы": 19, "с работы": 19, "в первой половине дня": 10, "во второй половине дня": 15}
	re := regexp.MustCompile(`(?:^|\s)(` + alternation(hours) + `)(?:\s|$)`)
	return &rules.F{RegExp: re, Applier: func(m *rules.Match, c *rules.Context, _ *rules.Options, _ time.Time) (bool, error) {
		if c.Hour != nil {
			return false, nil // "днём в три": the hour said wins
		}
		h, zero := hours[m.Captures[0]], 0
		c.Hour, c.Minute = &h, &zero
		return true, nil
	}}
}

// bareOrdinalDayRule: "пятнадцатого" (of this or next month) when no month
// follows; not the hour of "полшестого", "половина шестого", "четверть шестого".
func bareOrdinalDayRule() rules.Rule {
	days := map[string]int{}
	for k, v := range ordinalGenitive() {
		if strings.HasSuffix(k, "го") {
			days[k] = v
		}
	}
	re := regexp.MustCompile(`(?:^|\s)(` + alternation(days) + `)(?:\s|$)`)
	return &rules.F{RegExp: re, Applier: func(m *rules.Match, c *rules.Context, _ *rules.Options, _ time.Time) (bool, error) {
		if c.Day != nil {
			return false, nil
		}
		before := strings.Fields(c.Text[:max(0, min(m.Left, len(c.Text)))])
		if n := len(before); n > 0 {
			switch before[n-1] {
			case "пол", "половина", "половине", "половину", "четверть", "без":
				return false, nil
			}
		}
		d := days[m.Captures[0]]
		c.Day = &d
		return true, nil
	}}
}

// spokenDaysRule: "через пару дней", "через три дня", "через денёк", "через
// недельку" — days the when rules miss or read as an hour ("три дня" is
// 15:00 to them); its match outranks any other over the same words.
func spokenDaysRule() rules.Rule {
	nums := durationNumbers()
	keys := map[string]int{}
	for k := range nums {
		keys[k] = 0
	}
	re := regexp.MustCompile(`(?:^|\s)через\s+(?:(` + alternation(keys) + `|\d{1,2})\s+)?(дн(?:я|ей)|день|денек|денька|деньков|недельку|неделю|недели|недель|месяц|месяца|месяцев|месячишко)(?:\s|$)`)
	return &rules.F{RegExp: re, Applier: func(m *rules.Match, c *rules.Context, _ *rules.Options, now time.Time) (bool, error) {
		count := 1.0
		if n := m.Captures[0]; n != "" {
			if v, ok := nums[n]; ok {
				count = v
			} else if v, err := strconv.Atoi(n); err == nil {
				count = float64(v)
			}
		}
		days := int(count)
		if strings.HasPrefix(m.Captures[1], "недел") {
			days *= 7
		}
		if strings.HasPrefix(m.Captures[1], "месяц") || m.Captures[1] == "месячишко" {
			// "через месяц": the same day of a later month
			days = int(now.AddDate(0, int(count), 0).Sub(now).Hours()+12) / 24
		}
		if days < 1 || days > 62 {
			return false, nil
		}
		c.Duration = time.Duration(days) * 24 * time.Hour
		return true, nil
	}}
}

// weekPartRule: "на выходных" (the coming Saturday; Sunday when said on a
// Saturday), "на следующей неделе" (next Monday), "в середине недели"
// (Wednesday), "в конце недели" (Friday, next week's once Friday has come),
// and the parts of next week ("в конце следующей недели": next week's Friday),
// and a day of next week ("в следующую пятницу", "в четверг через неделю").
// weekdayIndex is a weekday's distance from Monday, by the forms said with
// "в"/"во" and alone.
var weekdayIndex = map[string]int{"понедельник": 0, "вторник": 1, "среду": 2, "среда": 2, "четверг": 3,
	"пятницу": 4, "пятница": 4, "субботу": 5, "суббота": 5, "воскресенье": 6}

func weekPartRule() rules.Rule {
	re := regexp.MustCompile(`(?:^|\s)(на выходных|в выходные|на выходные|к выходным|на следующей неделе|на той неделе|в начале недели|после выходных|в середине недели|в конце недели|к концу недели|до конца недели|(?:в|к|до) (?:начале|середине|конце|концу|конца) следующей недели|в следующ(?:ий|ую|ее) (?:понедельник|вторник|среду|четверг|пятницу|субботу|воскресенье)|во? (?:понедельник|вторник|среду|четверг|пятницу|субботу|воскресенье) через неделю|через неделю во? (?:понедельник|вторник|среду|четверг|пятницу|субботу|воскресенье))(?:\s|$)`)
	return &rules.F{RegExp: re, Applier: func(m *rules.Match, c *rules.Context, _ *rules.Options, now time.Time) (bool, error) {
		wd := int(now.Weekday()) // Sunday 0
		toMonday := (8 - wd) % 7
		if toMonday == 0 {
			toMonday = 7
		}
		part := m.Captures[0]
		var days int
		switch {
		case strings.HasSuffix(part, "следующей недели"):
			days = toMonday // its Monday, Wednesday or Friday
			if strings.Contains(part, "серед") {
				days += 2
			} else if strings.Contains(part, "кон") {
				days += 4
			}
		case part == "на следующей неделе" || part == "на той неделе":
			days = toMonday
			// "на следующей неделе, в среду": that week's Wednesday
			for _, t := range strings.Fields(c.Text) {
				if d, ok := weekdayIndex[t]; ok {
					days += d
					break
				}
			}
		case strings.HasPrefix(part, "в следующ") || strings.Contains(part, "через неделю"):
			// "в следующую пятницу", "в четверг через неделю": next week's
			// day ("в эту пятницу" is the coming one)
			for _, f := range strings.Fields(part) {
				if d, ok := weekdayIndex[f]; ok {
					days = toMonday + d
				}
			}
		case part == "в начале недели" || part == "после выходных":
			days = toMonday
		case part == "в середине недели":
			days = (3 - wd + 7) % 7
			if days == 0 {
				days = 7
			}
		case strings.Contains(part, "кон"):
			days = (5 - wd + 7) % 7
			if days == 0 {
				days = 7
			}
		default:
			days = (6 - wd + 7) % 7
			if days == 0 {
				days = 1
			}
		}
		c.Duration = time.Duration(days) * 24 * time.Hour
		return true, nil
	}}
}

// dativeDayRule: "к двадцатому", "к пятнадцатому числу" — by that day of
// the month, the day a payment is promised for.
func dativeDayRule() rules.Rule {
	days := map[string]int{}
	for k, v := range ordinalGenitive() {
		if strings.HasSuffix(k, "его") {
			days[strings.TrimSuffix(k, "его")+"ему"] = v
		} else if strings.HasSuffix(k, "ого") {
			days[strings.TrimSuffix(k, "ого")+"ому"] = v
		}
	}
	re := regexp.MustCompile(`(?:^|\s)(?:к|до)\s+(` + alternation(days) + `)(?:\s+числу)?(?:\s|$)`)
	return &rules.F{RegExp: re, Applier: func(m *rules.Match, c *rules.Context, _ *rules.Options, _ time.Time) (bool, error) {
		if c.Day != nil {
			return false, nil
		}
		d := days[m.Captures[0]]
		c.Day = &d
		return true, nil
	}}
}

// dropOverlapping removes the matches of rules before index first that
// overlap a match of a rule from first on: those rules read the same words
// better ("через три дня" is days, not the hour "три дня").
func dropOverlapping(ms []*rules.Match, first float64) []*rules.Match {
	out := ms[:0:0]
	for _, m := range ms {
		keep := true
		if m.Order < first {
			for _, w := range ms {
				if w.Order >= first && m.Left < w.Right && w.Left < m.Right {
					keep = false
				}
			}
		}
		if keep {
			out = append(out, m)
		}
	}
	return out
}

// monthPartRule: the parts of a month callers pay by — "в конце месяца",
// "до конца месяца", "к концу декабря" (the month's last day), "в середине
// месяца", "в середине января" (its 15th), "к Новому году", "до Нового
// года", "в конце года" (31 December). A named month already gone is next
// year's (Parse moves a past day and month on).
func monthPartRule() rules.Rule {
	ms := months()
	re := regexp.MustCompile(`(?:^|\s)(?:(в\s+|к\s+|до\s+|под\s+|ближе к\s+)?(конце|концу|конца|конец|середине|середина|середину)\s+(?:этого\s+|текущего\s+)?(месяца|года|` + alternation(ms) + `)|(?:к|до|под)\s+(новому году|нового года|новый год))(?:\s|$)`)
	return &rules.F{RegExp: re, Applier: func(m *rules.Match, c *rules.Context, _ *rules.Options, now time.Time) (bool, error) {
		if c.Day != nil || c.Duration != 0 || c.Weekday != nil {
			// "двадцать пятого, в конце месяца", "к концу месяца дадут, а вы
			// перезвоните через неделю": the exact day or span said wins
			return false, nil
		}
		mon := int(now.Month())
		prep, part, of := m.Captures[0], m.Captures[1], m.Captures[2]
		if prep == "" && m.Captures[3] == "" && (part == "конец" || part == "середина") {
			// "конца месяца", "концу декабря" on a line that lost the
			// preposition: the case ending still says it; the nominative
			// ("конец месяца тяжёлый") names no date
			return false, nil
		}
		switch {
		case m.Captures[3] != "" || of == "года":
			part, mon = "конце", 12
		case of != "месяца":
			mon = ms[of]
		}
		year := now.Year()
		if mon < int(now.Month()) {
			year++
		}
		d := 15
		if strings.HasPrefix(part, "кон") {
			d = time.Date(year, time.Month(mon)+1, 0, 0, 0, 0, 0, now.Location()).Day()
		}
		c.Day = &d
		if of != "месяца" {
			c.Month = &mon // "месяца": this month's, next month's once gone (Parse)
		}
		c.Duration = 0
		return true, nil
	}}
}
