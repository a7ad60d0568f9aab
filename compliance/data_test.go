package compliance

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dozvon/dozvon/phonenum"
)

// sharedData is ../shared/data next to the repository root.
func sharedData(t testing.TB, parts ...string) string {
	t.Helper()
	p := filepath.Join(append([]string{"..", "..", "shared", "data"}, parts...)...)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("shared data not present: %v", err)
	}
	return p
}

func loadDEF(t testing.TB) []Range {
	t.Helper()
	f, err := os.Open(sharedData(t, "numplan", "DEF-9xx.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rs, err := ParseNumplan(f, "DEF-9xx.csv")
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

// TestEveryRegistryRegionMapsToAZone enumerates every region string in the
// registry: each names federal subjects, or is one of the explicit country-wide
// strings that mean "unknown: all zones".
func TestEveryRegistryRegionMapsToAZone(t *testing.T) {
	rs := loadDEF(t)
	regions := map[string]int{}
	for _, r := range rs {
		regions[r.Region]++
	}
	ix := newRegionIndex()
	federal := 0
	for region, n := range regions {
		loc, err := ix.resolve(region, "")
		if err != nil {
			t.Errorf("%q (%d ranges): %v", region, n, err)
			continue
		}
		if len(loc.Zones) == 0 {
			t.Errorf("%q: no zone", region)
		}
		if loc.Unknown {
			federal++
			if !ix.federal[regionKey(region)] {
				t.Errorf("%q resolved to unknown without being a country-wide string", region)
			}
		}
	}
	t.Logf("%d ranges, %d distinct region strings, %d country-wide", len(rs), len(regions), federal)
	if len(regions) < 100 {
		t.Errorf("only %d region strings: the file did not parse as expected", len(regions))
	}
}

func TestNumplanLookup(t *testing.T) {
	p, err := NewPlan(loadDEF(t))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		phone, region, zone string
	}{
		{"+79000000000", "Краснодарский край", "Europe/Moscow"},
		{"+79000062500", "Ростовская обл.", "Europe/Moscow"},
		{"+79000061999", "Краснодарский край", "Europe/Moscow"},
	}
	for _, tt := range tests {
		r, loc, ok := p.Lookup(phonenum.MustParse(tt.phone))
		if !ok || r.Region != tt.region || loc.Zones[0] != tt.zone || loc.Source != "phone" {
			t.Errorf("%s: %+v %+v %v", tt.phone, r, loc, ok)
		}
	}
	// Every range's bounds find that range.
	for i, r := range p.ranges {
		for _, n := range []int64{r.From, r.To} {
			got, _, ok := p.lookupNational(n)
			if !ok || got.From != r.From {
				t.Fatalf("range %d: %d not found in its own range", i, n)
			}
		}
		if i > 0 && p.ranges[i-1].To+1 < r.From {
			if _, _, ok := p.lookupNational(r.From - 1); ok {
				t.Fatalf("gap before %d answered", r.From)
			}
		}
	}
	if _, _, ok := p.Lookup(phonenum.MustParse("+73832000000")); ok {
		t.Error("ABC number found in a DEF-only plan")
	}
}

func BenchmarkNumplanLookup(b *testing.B) {
	p, err := NewPlan(loadDEF(b))
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	nums := make([]phonenum.Number, 1_000_000)
	for i := range nums {
		n := 9_000_000_000 + rng.Int64N(1_000_000_000)
		nums[i] = phonenum.MustParse("+7" + strconv.FormatInt(n, 10))
	}
	b.ResetTimer()
	found := 0
	for i := 0; i < b.N; i++ {
		if _, _, ok := p.Lookup(nums[i%len(nums)]); ok {
			found++
		}
	}
	b.ReportMetric(float64(found)/float64(b.N), "hit/op")
}

func TestParseNumplanErrors(t *testing.T) {
	const hdr = "\ufeffАВС/ DEF;От;До;Емкость;Оператор;Регион;Территория ГАР;ИНН\n"
	tests := []struct{ name, in, want string }{
		{"bad header", "a;b;c\n900;0;1;2;x;y;z;1\n", "x.csv:1: header"},
		{"short row", hdr + "900;0000000;0000009\n", "x.csv:2: 3 columns"},
		{"bad from", hdr + "900;00x0000;0000009;10;ООО \"А\";Москва;;1\n", `x.csv:2: column "От" = "00x0000"`},
		{"bad code", hdr + "9000;0000000;0000009;10;ООО \"А\";Москва;;1\n", `x.csv:2: column "АВС/ DEF" = "9000"`},
		{"reversed", hdr + "900;0000000;0000009;10;А;Москва;;1\n900;0000020;0000010;10;А;Москва;;1\n", "x.csv:3: range 0000020..0000010 ends before it starts"},
		{"bad capacity", hdr + "900;0000000;0000009;ten;А;Москва;;1\n", `x.csv:2: column "Емкость" = "ten"`},
		{"broken quote", hdr + "900;0000000;0000009;10;\"ООО А;Москва;;1\n", "x.csv"},
		{"empty", hdr, "no ranges"},
	}
	for _, tt := range tests {
		_, err := ParseNumplan(strings.NewReader(tt.in), "x.csv")
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want it to contain %q", tt.name, err, tt.want)
		}
	}
	overlap := []Range{{From: 9000000000, To: 9000000010, Region: "a"}, {From: 9000000005, To: 9000000020, Region: "b"}}
	if _, err := NewPlan(overlap); err == nil || !strings.Contains(err.Error(), "overlaps") {
		t.Errorf("overlap: %v", err)
	}
}

func TestCalendarXMLMatchesBuiltin(t *testing.T) {
	dir := sharedData(t, "calendar", "ru")
	files, _ := filepath.Glob(filepath.Join(dir, "*.xml"))
	fromXML := NewCalendar()
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := fromXML.AddXML(strings.NewReader(string(b)), filepath.Base(f)); err != nil {
			t.Fatal(err)
		}
	}
	builtin, err := DefaultCalendar()
	if err != nil {
		t.Fatal(err)
	}
	if len(builtin.Years()) != len(files) || len(files) == 0 {
		t.Fatalf("built-in years %v, xml files %d: run go generate ./compliance", builtin.Years(), len(files))
	}
	for _, y := range fromXML.Years() {
		for d := (Date{y, time.January, 1}); d.Year == y; d = d.AddDays(1) {
			if a, b := fromXML.DayType(d), builtin.DayType(d); a != b {
				t.Errorf("%s: xml %s, built-in %s", d, a, b)
			}
		}
	}
	tests := []struct {
		date string
		want DayType
	}{
		{"2026-03-09", DayOff}, {"2026-12-31", DayOff}, {"2026-01-09", DayOff}, {"2026-04-30", Shortened},
		{"2024-12-28", Working}, {"2024-04-27", Working}, {"2025-11-01", Shortened}, {"2026-11-23", Working}, {"2026-11-28", DayOff},
		{"2030-01-03", DayOff}, {"2030-01-09", Working}, // a year without a table: fixed holidays, weekdays
	}
	for _, tt := range tests {
		d, _ := ParseDate(tt.date)
		if got := builtin.DayType(d); got != tt.want {
			t.Errorf("%s: %s, want %s", tt.date, got, tt.want)
		}
	}
}

