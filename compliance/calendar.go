package compliance

import (
	"bufio"
	"embed"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strconv"
	"strings"
	"time"
)

//go:generate go run ./internal/gencalendar -in ../../shared/data/calendar/ru -out calendar

// DayType is the kind of a calendar day for the 230-FZ windows.
type DayType int

const (
	// Working is an ordinary working day (window 08:00–22:00).
	Working DayType = iota
	// Shortened is a working day one hour shorter before a holiday; for 230-FZ it is a working day.
	Shortened
	// DayOff is a weekend or a non-working holiday, federal or regional (window 09:00–20:00).
	DayOff
)

func (t DayType) String() string {
	switch t {
	case Working:
		return "working day"
	case Shortened:
		return "shortened working day"
	case DayOff:
		return "day off"
	}
	return "unknown day type"
}

// Date is a civil date without a zone.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf returns the civil date of t in t's location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// ParseDate parses YYYY-MM-DD strictly.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return Date{}, fmt.Errorf("parse date %q: want YYYY-MM-DD", s)
	}
	return DateOf(t), nil
}

func (d Date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day) }

// In returns the instant hh:mm on date d in loc.
func (d Date) In(loc *time.Location, hh, mm int) time.Time {
	return time.Date(d.Year, d.Month, d.Day, hh, mm, 0, 0, loc)
}

// AddDays returns the date n days later.
func (d Date) AddDays(n int) Date {
	return DateOf(time.Date(d.Year, d.Month, d.Day+n, 12, 0, 0, 0, time.UTC))
}

func (d Date) weekday() time.Weekday {
	return time.Date(d.Year, d.Month, d.Day, 12, 0, 0, 0, time.UTC).Weekday()
}

// Calendar is the Russian production calendar plus regional holidays.
// Build it once (NewCalendar, DefaultCalendar, AddXML, AddRegionalHoliday)
// and then share it read-only.
type Calendar struct {
	years    map[int]map[Date]DayType // explicit day types from the production calendar
	regional map[string]map[Date]string
}

// NewCalendar returns an empty calendar: days of years it has no table for follow
// the weekday rule plus the fixed holidays of the Labour Code (art. 112).
func NewCalendar() *Calendar {
	return &Calendar{years: map[int]map[Date]DayType{}, regional: map[string]map[Date]string{}}
}

// builtinCalendars are the production calendars in force, as compact year tables
// (calendar/YYYY.txt). They are produced by `go generate ./compliance`, which runs
// internal/gencalendar over ../shared/data/calendar/ru/*.xml (the public
// xmlcalendar.ru data); TestCalendarXMLMatchesBuiltin checks every day of every
// year against the XML. Add a year by dropping its XML there and regenerating.
//
//go:embed calendar/*.txt
var builtinCalendars embed.FS

// DefaultCalendar returns the built-in production calendars (see compliance/calendar).
func DefaultCalendar() (*Calendar, error) {
	c := NewCalendar()
	files, err := fs.Glob(builtinCalendars, "calendar/*.txt")
	if err != nil {
		return nil, fmt.Errorf("default calendar: %w", err)
	}
	for _, f := range files {
		b, err := builtinCalendars.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("default calendar: %w", err)
		}
		if err := c.AddTable(strings.NewReader(string(b)), f); err != nil {
			return nil, fmt.Errorf("default calendar: %w", err)
		}
	}
	return c, nil
}

// Years lists the years that have an explicit production calendar.
func (c *Calendar) Years() []int {
	ys := make([]int, 0, len(c.years))
	for y := range c.years {
		ys = append(ys, y)
	}
	for i := 1; i < len(ys); i++ {
		for j := i; j > 0 && ys[j] < ys[j-1]; j-- {
			ys[j], ys[j-1] = ys[j-1], ys[j]
		}
	}
	return ys
}

// HasYear reports whether year has an explicit production calendar.
func (c *Calendar) HasYear(year int) bool { _, ok := c.years[year]; return ok }

// AddRegionalHoliday marks date as a non-working day in one federal subject
// (e.g. Сагаалган in Бурятия). subject is any spelling ResolveRegion accepts.
func (c *Calendar) AddRegionalHoliday(subject string, d Date, title string) error {
	loc, err := ResolveRegion(subject, "")
	if err != nil {
		return fmt.Errorf("add regional holiday %s: %w", d, err)
	}
	if len(loc.Subjects) != 1 {
		return fmt.Errorf("add regional holiday %s: %q is not one federal subject", d, subject)
	}
	s := loc.Subjects[0]
	if c.regional[s] == nil {
		c.regional[s] = map[Date]string{}
	}
	c.regional[s][d] = title
	return nil
}

// DayType returns the type of date d for a debtor in the given federal subjects
// (canonical names from ResolveRegion; none for an unknown region).
func (c *Calendar) DayType(d Date, subjects ...string) DayType {
	for _, s := range subjects {
		if _, ok := c.regional[s][d]; ok {
			return DayOff
		}
	}
	if y, ok := c.years[d.Year]; ok {
		if t, ok := y[d]; ok {
			return t
		}
	} else if fixedHoliday(d) {
		return DayOff
	}
	if wd := d.weekday(); wd == time.Saturday || wd == time.Sunday {
		return DayOff
	}
	return Working
}

