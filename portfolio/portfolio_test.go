package portfolio_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"

	"github.com/dozvon/dozvon/phonenum"
	"github.com/dozvon/dozvon/portfolio"
)

func cp1251(t testing.TB, s string) []byte {
	t.Helper()
	b, err := charmap.Windows1251.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func numbers(ss ...string) []phonenum.Number {
	out := make([]phonenum.Number, len(ss))
	for i, s := range ss {
		out[i] = phonenum.MustParse(s)
	}
	return out
}

// messy is the corpus: each file with the summary it must give.
func messy(t testing.TB) []struct {
	name string
	data []byte
	want portfolio.Summary
	enc  string
} {
	utf8Semi := "\xef\xbb\xbfФИО;Телефоны;Регион;Сумма долга;Номер договора;Ответственный;Дата рождения\n" +
		"Иванов Иван Иванович;+7 (913) 123-45-67, 8-913-765-43-21;Новосибирская область;12 345,67;КД-001;Петров;01.02.1980\n" +
		"\n" + // empty line: not a row
		"Сидорова Анна;89031112233;г. Москва;5000;КД-002;;1990-03-04\n" +
		"Иванов Иван Иванович;\"8 (913) 123-45-67 ; 79130001122\";Новосибирская область;12345.67;кд-001;Петров;01.02.1980\n" + // same contract: merged, +1 phone
		"Без Телефона;;Москва;100;КД-003;;\n" + // line 6: no phone
		"Плохой Номер;12345;Москва;100;КД-004;;\n" + // line 7: bad phone
		";;;;;;\n" + // blank record: not a row
		";89130000000;Москва;1;;;\n" + // line 9: no name, no contract
		"Кривая Дата;89130000001;Москва;1;КД-005;;31.02.1980\n" + // line 10: bad date
		"Кривая Сумма;89130000002;Москва;сто рублей;КД-006;;\n" // line 11: bad debt
	cpComma := "фио,моб. телефон,адрес,дата рождения\n" +
		"Кузнецов Пётр,\"+7 913 111 22 33, +7 913 111 22 44\",\"Томская обл., г. Томск\",05.06.1975\n" +
		"Кузнецов Пётр,89131112255,,05.06.1975\n" + // same name+birth: merged
		"Кузнецов Пётр,89131112266,,06.06.1975\n" + // other birth date: another person
		"Орлова Мария,89131112277 89131112288,,\n" + // two numbers separated by a space
		"Орлова Мария,+1 555 1234,,\n" // line 6: foreign number, imported
	mixed := "ФИО;Телефон;Номер договора\n" +
		"Смирнов;89135550001;A-1\n" +
		"Смирнов2,89135550002,A-2\n" + // a row with the other separator
		"Смирнов3;89135550003;A-3;лишнее\n" + // line 4: extra field
		"Смирнов4;89135550004;\n"
	return []struct {
		name string
		data []byte
		want portfolio.Summary
		enc  string
	}{
		{"utf8-bom-semicolon", []byte(utf8Semi), portfolio.Summary{Rows: 8, Accepted: 3, Debtors: 2, Phones: 4, Rejected: []portfolio.Rejection{
			{6, "no phone"},
			{7, `no valid phone: parse phone "***45": want +7 and 10 digits (or +country code and 8–15 digits), got 5 digits`},
			{9, "no name and no contract number"},
			{10, `birth date "31.02.1980": want DD.MM.YYYY or YYYY-MM-DD`},
			{11, `debt "сто рублей": not an amount`},
		}}, "utf-8"},
		// a foreign number is imported: the guard places it in every Russian zone
		{"cp1251-comma", cp1251(t, cpComma), portfolio.Summary{Rows: 5, Accepted: 5, Debtors: 3, Phones: 7, Rejected: []portfolio.Rejection{}}, "cp1251"},
		{"excel-sep-line-and-title", []byte("sep=,\r\nРеестр должников на 01.11.2026\r\n\r\nФИО,Телефон\r\nА,89131234567\r\nБ,нет\r\n"),
			portfolio.Summary{Rows: 2, Accepted: 1, Debtors: 1, Phones: 1, Rejected: []portfolio.Rejection{
				{6, `no valid phone: parse phone "***": unexpected character 'н'`}}}, "utf-8"},
		{"mixed-separators", []byte(mixed), portfolio.Summary{Rows: 4, Accepted: 3, Debtors: 3, Phones: 3, Rejected: []portfolio.Rejection{
			{4, "4 fields, the header has 3"},
		}}, "utf-8"},
	}
}

func TestParseCorpus(t *testing.T) {
	for _, c := range messy(t) {
		t.Run(c.name, func(t *testing.T) {
			res, err := portfolio.Parse(bytes.NewReader(c.data), c.name)
			if err != nil {
				t.Fatal(err)
			}
			if res.Encoding != c.enc {
				t.Errorf("encoding %s, want %s", res.Encoding, c.enc)
			}
			if got := res.Summary(); !reflect.DeepEqual(got, c.want) {
				t.Errorf("summary\n got %+v\nwant %+v", got, c.want)
			}
		})
	}
}

func TestParseMerge(t *testing.T) {
	res, err := portfolio.Parse(bytes.NewReader(messy(t)[0].data), "x")
	if err != nil {
		t.Fatal(err)
	}
	d := res.Debtors[0]
	want := portfolio.Debtor{ID: d.ID, Key: "contract:КД001", Name: "Иванов Иван Иванович", Contract: "КД-001", BirthDate: "1980-02-01",
		Region: "Новосибирская область", Collector: "Петров", DebtKop: 1234567,
		Phones: numbers("+79131234567", "+79137654321", "+79130001122"), Lines: []int{2, 5}}
	if !reflect.DeepEqual(d, want) {
		t.Fatalf("merged debtor\n got %+v\nwant %+v", d, want)
	}
	// The id is stable across files: a re-import updates the same debtor.
	again, _ := portfolio.Parse(strings.NewReader("номер договора;телефон\nкд 001;89131234567\n"), "y")
	if again.Debtors[0].ID != d.ID {
		t.Fatalf("id %s then %s for the same contract", d.ID, again.Debtors[0].ID)
	}
	// A conflicting field keeps the first value and is reported.
	conf, _ := portfolio.Parse(strings.NewReader("договор;телефон;регион\n1;89131234567;Москва\n1;89131234568;Томская область\n"), "z")
	if conf.Debtors[0].Region != "Москва" || len(conf.Warnings) != 1 || conf.Warnings[0].Line != 3 {
		t.Fatalf("conflict: %+v warnings %+v", conf.Debtors[0], conf.Warnings)
	}
}

func TestParseFileErrors(t *testing.T) {
	for _, c := range []struct{ name, data, want string }{
		{"empty", "", "empty file"},
		{"no phone column", "ФИО;Адрес\nА;Б\n", "no phone column"},
		{"no name column", "Телефон;Адрес\n89131234567;Б\n", "neither a name"},
		{"two name columns", "ФИО;Имя;Телефон\n", `f.csv:1: column 2 "Имя": a second name column`},
		{"no header in the first rows", strings.Repeat("Реестр;;\n", 12) + "ФИО;Телефон\n", "f.csv:1: no phone column"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := portfolio.Parse(strings.NewReader(c.data), "f.csv")
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "f.csv") {
				t.Fatalf("err %v, want one naming f.csv and %q", err, c.want)
			}
		})
	}
}

