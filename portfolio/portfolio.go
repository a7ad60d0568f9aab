package portfolio

import (
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"

	"github.com/dozvon/dozvon/phonenum"
)

// Debtor is one person of the portfolio after merging all of their rows.
type Debtor struct {
	ID        string        // stable: derived from the merge key, so a re-import updates the same debtor
	Key       string        // the merge key: "contract:…" or "person:name|birth date"
	Name      string        // as written (spaces collapsed)
	Contract  string        // contract number as written
	BirthDate string        // YYYY-MM-DD, or empty
	Region    string        // address region as written
	Address   string        // as written
	Collector string        // the responsible collector, as written
	DebtKop   int64         // debt in kopecks (0: not given)
	Phones    phonenum.List // numbers in file order, without duplicates (foreign ones too)
	Lines     []int         // the file lines this debtor was built from
}

// LogValue keeps a logged debtor to its id, masked phones and lines: the
// default struct formatting would print the numbers and the name in full.
func (d Debtor) LogValue() slog.Value {
	return slog.GroupValue(slog.String("id", d.ID), slog.Any("phones", d.Phones), slog.Any("lines", d.Lines))
}

// Rejection is one row that was not imported.
type Rejection struct {
	Line   int    `json:"line"`
	Reason string `json:"reason"`
}

// Result is a parsed portfolio.
type Result struct {
	Encoding  string // "utf-8" or "cp1251"
	Separator rune   // ';' or ','
	Rows      int    // data rows (blank lines and the header not counted)
	Accepted  int    // rows that contributed to a debtor
	Debtors   []Debtor
	Rejected  []Rejection
	Warnings  []Rejection // accepted rows with something dropped (one bad phone of several, conflicting fields)
}

// Phones counts the distinct (debtor, phone) pairs.
func (r Result) Phones() int {
	n := 0
	for _, d := range r.Debtors {
		n += len(d.Phones)
	}
	return n
}

// Summary is the JSON shape of `dozvon import --json`.
type Summary struct {
	Rows     int         `json:"rows"`
	Accepted int         `json:"accepted"`
	Debtors  int         `json:"debtors"`
	Phones   int         `json:"phones"`
	Rejected []Rejection `json:"rejected"`
}

// Summary returns the counts of the result; Rejected is never nil.
func (r Result) Summary() Summary {
	rej := r.Rejected
	if rej == nil {
		rej = []Rejection{}
	}
	return Summary{Rows: r.Rows, Accepted: r.Accepted, Debtors: len(r.Debtors), Phones: r.Phones(), Rejected: rej}
}

// field is a column's meaning.
type field int

const (
	fNone field = iota
	fName
	fPhone
	fRegion
	fAddress
	fDebt
	fContract
	fCollector
	fBirth
)

var fieldNames = map[field]string{fName: "name", fPhone: "phone", fRegion: "region", fAddress: "address",
	fDebt: "debt", fContract: "contract", fCollector: "collector", fBirth: "birth date"}

// headerAliases maps a normalised header (lower case, ё→е, punctuation → space,
// spaces collapsed) to its meaning.
var headerAliases = map[string]field{
	"фио": fName, "ф и о": fName, "имя": fName, "должник": fName, "заемщик": fName, "клиент": fName,
	"фамилия имя отчество": fName, "name": fName, "full name": fName, "fio": fName, "debtor": fName,

	"телефон": fPhone, "телефоны": fPhone, "тел": fPhone, "моб телефон": fPhone, "мобильный телефон": fPhone,
	"мобильный": fPhone, "моб": fPhone, "номер телефона": fPhone, "номера телефонов": fPhone,
	"контактный телефон": fPhone, "контактные телефоны": fPhone, "доп телефон": fPhone, "дополнительный телефон": fPhone,
	"рабочий телефон": fPhone, "домашний телефон": fPhone, "сотовый": fPhone, "сотовый телефон": fPhone,
	"phone": fPhone, "phones": fPhone, "mobile": fPhone, "tel": fPhone,

	"регион": fRegion, "субъект": fRegion, "субъект рф": fRegion, "регион проживания": fRegion, "region": fRegion,

	"адрес": fAddress, "адрес регистрации": fAddress, "адрес проживания": fAddress, "фактический адрес": fAddress,
	"address": fAddress,

	"сумма долга": fDebt, "долг": fDebt, "сумма задолженности": fDebt, "задолженность": fDebt, "сумма": fDebt,
	"остаток долга": fDebt, "debt": fDebt, "amount": fDebt,

	"номер договора": fContract, "договор": fContract, "n договора": fContract, "№ договора": fContract,
	"номер кредитного договора": fContract, "кредитный договор": fContract, "contract": fContract,
	"contract number": fContract, "contract no": fContract,

	"ответственный": fCollector, "коллектор": fCollector, "ответственный коллектор": fCollector,
	"ответственный сотрудник": fCollector, "collector": fCollector,

	"дата рождения": fBirth, "д р": fBirth, "др": fBirth, "дата рожд": fBirth, "birth date": fBirth,
	"birthdate": fBirth, "date of birth": fBirth, "dob": fBirth,
}

