package compliance

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/dozvon/dozvon/phonenum"
)

// Range is one row of the numbering-plan registry: national numbers From..To
// (ten digits, as integers: 9131234567) served by Operator in Region.
type Range struct {
	From, To int64
	Capacity int64
	Operator string
	Region   string // registry region string, e.g. "г. Москва * Московская область"
	GAR      string // "Территория ГАР" column
	INN      string
}

var numplanHeader = []string{"АВС/ DEF", "От", "До", "Емкость", "Оператор", "Регион", "Территория ГАР", "ИНН"}

// ParseNumplan reads one registry file in the Минцифры format (ABC-3xx.csv,
// DEF-9xx.csv: UTF-8 with BOM, ';'-separated, quoted operators, 8 columns).
// name names the file in errors ("DEF-9xx.csv:17: column До ...").
func ParseNumplan(r io.Reader, name string) ([]Range, error) {
	cr := csv.NewReader(r)
	cr.Comma = ';'
	cr.LazyQuotes = true // operators are written as ООО "Т2 МОБАЙЛ" without field quoting
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	var out []Range
	for row := 1; ; row++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			return nil, fmt.Errorf("numplan %s: %w", name, err)
		}
		if row == 1 {
			rec[0] = strings.TrimPrefix(rec[0], "\ufeff")
			if len(rec) < 6 || !strings.Contains(strings.ToUpper(rec[0]), "DEF") && !strings.Contains(strings.ToUpper(rec[0]), "АВС") {
				return nil, fmt.Errorf("numplan %s:%d: header %q: want the registry header %q", name, line, strings.Join(rec, ";"), strings.Join(numplanHeader, ";"))
			}
			continue
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		if len(rec) < 6 {
			return nil, fmt.Errorf("numplan %s:%d: %d columns, want %d (%s)", name, line, len(rec), len(numplanHeader), strings.Join(numplanHeader, ";"))
		}
		code, err := digits(rec[0], 3)
		if err != nil {
			return nil, fmt.Errorf("numplan %s:%d: column %q = %q: %w", name, line, numplanHeader[0], rec[0], err)
		}
		from, err := digits(rec[1], 7)
		if err != nil {
			return nil, fmt.Errorf("numplan %s:%d: column %q = %q: %w", name, line, numplanHeader[1], rec[1], err)
		}
		to, err := digits(rec[2], 7)
		if err != nil {
			return nil, fmt.Errorf("numplan %s:%d: column %q = %q: %w", name, line, numplanHeader[2], rec[2], err)
		}
		if to < from {
			return nil, fmt.Errorf("numplan %s:%d: range %s..%s ends before it starts", name, line, rec[1], rec[2])
		}
		capacity, err := strconv.ParseInt(strings.TrimSpace(rec[3]), 10, 64)
		if err != nil || capacity < 0 {
			return nil, fmt.Errorf("numplan %s:%d: column %q = %q: want a non-negative integer", name, line, numplanHeader[3], rec[3])
		}
		rg := Range{
			From: code*10_000_000 + from, To: code*10_000_000 + to, Capacity: capacity,
			Operator: strings.TrimSpace(rec[4]), Region: strings.TrimSpace(rec[5]),
		}
		if len(rec) > 6 {
			rg.GAR = strings.TrimSpace(rec[6])
		}
		if len(rec) > 7 {
			rg.INN = strings.TrimSpace(rec[7])
		}
		out = append(out, rg)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("numplan %s: no ranges", name)
	}
	return out, nil
}

func digits(s string, n int) (int64, error) {
	s = strings.TrimSpace(s)
	if len(s) == 0 || len(s) > n {
		return 0, fmt.Errorf("want up to %d digits", n)
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil || v < 0 {
		return 0, fmt.Errorf("want up to %d digits", n)
	}
	return v, nil
}

// Plan answers "which operator and region serve this number" by binary search
// over sorted, non-overlapping ranges. It is read-only once built.
type Plan struct {
	from   []int64 // from[i] == ranges[i].From, kept apart for a cache-friendly search
	ranges []Range
	locs   []Location // locs[i] is ranges[i].Region resolved
}

// NewPlan sorts the ranges, rejects overlaps and resolves every region string.
// Region strings that name no subject resolve to UnknownLocation.
func NewPlan(rs []Range) (*Plan, error) {
	rs = append([]Range(nil), rs...)
	sort.Slice(rs, func(i, j int) bool { return rs[i].From < rs[j].From })
	p := &Plan{from: make([]int64, len(rs)), ranges: rs, locs: make([]Location, len(rs))}
	ix := newRegionIndex()
	cache := map[string]Location{}
	for i, r := range rs {
		if i > 0 && r.From <= rs[i-1].To {
			return nil, fmt.Errorf("numplan: range %d..%d (%s) overlaps %d..%d (%s)", r.From, r.To, r.Region, rs[i-1].From, rs[i-1].To, rs[i-1].Region)
		}
		p.from[i] = r.From
		loc, ok := cache[r.Region]
		if !ok {
			l, err := ix.resolve(r.Region, "")
			if err != nil {
				l = UnknownLocation()
			}
			l.Source = "phone"
			loc = l
			cache[r.Region] = loc
		}
		p.locs[i] = loc
	}
	return p, nil
}

// Len is the number of ranges.
func (p *Plan) Len() int { return len(p.ranges) }

// Lookup finds the range serving a Russian number; a foreign or zero number is in no range.
func (p *Plan) Lookup(phone phonenum.Number) (Range, Location, bool) {
	if p == nil || !phone.Russian() {
		return Range{}, Location{}, false
	}
	return p.lookupNational(phone.National())
}

func (p *Plan) lookupNational(n int64) (Range, Location, bool) {
	// sort.Search would do; this loop is the same binary search without the closure call.
	lo, hi := 0, len(p.from)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if p.from[m] <= n {
			lo = m + 1
		} else {
			hi = m
		}
	}
	i := lo - 1
	if i < 0 || n > p.ranges[i].To {
		return Range{}, Location{}, false
	}
	return p.ranges[i], p.locs[i], true
}
