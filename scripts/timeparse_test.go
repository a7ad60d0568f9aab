package scripts

import (
	"testing"
	"time"
)

func TestTimeParser(t *testing.T) {
	msk := time.FixedZone("MSK", 3*3600)
	now := time.Date(2026, 11, 24, 11, 0, 0, 0, msk) // a Tuesday
	at := func(d, h, m int) time.Time { return time.Date(2026, 11, d, h, m, 0, 0, msk) }
	tests := []struct {
		in   string
		want time.Time
	}{
		{"завтра в десять утра", at(25, 10, 0)},
		{"перезвоните завтра в десять утра", at(25, 10, 0)},
		{"в пятницу в три часа дня", at(27, 15, 0)},
		{"через два часа", at(24, 13, 0)},
		{"через полчаса", at(24, 11, 30)},
		{"сегодня вечером в семь", at(24, 19, 0)},
		{"в понедельник", at(30, 11, 0)},
		{"первого декабря в 10", time.Date(2026, 12, 1, 10, 0, 0, 0, msk)},
		{"1 декабря в 10", time.Date(2026, 12, 1, 10, 0, 0, 0, msk)},
		{"в 14:30", at(24, 14, 30)},
		{"полшестого", at(24, 17, 30)},
		{"давай в полшестого", at(24, 17, 30)},
		{"завтра в 10", at(25, 10, 0)},
		{"в семь вечера", at(24, 19, 0)},
		{"в 10", at(25, 10, 0)},
		{"без четверти пять", at(24, 16, 45)},
		{"завтра после обеда", at(25, 14, 0)}, // after lunch: 14:00 (was 15:00 before issue 16)
		{"в среду утром", at(25, 9, 0)},
		{"позвоните в четверг в 9", at(26, 9, 0)},
		{"в пятнадцать тридцать", at(24, 15, 30)},
		{"через час", at(24, 12, 0)},
		{"двадцать восьмого ноября в два", at(28, 14, 0)},
		{"послезавтра в 12", at(26, 12, 0)},
		{"вечером", at(24, 19, 0)},
		{"сегодня в 10", at(24, 22, 0)},
		{"сегодня в 9 вечера", at(24, 21, 0)},
	}
	p := NewTimeParser()
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, ok := p.Parse(tc.in, now)
			if !ok {
				t.Fatalf("no time found")
			}
			if !got.Time.Equal(tc.want) {
				t.Errorf("got %s, want %s", got.Time, tc.want)
			}
		})
	}
	for _, in := range []string{"я сейчас занят", "да это я", "нет", "", "вчера", "сегодня в 9 утра", "добрый вечер", "доброе утро, да", "да, упал, в два раза меньше получаю", "на тридцать процентов", "конец месяца тяжелый"} {
		if got, ok := p.Parse(in, now); ok {
			t.Errorf("%q: found a time %s, want none", in, got.Time)
		}
	}
}

// TestTimeParserSpoken: the spoken and relative times of issue 16, said on
// Tuesday 24 November 2026 at 11:00 Moscow time; want is month, day, hour, minute.
func TestTimeParserSpoken(t *testing.T) {
	t.Parallel()
	msk := time.FixedZone("MSK", 3*3600)
	now := time.Date(2026, 11, 24, 11, 0, 0, 0, msk)
	tests := map[string][4]int{
		"через полчасика":       {11, 24, 11, 30},
		"через пол часа":        {11, 24, 11, 30},
		"через часик":           {11, 24, 12, 0},
		"через пару часов":      {11, 24, 13, 0},
		"минут через двадцать":  {11, 24, 11, 20},
		"через двадцать минут":  {11, 24, 11, 20},
		"через минут десять":    {11, 24, 11, 10},
		"часа через два":        {11, 24, 13, 0},
		"через полтора часа":    {11, 24, 12, 30},
		"в пятницу после обеда": {11, 27, 14, 0},
		"завтра с утра":         {11, 25, 9, 0},
		"после шести":           {11, 24, 18, 0},
		"завтра после шести":    {11, 25, 18, 0},
		"к пяти":                {11, 24, 17, 0},
		"вечерком":              {11, 24, 19, 0},
		"завтра днем":           {11, 25, 13, 0},
		"в обед":                {11, 24, 13, 0},
		"в районе обеда":        {11, 24, 13, 0},
		"пятнадцатого":          {12, 15, 11, 0},
		"до двадцать восьмого":  {11, 28, 11, 0},
		"в половине шестого":    {11, 24, 17, 30},
	}
	p := NewTimeParser()
	for in, w := range tests {
		got, ok := p.Parse(in, now)
		want := time.Date(2026, time.Month(w[0]), w[1], w[2], w[3], 0, 0, msk)
		if !ok || !got.Time.Equal(want) {
			t.Errorf("Parse(%q) = %s, %v; want %s", in, got.Time, ok, want)
		}
	}
}