func normHeader(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	s = strings.ReplaceAll(s, "ё", "е")
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '№':
			b.WriteRune(r)
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		default:
			b.WriteByte(' ')
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// Decode returns the file as UTF-8 text: valid UTF-8 (with or without a BOM) is
// taken as is, anything else is read as CP1251, the usual Excel export here.
func Decode(data []byte) (text []byte, encoding string, err error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if utf8.Valid(data) {
		return data, "utf-8", nil
	}
	out, err := charmap.Windows1251.NewDecoder().Bytes(data)
	if err != nil {
		return nil, "", fmt.Errorf("decode cp1251: %w", err)
	}
	return out, "cp1251", nil
}

// sniffSeparator picks ';' or ',' by which is more frequent, outside quotes, on the first non-blank line.
func sniffSeparator(text []byte) rune {
	for line := range bytes.Lines(text) {
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		semi, comma, quoted := 0, 0, false
		for _, c := range line {
			switch {
			case c == '"':
				quoted = !quoted
			case quoted:
			case c == ';':
				semi++
			case c == ',':
				comma++
			}
		}
		if comma > semi {
			return ','
		}
		return ';'
	}
	return ';'
}

// Parse reads a portfolio CSV. name is used in errors. It fails only when the
// file as a whole is unusable (unreadable, no header, no phone or name column);
// bad rows end up in Result.Rejected.
func Parse(r io.Reader, name string) (Result, error) {
	raw, err := io.ReadAll(r)
	if err != nil {
		return Result{}, fmt.Errorf("import %s: %w", name, err)
	}
	text, enc, err := Decode(raw)
	if err != nil {
		return Result{}, fmt.Errorf("import %s: %w", name, err)
	}
	res := Result{Encoding: enc, Separator: sniffSeparator(text)}
	// Excel's "sep=;" first line names the separator; it is blanked (not cut)
	// so line numbers stay those of the file.
	if first, _, _ := bytes.Cut(text, []byte("\n")); bytes.HasPrefix(bytes.TrimSpace(first), []byte("sep=")) {
		if sep := bytes.TrimSpace(first)[4:]; len(sep) == 1 && (sep[0] == ';' || sep[0] == ',') {
			res.Separator = rune(sep[0])
		}
		text = text[len(first):]
	}
	cr := csv.NewReader(bytes.NewReader(text))
	cr.Comma = res.Separator
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	cr.ReuseRecord = false

	// The header is the first record naming a phone column; title rows above
	// it ("Реестр должников на 01.11.2026") are skipped, up to maxTitleRows.
	const maxTitleRows = 10
	var header []string
	var cols []field
	var seen map[field]bool
	hline := 0
	for tries := 0; ; tries++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			if header == nil {
				return Result{}, fmt.Errorf("import %s: empty file", name)
			}
			break
		}
		if err != nil {
			return Result{}, fmt.Errorf("import %s: header: %w", name, err)
		}
		line, _ := cr.FieldPos(0)
		c, sn, err := mapHeader(rec)
		if header == nil || sn[fPhone] {
			header, cols, seen, hline = rec, c, sn, line
		}
		if err != nil && sn[fPhone] {
			return Result{}, fmt.Errorf("import %s:%d: %w", name, line, err)
		}
		if sn[fPhone] || tries == maxTitleRows-1 {
			break
		}
	}
	if !seen[fPhone] {
		return Result{}, fmt.Errorf("import %s:%d: no phone column (want e.g. \"телефон\"); header has %s", name, hline, strings.Join(quoteAll(header), ", "))
	}
	if !seen[fName] && !seen[fContract] {
		return Result{}, fmt.Errorf("import %s:%d: neither a name (ФИО) nor a contract (номер договора) column", name, hline)
	}

	other := ','
	if res.Separator == ',' {
		other = ';'
	}
	byKey := map[string]int{}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.StartLine
			}
			res.Rows++
			res.Rejected = append(res.Rejected, Rejection{Line: line, Reason: "unreadable CSV: " + err.Error()})
			continue
		}
		if blank(rec) {
			continue
		}
		res.Rows++
		// A row written with the other separator (files glued together from two exports).
		if len(rec) == 1 && len(header) > 1 && strings.ContainsRune(rec[0], other) {
			alt := csv.NewReader(strings.NewReader(rec[0]))
			alt.Comma, alt.FieldsPerRecord, alt.LazyQuotes = other, -1, true
			if r2, err := alt.Read(); err == nil {
				rec = r2
			}
		}
		row, warns, reason := parseRow(rec, cols, len(header))
		if reason != "" {
			res.Rejected = append(res.Rejected, Rejection{Line: line, Reason: reason})
			continue
		}
		res.Accepted++
		for _, w := range warns {
			res.Warnings = append(res.Warnings, Rejection{Line: line, Reason: w})
		}
		row.Lines = []int{line}
		if i, ok := byKey[row.Key]; ok {
			for _, w := range merge(&res.Debtors[i], row) {
				res.Warnings = append(res.Warnings, Rejection{Line: line, Reason: w})
			}
			continue
		}
		byKey[row.Key] = len(res.Debtors)
		res.Debtors = append(res.Debtors, row)
	}
	return res, nil
}

