package portfolio_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/dozvon/dozvon/internal/fuzzseed"
	"github.com/dozvon/dozvon/portfolio"
)

// fuzzFile is the name the fuzzed bytes are imported under.
const fuzzFile = "fuzz.csv"

// FuzzParse imports any bytes as a portfolio file. A file that is refused is
// refused with an error naming it; an imported one accounts for every row
// (accepted + rejected = rows), names lines that exist, and yields debtors
// that each have a key, an id, a Russian phone and the lines they came from,
// one debtor per key.
func FuzzParse(f *testing.F) {
	fuzzseed.Files(f, "testdata/*.csv")
	f.Add([]byte("\xef\xbb\xbfsep=,\nФИО,Телефон,Сумма долга,Дата рождения\nИванов Иван,\"8 913 123-45-67, 89137654321\",\"12 345,67\",01.02.1980\nИванов Иван,+79130000001,,01.02.1980\n"))
	f.Add([]byte("Реестр должников на 01.11.2026\n\nконтракт;phone\nКД-1;9131234567;лишнее\n\"КД 1\";\"913\"\"\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := portfolio.Parse(bytes.NewReader(data), fuzzFile)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "import "+fuzzFile) {
				t.Fatalf("error %q does not name the file", err)
			}
			return
		}
		text, _, _ := portfolio.Decode(data)
		lines := bytes.Count(text, []byte("\n")) + 1
		if res.Accepted+len(res.Rejected) != res.Rows {
			t.Fatalf("%d rows: %d accepted, %d rejected", res.Rows, res.Accepted, len(res.Rejected))
		}
		for _, r := range append(append([]portfolio.Rejection(nil), res.Rejected...), res.Warnings...) {
			if r.Line < 1 || r.Line > lines || r.Reason == "" {
				t.Fatalf("rejection or warning %+v in a file of %d lines", r, lines)
			}
		}
		keys, from := map[string]bool{}, 0
		for _, d := range res.Debtors {
			if d.Key == "" || d.ID == "" || len(d.Phones) == 0 || len(d.Lines) == 0 || keys[d.Key] {
				t.Fatalf("debtor %+v (keys so far %d)", d, len(keys))
			}
			keys[d.Key] = true
			from += len(d.Lines)
			for _, p := range d.Phones {
				if !p.Russian() {
					t.Fatalf("debtor phone %s is not Russian", p.Masked())
				}
			}
			if d.DebtKop < 0 {
				t.Fatalf("debt %d kopecks", d.DebtKop)
			}
		}
		if from != res.Accepted {
			t.Fatalf("%d accepted rows, debtors built from %d", res.Accepted, from)
		}
	})
}

// FuzzParseMoney reads any cell as a debt: an amount is never negative and
// written back as roubles and kopecks it reads the same; a refusal names the cell.
func FuzzParseMoney(f *testing.F) {
	for _, s := range []string{"12 345,67", "12345.67 руб.", "1 000 ₽", "700 руб.", "0.-1", "5.+1", "-0", "1e3", "10000000000000"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		k, err := portfolio.ParseMoney(s)
		if err != nil {
			if !strings.Contains(err.Error(), fmt.Sprintf("%q", s)) {
				t.Fatalf("error %q does not quote the cell", err)
			}
			return
		}
		if k < 0 {
			t.Fatalf("%q = %d kopecks", s, k)
		}
		again := fmt.Sprintf("%d,%02d", k/100, k%100)
		if k2, err := portfolio.ParseMoney(again); err != nil || k2 != k {
			t.Fatalf("%q = %d; written back %q = %d, %v", s, k, again, k2, err)
		}
	})
}