func BenchmarkTimeParse(b *testing.B) {
	p := NewTimeParser()
	now := time.Date(2026, 11, 24, 11, 0, 0, 0, time.UTC)
	for b.Loop() {
		p.Parse("перезвоните в пятницу в три часа дня", now)
	}
}

func BenchmarkNewTimeParser(b *testing.B) {
	for b.Loop() {
		NewTimeParser()
	}
}

// TestTimeParserRound6: days and weeks, the end of a working day, and a bare
// hour already past read as this evening, in Moscow and in Krasnoyarsk
// (+07:00): the reading depends on the caller's own clock only.
func TestTimeParserRound6(t *testing.T) {
	for _, loc := range []*time.Location{time.FixedZone("MSK", 3*3600), time.FixedZone("KRAT", 7*3600)} {
		now := time.Date(2026, 12, 16, 11, 25, 0, 0, loc) // a Wednesday
		at := func(d, h, m int) time.Time { return time.Date(2026, 12, d, h, m, 0, 0, loc) }
		tests := []struct {
			in   string
			want time.Time
		}{
			{"после восьми", at(16, 20, 0)},
			{"в восемь", at(16, 20, 0)},
			{"в девять", at(16, 21, 0)},
			{"в десять", at(17, 10, 0)}, // 22:00 is past the hours of a call
			{"в половине девятого", at(16, 20, 30)},
			{"в восемь утра", at(17, 8, 0)},
			{"после работы", at(16, 19, 0)},
			{"в обеденный перерыв", at(16, 13, 0)},
			{"завтра в первой половине дня", at(17, 10, 0)},
			{"через пару дней", at(18, 11, 25)},
			{"через три дня", at(19, 11, 25)}, // days, not the hour "три дня"
			{"через недельку", at(23, 11, 25)},
			{"на выходных", at(19, 11, 25)},
			{"на следующей неделе", at(21, 11, 25)},
			{"на следующей неделе, в среду", at(23, 11, 25)},
			{"в пятницу на следующей неделе", at(25, 11, 25)},
			{"в следующую пятницу", at(25, 11, 25)},
			{"в четверг через неделю", at(24, 11, 25)},
			{"через неделю во вторник", at(22, 11, 25)},
			{"через неделю", at(23, 11, 25)},
			{"в следующий вторник закрою", at(22, 11, 25)},
			{"в конце недели", at(18, 11, 25)},
			{"за втра в десять", at(17, 10, 0)},
			// round 7: "сейчас" and a bare "обед" are no times beside a real one
			{"сейчас не могу, перезвоните завтра вечером", at(17, 19, 0)},
			{"у меня сейчас запарка, обед, люди, через полтора часа", at(16, 12, 55)},
			{"завтра обед", at(17, 13, 0)},
			{"после обеда", at(16, 14, 0)},
			{"завтра десять часов", at(17, 10, 0)},
			{"утро девять часов", at(17, 9, 0)},
			{"через два часа", at(16, 13, 25)},
			{"к двадцатому скину", at(20, 11, 25)},
			{"к пятнадцатому числу", time.Date(2027, 1, 15, 11, 25, 0, 0, loc)},
			{"к концу недели", at(18, 11, 25)},
			// a caller in a hurry or in a second language: no preposition, nominatives, cardinals
			{"после обед звони", at(16, 14, 0)},
			{"завтра утро звони", at(17, 9, 0)},
			{"позвонить завтра десять", at(17, 10, 0)},
			{"пятница девять тридцать", at(18, 9, 30)},
			{"пятнадцать число", time.Date(2027, 1, 15, 11, 25, 0, 0, loc)},
			{"двадцать пять число", at(25, 11, 25)},
			{"через месяц", time.Date(2027, 1, 16, 11, 25, 0, 0, loc)},
			{"до конца недели", at(18, 11, 25)},
			{"к выходным", at(19, 11, 25)},
			{"не раньше восьми", at(16, 20, 0)},
			// round 8: parts of a month
			{"в конце следующей недели всё закрою", at(25, 11, 25)},
			{"полторашку после выходных", at(21, 11, 25)},
			{"с десяти до двенадцати завтра", at(17, 10, 0)},
			{"завтра с 14 до 16", at(17, 14, 0)},
			{"в середине следующей недели", at(23, 11, 25)},
			{"в начале следующей недели", at(21, 11, 25)},
			{"в середине недели", at(23, 11, 25)}, // said on a Wednesday: next week's
			{"в два раза меньше получаю, с пятнадцатого", time.Date(2027, 1, 15, 11, 25, 0, 0, loc)},
			{"в конце месяца всё оплачу", at(31, 11, 25)},
			{"до конца месяца десять тысяч", at(31, 11, 25)},
			{"в середине месяца", time.Date(2027, 1, 15, 11, 25, 0, 0, loc)},
			{"в середине января пять тысяч", time.Date(2027, 1, 15, 11, 25, 0, 0, loc)},
			{"к концу февраля", time.Date(2027, 2, 28, 11, 25, 0, 0, loc)},
			{"в конце ноября", time.Date(2027, 11, 30, 11, 25, 0, 0, loc)},
			{"к новому году погашу", at(31, 11, 25)},
			// a bad line drops the preposition; the case ending keeps it
			{"конца месяца погашу всё", at(31, 11, 25)},
			{"концу января десять тысяч", time.Date(2027, 1, 31, 11, 25, 0, 0, loc)},
			{"середине месяца", time.Date(2027, 1, 15, 11, 25, 0, 0, loc)},
		}
		p := NewTimeParser()
		for _, tc := range tests {
			r, ok := p.Parse(tc.in, now)
			if !ok || !r.Time.Equal(tc.want) {
				t.Errorf("%s: Parse(%q) = %v %v, want %v", loc, tc.in, r.Time, ok, tc.want)
			}
		}
	}
}

// TestWeekPartsOnEveryDay: "на выходных" is never today nor more than six
// days away, and "на следующей неделе" is always a Monday after today.
func TestWeekPartsOnEveryDay(t *testing.T) {
	p := NewTimeParser()
	msk := time.FixedZone("MSK", 3*3600)
	for d := 14; d <= 20; d++ {
		now := time.Date(2026, 12, d, 12, 0, 0, 0, msk)
		r, ok := p.Parse("на выходных", now)
		if days := r.Time.Sub(now).Hours() / 24; !ok || days < 1 || days > 6 || (r.Time.Weekday() != time.Saturday && r.Time.Weekday() != time.Sunday) {
			t.Errorf("%s: на выходных = %v %v", now.Weekday(), r.Time, ok)
		}
		r, ok = p.Parse("на следующей неделе", now)
		if !ok || r.Time.Weekday() != time.Monday || !r.Time.After(now) || r.Time.Sub(now) > 7*24*time.Hour {
			t.Errorf("%s: на следующей неделе = %v %v", now.Weekday(), r.Time, ok)
		}
	}
}
