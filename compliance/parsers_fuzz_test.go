package compliance

import (
	"bytes"
	"io"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/dozvon/dozvon/internal/fuzzseed"
)

// errLine asserts err starts with prefix and, when it names a line
// ("prefix:N:"), that the line is one of the input's.
func errLine(t *testing.T, err error, prefix string, data []byte) {
	t.Helper()
	msg := err.Error()
	if !strings.HasPrefix(msg, prefix) {
		t.Fatalf("error %q does not start with %q", msg, prefix)
	}
	if m := regexp.MustCompile(`^:(\d+):`).FindStringSubmatch(msg[len(prefix):]); m != nil {
		n, _ := strconv.Atoi(m[1])
		if lines := bytes.Count(data, []byte("\n")) + 1; n < 1 || n > lines {
			t.Fatalf("error %q names line %d of %d", msg, n, lines)
		}
	}
}

// FuzzParseCase reads any bytes as a `compliance check` case. A refusal says
// where (line:column, or the field); an accepted case has a debtor, valid
// Russian numbers, a known channel and history kinds, and a policy within the
// bounds the overrides allow.
func FuzzParseCase(f *testing.F) {
	for _, s := range []string{
		`{"debtor":{"id":"d1","phones":["+79131234567"],"region":"Новосибирская область","blocks":["refusal"]},"at":"2026-11-23T05:00:00Z","channel":"robot_call",` +
			`"history":[{"at":"2026-11-22T05:00:00Z","kind":"conversation"}],"policy":{"attempts_per_day":3,"margin_start_min":10}}`,
		`{"debtor":{"id":"d1"},"phone":"8 913 123-45-67","at":"2026-11-23T18:00:00+07:00","channel":"message","third_party":true}`,
		`{"debtor":{"id":"d1"},"at":"2026-11-23T05:00:00Z","channel":"robot_call"} {}`,
		`{"debtor":{"id":1}}`, `{"debtor":`, ``, `{"policy":{"max_call_min":-1}}`,
	} {
		f.Add([]byte(s))
	}
	def := DefaultPolicy()
	place := regexp.MustCompile(`^parse case: (\d+:\d+: |field "|empty input)`)
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseCase(bytes.NewReader(data), def)
		if err != nil {
			if !place.MatchString(err.Error()) {
				t.Fatalf("error %q names no place", err)
			}
			return
		}
		if c.Debtor.ID == "" || c.At.IsZero() || !c.Channel.valid() {
			t.Fatalf("accepted case %+v", c)
		}
		for _, p := range append(c.Debtor.Phones, c.Phone) {
			if p.IsValid() && !p.Russian() {
				t.Fatalf("accepted a foreign number %s", p.Masked())
			}
		}
		for _, b := range c.Debtor.Blocks {
			if !ValidBlock(b) {
				t.Fatalf("block %q", b)
			}
		}
		for _, h := range c.History {
			if !h.Kind.valid() || h.At.IsZero() {
				t.Fatalf("history %+v", h)
			}
		}
		p := c.Policy
		for _, n := range []int{p.AttemptsPerDay, p.ConversationsPerDay, p.ConversationsPerWeek, p.ConversationsPerMonth, p.MessagesPerDay, p.MessagesPerWeek, p.MessagesPerMonth, p.MeetingsPerWeek} {
			if n < 0 || n > 1000 {
				t.Fatalf("policy %+v", p)
			}
		}
		if p.MarginStart < 0 || p.MarginEnd < 0 || p.MaxCall < 0 {
			t.Fatalf("policy %+v", p)
		}
	})
}