// mapHeader gives each column its meaning; a repeated column (other than phones) is an error.
func mapHeader(header []string) ([]field, map[field]bool, error) {
	cols := make([]field, len(header))
	seen := map[field]bool{}
	var err error
	for i, h := range header {
		f, ok := headerAliases[normHeader(h)]
		if !ok {
			continue // portfolios carry many columns we do not use
		}
		if seen[f] && f != fPhone && err == nil {
			err = fmt.Errorf("column %d %q: a second %s column", i+1, h, fieldNames[f])
		}
		seen[f] = true
		cols[i] = f
	}
	return cols, seen, err
}

func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = strconv.Quote(s)
	}
	return out
}

func blank(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

func spaces(s string) string { return strings.Join(strings.Fields(s), " ") }

// parseRow turns one record into a debtor of one row, or gives the reason it is rejected.
func parseRow(rec []string, cols []field, width int) (d Debtor, warns []string, reason string) {
	if len(rec) > width {
		if !blank(rec[width:]) {
			return Debtor{}, nil, fmt.Sprintf("%d fields, the header has %d", len(rec), width)
		}
	}
	var phoneCells []string
	for i, v := range rec {
		if i >= len(cols) {
			break
		}
		v = strings.TrimSpace(v)
		switch cols[i] {
		case fName:
			d.Name = spaces(v)
		case fPhone:
			if v != "" {
				phoneCells = append(phoneCells, v)
			}
		case fRegion:
			d.Region = spaces(v)
		case fAddress:
			d.Address = spaces(v)
		case fContract:
			d.Contract = spaces(v)
		case fCollector:
			d.Collector = spaces(v)
		case fBirth:
			if v == "" {
				continue
			}
			bd, err := parseBirth(v)
			if err != nil {
				return Debtor{}, nil, err.Error()
			}
			d.BirthDate = bd
		case fDebt:
			if v == "" {
				continue
			}
			k, err := ParseMoney(v)
			if err != nil {
				return Debtor{}, nil, err.Error()
			}
			d.DebtKop = k
		}
	}
	if d.Name == "" && d.Contract == "" {
		return Debtor{}, nil, "no name and no contract number"
	}
	if len(phoneCells) == 0 {
		return Debtor{}, nil, "no phone"
	}
	var bad []string
	for _, cell := range phoneCells {
		ps, b := SplitPhones(cell)
		bad = append(bad, b...)
		for _, p := range ps {
			d.Phones = appendNew(d.Phones, p)
		}
	}
	if len(d.Phones) == 0 {
		return Debtor{}, nil, "no valid phone: " + strings.Join(bad, "; ")
	}
	for _, b := range bad {
		warns = append(warns, "phone dropped: "+b)
	}
	if d.Contract != "" {
		// Letters and digits only: "КД-001", "кд 001" and "КД001" are one contract.
		d.Key = "contract:" + strings.Map(func(r rune) rune {
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				return unicode.ToUpper(r)
			}
			return -1
		}, d.Contract)
	} else {
		d.Key = "person:" + strings.ToLower(strings.ReplaceAll(d.Name, "ё", "е")) + "|" + d.BirthDate
	}
	sum := sha256.Sum256([]byte(d.Key))
	d.ID = "d-" + hex.EncodeToString(sum[:8])
	return d, warns, ""
}