func TestSplitPhones(t *testing.T) {
	for _, c := range []struct {
		in        string
		phones    []phonenum.Number
		badPrefix string
	}{
		{"+7 (913) 123-45-67", numbers("+79131234567"), ""},
		{"8 913 123 45 67; 79131234568 / 9131234569", numbers("+79131234567", "+79131234568", "+79131234569"), ""},
		{"89131234567 89131234568", numbers("+79131234567", "+79131234568"), ""},
		{"+44 20 7946 0958", numbers("+442079460958"), ""}, // foreign: a number like any other
		{"89131234567, нет", numbers("+79131234567"), `parse phone "***": unexpected character`},
		{"0", nil, `parse phone "***": want +7`},
	} {
		p, bad := portfolio.SplitPhones(c.in)
		if !reflect.DeepEqual(p, c.phones) {
			t.Errorf("%q: phones %v, want %v", c.in, p, c.phones)
		}
		if (c.badPrefix == "") != (len(bad) == 0) || (len(bad) > 0 && !strings.HasPrefix(bad[0], c.badPrefix)) {
			t.Errorf("%q: bad %v, want prefix %q", c.in, bad, c.badPrefix)
		}
	}
}

func TestParseMoney(t *testing.T) {
	for _, c := range []struct {
		in  string
		kop int64
		ok  bool
	}{
		{"12 345,67", 1234567, true}, {"12345.6", 1234560, true}, {"1 000 ₽", 100000, true}, {"500 руб.", 50000, true},
		{"1.2.3", 0, false}, {"-5", 0, false}, {"1,234", 0, false}, {"", 0, false},
	} {
		k, err := portfolio.ParseMoney(c.in)
		if (err == nil) != c.ok || k != c.kop {
			t.Errorf("%q: %d %v, want %d ok=%v", c.in, k, err, c.kop, c.ok)
		}
	}
}

func TestSummaryJSONShape(t *testing.T) {
	res, _ := portfolio.Parse(strings.NewReader("ФИО;Телефон\nА;89131234567\n"), "x")
	b, _ := json.Marshal(res.Summary())
	if string(b) != `{"rows":1,"accepted":1,"debtors":1,"phones":1,"rejected":[]}` {
		t.Fatal(string(b))
	}
}

