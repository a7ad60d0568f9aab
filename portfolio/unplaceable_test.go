package portfolio_test

import (
	"strings"
	"testing"

	"github.com/dozvon/dozvon/portfolio"
)

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