// fixedHoliday reports the non-working holidays of Labour Code art. 112; used only
// for years without a production calendar (transfers are unknown there).
func fixedHoliday(d Date) bool {
	switch d.Month {
	case time.January:
		return d.Day <= 8
	case time.February:
		return d.Day == 23
	case time.March:
		return d.Day == 8
	case time.May:
		return d.Day == 1 || d.Day == 9
	case time.June:
		return d.Day == 12
	case time.November:
		return d.Day == 4
	}
	return false
}

type xmlDay struct {
	D string `xml:"d,attr"`
	T string `xml:"t,attr"`
}

// AddXML reads one year of the xmlcalendar format (<calendar year="2026"><days><day d="MM.DD" t="1|2|3"/>).
// name is used in error messages (file name).
func (c *Calendar) AddXML(r io.Reader, name string) error {
	dec := xml.NewDecoder(r)
	year := 0
	days := map[Date]DayType{}
	sawCalendar := false
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		line, _ := dec.InputPos()
		if err != nil {
			return fmt.Errorf("calendar %s:%d: %w", name, line, err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch se.Name.Local {
		case "calendar":
			sawCalendar = true
			for _, a := range se.Attr {
				if a.Name.Local == "year" {
					y, err := strconv.Atoi(a.Value)
					if err != nil || y < 1990 || y > 2200 {
						return fmt.Errorf("calendar %s:%d: attribute year=%q: want a year like 2026", name, line, a.Value)
					}
					year = y
				}
			}
			if year == 0 {
				return fmt.Errorf("calendar %s:%d: <calendar> has no year attribute", name, line)
			}
		case "day":
			if year == 0 {
				return fmt.Errorf("calendar %s:%d: <day> outside <calendar year=...>", name, line)
			}
			var xd xmlDay
			if err := dec.DecodeElement(&xd, &se); err != nil {
				return fmt.Errorf("calendar %s:%d: %w", name, line, err)
			}
			d, err := parseMonthDay(year, xd.D, ".")
			if err != nil {
				return fmt.Errorf("calendar %s:%d: day d=%q: %w", name, line, xd.D, err)
			}
			t, err := xmlDayType(xd.T)
			if err != nil {
				return fmt.Errorf("calendar %s:%d: day d=%q t=%q: %w", name, line, xd.D, xd.T, err)
			}
			days[d] = t
		}
	}
	if !sawCalendar {
		return fmt.Errorf("calendar %s: no <calendar> element", name)
	}
	c.years[year] = days
	return nil
}

func xmlDayType(t string) (DayType, error) {
	switch t {
	case "1":
		return DayOff, nil
	case "2":
		return Shortened, nil
	case "3":
		return Working, nil
	}
	return 0, errors.New("t must be 1 (day off), 2 (shortened) or 3 (working weekend day)")
}

func parseMonthDay(year int, s, sep string) (Date, error) {
	m, d, ok := strings.Cut(s, sep)
	mi, err1 := strconv.Atoi(m)
	di, err2 := strconv.Atoi(d)
	if !ok || err1 != nil || err2 != nil {
		return Date{}, fmt.Errorf("want MM%sDD", sep)
	}
	t := time.Date(year, time.Month(mi), di, 12, 0, 0, 0, time.UTC)
	if mi < 1 || mi > 12 || di < 1 || t.Day() != di {
		return Date{}, fmt.Errorf("no such date in %d", year)
	}
	return Date{year, time.Month(mi), di}, nil
}

// AddTable reads the compact year table written by internal/gencalendar:
//
//	# comment
//	year 2026
//	off 01-01 01-02 ...
//	short 04-30 ...
//	work 11-01 ...
func (c *Calendar) AddTable(r io.Reader, name string) error {
	sc := bufio.NewScanner(r)
	year, line := 0, 0
	days := map[Date]DayType{}
	for sc.Scan() {
		line++
		f := strings.Fields(sc.Text())
		if len(f) == 0 || strings.HasPrefix(f[0], "#") {
			continue
		}
		if f[0] == "year" {
			y, err := strconv.Atoi(strings.Join(f[1:], ""))
			if err != nil {
				return fmt.Errorf("calendar table %s:%d: bad year %q", name, line, strings.Join(f[1:], " "))
			}
			year = y
			continue
		}
		var t DayType
		switch f[0] {
		case "off":
			t = DayOff
		case "short":
			t = Shortened
		case "work":
			t = Working
		default:
			return fmt.Errorf("calendar table %s:%d: unknown keyword %q (want year, off, short, work)", name, line, f[0])
		}
		if year == 0 {
			return fmt.Errorf("calendar table %s:%d: %q before the year line", name, line, f[0])
		}
		for _, md := range f[1:] {
			d, err := parseMonthDay(year, md, "-")
			if err != nil {
				return fmt.Errorf("calendar table %s:%d: %q: %w", name, line, md, err)
			}
			days[d] = t
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("calendar table %s: %w", name, err)
	}
	if year == 0 {
		return fmt.Errorf("calendar table %s: no year line", path.Base(name))
	}
	c.years[year] = days
	return nil
}