// MatchKey is what records of one person share across contracts: the full
// name folded (case, ё/е, punctuation and spacing do not count) and the birth
// date (YYYY-MM-DD). Without both it is empty: a name alone is too common to
// merge people on. The store merges records with one match key, or one phone,
// into one person (store.ImportDebtors; docs/PERSONS.md).
func MatchKey(name, birthDate string) string {
	birthDate = strings.TrimSpace(birthDate)
	words := strings.FieldsFunc(strings.ReplaceAll(strings.ToLower(name), "ё", "е"), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	if len(words) == 0 || birthDate == "" {
		return ""
	}
	return strings.Join(words, " ") + "|" + birthDate
}

func appendNew(ps []phonenum.Number, p phonenum.Number) []phonenum.Number {
	for _, q := range ps {
		if q == p {
			return ps
		}
	}
	return append(ps, p)
}

// SplitPhones reads a cell that may hold several numbers (separated by , ; / |
// line breaks, or plain spaces between complete numbers) and returns the
// numbers — a foreign "+CC…" one too: the guard calls it only when every
// Russian zone's window is open — plus a description of every part that is
// not a number (masked: it shows only the last two digits).
func SplitPhones(cell string) (phones []phonenum.Number, bad []string) {
	parts := strings.FieldsFunc(cell, func(r rune) bool {
		return r == ',' || r == ';' || r == '/' || r == '|' || r == '\n' || r == '\r' || r == '\\'
	})
	for _, part := range parts {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		if p, err := phonenum.Parse(part); err == nil {
			phones = append(phones, p)
			continue
		} else if ws := strings.Fields(part); len(ws) > 1 {
			// "89131234567 89137654321": several numbers separated by spaces only.
			var ok []phonenum.Number
			for _, w := range ws {
				p, err := phonenum.Parse(w)
				if err != nil {
					ok = nil
					break
				}
				ok = append(ok, p)
			}
			if ok != nil {
				phones = append(phones, ok...)
				continue
			}
			bad = append(bad, err.Error())
		} else {
			bad = append(bad, err.Error())
		}
	}
	return phones, bad
}

var birthLayouts = []string{"02.01.2006", "2.1.2006", "2006-01-02", "02/01/2006", "2/1/2006", "02.01.06"}

func parseBirth(s string) (string, error) {
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "г."))
	for _, l := range birthLayouts {
		if t, err := time.Parse(l, s); err == nil {
			if t.Year() < 1900 || t.Year() > 2025 {
				return "", fmt.Errorf("birth date %q: year %d out of range", s, t.Year())
			}
			return t.Format("2006-01-02"), nil
		}
	}
	return "", fmt.Errorf("birth date %q: want DD.MM.YYYY or YYYY-MM-DD", s)
}

// ReadFile parses the portfolio file at path, named in its rows and errors
// by its base name.
func ReadFile(path string) (Result, error) {
	f, err := os.Open(path)
	if err != nil {
		return Result{}, fmt.Errorf("portfolio: %w", err)
	}
	defer f.Close()
	return Parse(f, filepath.Base(path))
}

// ParseMoney reads an amount in roubles as spreadsheets write it ("12 345,67",
// "12345.67 руб.", "1 000 ₽") and returns kopecks.
func ParseMoney(s string) (int64, error) {
	orig := s
	s = strings.ToLower(strings.TrimSpace(s))
	for _, suf := range []string{"руб.", "руб", "р.", "₽", "rub"} {
		s = strings.TrimSpace(strings.TrimSuffix(s, suf))
	}
	s = strings.Map(func(r rune) rune {
		if r == ' ' || r == '\u00a0' || r == '\u202f' || r == '\'' {
			return -1
		}
		return r
	}, s)
	s = strings.ReplaceAll(s, ",", ".")
	if strings.Count(s, ".") > 1 || s == "" {
		return 0, fmt.Errorf("debt %q: not an amount", orig)
	}
	whole, frac, _ := strings.Cut(s, ".")
	// digits only: ParseInt would take a sign, and "0.-1" was −1 kopeck (FuzzParseMoney)
	if len(frac) > 2 || whole == "" || strings.Trim(whole+frac, "0123456789") != "" {
		return 0, fmt.Errorf("debt %q: not an amount", orig)
	}
	for len(frac) < 2 {
		frac += "0"
	}
	rub, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || rub < 0 || rub > 1e13 {
		return 0, fmt.Errorf("debt %q: not an amount", orig)
	}
	kop, err := strconv.ParseInt(frac, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("debt %q: not an amount", orig)
	}
	return rub*100 + kop, nil
}

// merge folds a later row of the same debtor into d: phones are appended in
// order, empty fields filled; a conflicting field keeps the first value and
// is reported.
func merge(d *Debtor, row Debtor) (warns []string) {
	d.Lines = append(d.Lines, row.Lines...)
	for _, p := range row.Phones {
		d.Phones = appendNew(d.Phones, p)
	}
	fill := func(what string, dst *string, v string) {
		switch {
		case v == "" || *dst == v:
		case *dst == "":
			*dst = v
		default:
			warns = append(warns, fmt.Sprintf("%s %q differs from %q on line %d; kept the first", what, v, *dst, d.Lines[0]))
		}
	}
	fill("name", &d.Name, row.Name)
	fill("region", &d.Region, row.Region)
	fill("address", &d.Address, row.Address)
	fill("collector", &d.Collector, row.Collector)
	fill("birth date", &d.BirthDate, row.BirthDate)
	if d.DebtKop == 0 {
		d.DebtKop = row.DebtKop
	}
	return warns
}