// TestCommittedCorpus checks the small files in testdata (kept for the demo and
// for people to look at) against their expected summaries.
func TestCommittedCorpus(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.csv")
	if len(files) == 0 {
		t.Fatal("no testdata/*.csv")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			wantB, err := os.ReadFile(strings.TrimSuffix(f, ".csv") + ".json")
			if err != nil {
				t.Fatal(err)
			}
			var want portfolio.Summary
			if err := json.Unmarshal(wantB, &want); err != nil {
				t.Fatal(err)
			}
			res, err := portfolio.Parse(bytes.NewReader(data), f)
			if err != nil {
				t.Fatal(err)
			}
			if got := res.Summary(); !reflect.DeepEqual(got, want) {
				g, _ := json.Marshal(got)
				t.Errorf("got  %s\nwant %s", g, wantB)
			}
		})
	}
}

// BenchmarkParse100k measures import speed on 100,000 rows (rows/s is reported).
func BenchmarkParse100k(b *testing.B) {
	var buf bytes.Buffer
	buf.WriteString("ФИО;Телефоны;Регион;Сумма долга;Номер договора;Дата рождения\n")
	for i := range 100000 {
		fmt.Fprintf(&buf, "Должник %d;+7 (913) %03d-%02d-%02d, 8 903 %07d;Новосибирская область;%d,50;КД-%d;01.01.1980\n",
			i, i/10000, (i/100)%100, i%100, i, i*10, i)
	}
	data := cp1251(b, buf.String())
	b.ResetTimer()
	for b.Loop() {
		res, err := portfolio.Parse(bytes.NewReader(data), "bench")
		if err != nil || res.Accepted != 100000 {
			b.Fatal(err, res.Accepted, res.Rejected[:1])
		}
	}
	b.ReportMetric(float64(100000*b.N)/b.Elapsed().Seconds(), "rows/s")
}

// TestImportUnplaceable: a row the numbering plan or the zone table cannot
// place is imported (the guard decides it in every Russian zone); only a
// malformed number rejects the row, naming its line.
func TestImportUnplaceable(t *testing.T) {
	for _, c := range []struct {
		name, row string
		reject    string // "": imported
	}{
		{"foreign number", "Смит Джон;+44 20 7946 0958;", ""},
		{"unknown Russian range", "Петров Пётр;+7 999 000 00 01;г. Москва", ""},
		{"empty region", "Петров Пётр;+7 916 000 00 02;", ""},
		{"garbage region", "Петров Пётр;+7 916 000 00 03;Нарния, ул. Ленина 1", ""},
		{"malformed number", "Петров Пётр;+7 916 12x 00 04;г. Москва", "no valid phone: parse phone"},
	} {
		t.Run(c.name, func(t *testing.T) {
			res, err := portfolio.Parse(strings.NewReader("ФИО;Телефон;Регион\n"+c.row+"\n"), "p.csv")
			if err != nil {
				t.Fatal(err)
			}
			if c.reject == "" {
				if len(res.Debtors) != 1 || len(res.Rejected) != 0 || len(res.Debtors[0].Phones) != 1 {
					t.Fatalf("not imported: %+v", res)
				}
				return
			}
			if len(res.Debtors) != 0 || len(res.Rejected) != 1 || res.Rejected[0].Line != 2 || !strings.HasPrefix(res.Rejected[0].Reason, c.reject) {
				t.Fatalf("rejected %+v, want line 2: %s", res.Rejected, c.reject)
			}
		})
	}
}

// TestMatchKey: one person's name spelled with other case, ё/е, spacing and
// punctuation gives one key; no birth date or no name gives none.
func TestMatchKey(t *testing.T) {
	want := portfolio.MatchKey("Ковалёв Пётр Сергеевич", "1980-02-01")
	for _, name := range []string{"КОВАЛЕВ ПЕТР СЕРГЕЕВИЧ", "  ковалев   пётр  сергеевич ", "Ковалев, Петр Сергеевич."} {
		if got := portfolio.MatchKey(name, "1980-02-01"); got != want {
			t.Errorf("%q: %q, want %q", name, got, want)
		}
	}
	for _, c := range [][2]string{{"Ковалёв Пётр", ""}, {"", "1980-02-01"}, {" . ", "1980-02-01"}} {
		if got := portfolio.MatchKey(c[0], c[1]); got != "" {
			t.Errorf("%q %q: %q, want none", c[0], c[1], got)
		}
	}
	if portfolio.MatchKey("Ковалёв Пётр", "1980-02-02") == portfolio.MatchKey("Ковалёв Пётр", "1980-02-01") {
		t.Error("two birth dates, one key")
	}
}