func TestRegionalHoliday(t *testing.T) {
	cal, err := DefaultCalendar()
	if err != nil {
		t.Fatal(err)
	}
	d, _ := ParseDate("2026-02-18") // Сагаалган in Бурятия falls on a Wednesday
	if err := cal.AddRegionalHoliday("Республика Бурятия", d, "Сагаалган"); err != nil {
		t.Fatal(err)
	}
	if err := cal.AddRegionalHoliday("Нарния", d, "x"); err == nil {
		t.Error("unknown subject accepted")
	}
	g, err := NewGuard(Config{Calendar: cal})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		region, zone string
		ok           bool
	}{{"Республика Бурятия", "Asia/Irkutsk", false}, {"Иркутская область", "Asia/Irkutsk", true}} {
		dec, err := g.Check(t.Context(), Case{Debtor: CaseDebtor{ID: "d", Region: tt.region}, At: local(t, tt.zone, "2026-02-18 08:30"), Channel: RobotCall, Policy: bare()})
		if err != nil {
			t.Fatal(err)
		}
		if dec.Allowed != tt.ok {
			t.Errorf("%s at 08:30 on 2026-02-18: allowed=%v want %v (%s)", tt.region, dec.Allowed, tt.ok, dec.Detail)
		}
	}
}

func TestCalendarXMLErrors(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"bad date", `<calendar year="2026"><days>` + "\n" + `<day d="02.30" t="1"/></days></calendar>`, `x.xml:2: day d="02.30": no such date`},
		{"bad type", `<calendar year="2026"><days>` + "\n\n" + `<day d="02.03" t="7"/></days></calendar>`, `x.xml:3: day d="02.03" t="7"`},
		{"bad year", `<calendar year="20x6"></calendar>`, `x.xml:1: attribute year="20x6"`},
		{"broken xml", "<calendar year=\"2026\">\n<days><day d=\"01.01\" t=\"1\"></days>", "x.xml:2"},
		{"no calendar", `<foo/>`, "no <calendar>"},
		{"bad month", `<calendar year="2026"><days><day d="1301" t="1"/></days></calendar>`, `want MM.DD`},
	}
	for _, tt := range tests {
		err := NewCalendar().AddXML(strings.NewReader(tt.in), "x.xml")
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v, want %q", tt.name, err, tt.want)
		}
	}
	if _, err := ParseDate("2026-02-30"); err == nil {
		t.Error("2026-02-30 parsed")
	}
}

func TestRegionalHolidayFile(t *testing.T) {
	cal := NewCalendar()
	in := "# subject;date;title\n\nРеспублика Бурятия;2026-02-18;Сагаалган\nТатарстан;2026-03-20;Ураза-байрам\n"
	if err := cal.AddRegionalHolidays(strings.NewReader(in), "regional.txt"); err != nil {
		t.Fatal(err)
	}
	d, _ := ParseDate("2026-03-20")
	if cal.DayType(d, "Республика Татарстан") != DayOff || cal.DayType(d, "г. Москва") != Working {
		t.Error("Ураза-байрам is not a day off in Татарстан only")
	}
	tests := []struct{ in, want string }{
		{"Бурятия;2026-02-30;x\n", "regional.txt:1: parse date \"2026-02-30\""},
		{"\nНарния;2026-02-18;x\n", "regional.txt:2: add regional holiday 2026-02-18: resolve region \"Нарния\""},
		{"Бурятия\n", "regional.txt:1: \"Бурятия\": want subject;YYYY-MM-DD;title"},
		{"г. Москва и Московская область;2026-02-18\n", "is not one federal subject"},
	}
	for _, tt := range tests {
		err := NewCalendar().AddRegionalHolidays(strings.NewReader(tt.in), "regional.txt")
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: %v, want %q", tt.in, err, tt.want)
		}
	}
}