// FuzzParseNumplan reads any bytes as a Минцифры registry file. A refusal
// names the file and a line in it; accepted ranges are ten-digit national
// numbers in order, and a plan built from them finds each range by its first number.
func FuzzParseNumplan(f *testing.F) {
	const hdr = "\ufeffАВС/ DEF;От;До;Емкость;Оператор;Регион;Территория ГАР;ИНН\n"
	f.Add([]byte(hdr + "900;0000000;0061999;62000;ООО \"Т2 МОБАЙЛ\";Краснодарский край;Краснодарский край;7743895280\n" +
		"900;0062000;0062999;1000;ООО \"Т2 МОБАЙЛ\";Ростовская обл.;Ростовская область;7743895280\n"))
	f.Add([]byte(hdr + "913;1230000;1239999;10000;ПАО \"МТС\";г. Москва * Московская область;;7740000076\n\n"))
	f.Add([]byte(hdr + "900;0000020;0000010;10;А;Москва;;1\n"))
	f.Add([]byte("a;b;c\n900;0;1;2;x;y;z;1\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rs, err := ParseNumplan(bytes.NewReader(data), "x.csv")
		if err != nil {
			errLine(t, err, "numplan x.csv", data)
			return
		}
		for _, r := range rs {
			if r.From < 0 || r.From > r.To || r.To > 9_999_999_999 || r.Capacity < 0 {
				t.Fatalf("range %+v", r)
			}
		}
		plan, err := NewPlan(rs)
		if err != nil {
			return // overlapping ranges
		}
		for _, r := range rs {
			got, _, ok := plan.lookupNational(r.From)
			if !ok || got.From != r.From || got.To != r.To {
				t.Fatalf("range %+v: lookup of its first number gave %+v, %v", r, got, ok)
			}
		}
	})
}

// fuzzCalendar reads any bytes with add into a new calendar: a refusal names
// the file as prefix says (and a line in it); an accepted year is in the
// calendar and every day of it has a type.
func fuzzCalendar(f *testing.F, add func(*Calendar, io.Reader, string) error, name, prefix string) {
	f.Fuzz(func(t *testing.T, data []byte) {
		cal := NewCalendar()
		if err := add(cal, bytes.NewReader(data), name); err != nil {
			errLine(t, err, prefix, data)
			return
		}
		checkYears(t, cal)
	})
}

// FuzzCalendarXML reads any bytes as an xmlcalendar year.
func FuzzCalendarXML(f *testing.F) {
	f.Add([]byte(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<calendar year="2026" lang="ru" date="2025.09.30"><holidays><holiday id="1" title="Новогодние каникулы"/></holidays>` +
		"\n" + `<days><day d="01.01" t="1" h="1"/><day d="04.30" t="2"/><day d="11.01" t="3"/></days></calendar>`))
	f.Add([]byte(`<calendar year="2026"><days>` + "\n" + `<day d="02.30" t="1"/></days></calendar>`))
	f.Add([]byte("<calendar year=\"2026\">\n<days><day d=\"01.01\" t=\"1\"></days>"))
	fuzzCalendar(f, (*Calendar).AddXML, "x.xml", "calendar x.xml")
}

// FuzzCalendarTable reads any bytes as the compact year table the built-in
// calendar is made of.
func FuzzCalendarTable(f *testing.F) {
	fuzzseed.Files(f, "calendar/*.txt")
	f.Add([]byte("off 01-01\nyear 2026\n"))
	fuzzCalendar(f, (*Calendar).AddTable, "x.txt", "calendar table x.txt")
}

// FuzzRegionalHolidays reads any bytes as a regional holiday file.
func FuzzRegionalHolidays(f *testing.F) {
	f.Add([]byte("# subject;date;title\n\nРеспублика Бурятия;2026-02-18;Сагаалган\nТатарстан;2026-03-20;Ураза-байрам\n"))
	f.Add([]byte("\nНарния;2026-02-18;x\n"))
	f.Add([]byte("г. Москва и Московская область;2026-02-18\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		cal := NewCalendar()
		if err := cal.AddRegionalHolidays(bytes.NewReader(data), "x.txt"); err != nil {
			errLine(t, err, "regional holidays x.txt", data)
		}
	})
}

func checkYears(t *testing.T, cal *Calendar) {
	t.Helper()
	for _, y := range cal.Years() {
		if !cal.HasYear(y) {
			t.Fatalf("year %d listed but not held", y)
		}
		for d := (Date{y, 1, 1}); d.Year == y; d = d.AddDays(1) {
			if s := cal.DayType(d).String(); s == "" || s == "unknown day type" {
				t.Fatalf("%s: %q", d, s)
			}
		}
	}
}
