package compliance

import (
	"bytes"
	"log/slog"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/dozvon/dozvon/clock"
	"github.com/dozvon/dozvon/phonenum"
	"github.com/dozvon/dozvon/portfolio"
	"github.com/dozvon/dozvon/store"
)

// TestNoNumberInLogsOrErrors runs a portfolio import, compliance checks and
// reservations, and numbering-plan lookups through plain slog text and JSON
// handlers (no ReplaceAttr masking), logging the values and errors the way a
// careless caller would, and asserts that no full number from the inputs
// appears in the output or in any error string.
func TestNoNumberInLogsOrErrors(t *testing.T) {
	ctx := t.Context()
	inputs := []string{
		"+7 (913) 123-45-67", "8-913-765-43-21", "89501234567", // good, 89501234567 in no range of the plan below
		"+44 20 7946 0958", "+7 913 123-45-6x", "+7 013 123 45 67", "8 913 1234 56789", // foreign, letter, leading 0, too long
	}
	var out bytes.Buffer
	for _, h := range []slog.Handler{
		slog.NewTextHandler(&out, &slog.HandlerOptions{Level: slog.LevelDebug}),
		slog.NewJSONHandler(&out, &slog.HandlerOptions{Level: slog.LevelDebug}),
	} {
		log := slog.New(h)
		logErr := func(msg string, err error) {
			if err != nil {
				log.Error(msg, "err", err)
				out.WriteString(err.Error() + "\n")
			}
		}

		// A portfolio import with good and bad numbers.
		csv := "ФИО;Телефоны;Регион\n" +
			"Иванов;" + inputs[0] + ", " + inputs[1] + ";Новосибирская область\n" +
			"Петров;" + inputs[2] + " / " + inputs[3] + ";\n" +
			"Сидоров;" + inputs[4] + ";\n" +
			"Козлов;" + inputs[5] + "; \n" +
			"Орлов;" + inputs[6] + ";\n"
		res, err := portfolio.Parse(strings.NewReader(csv), "p.csv")
		if err != nil || len(res.Debtors) != 2 || len(res.Rejected) != 3 || len(res.Warnings) != 0 { // the foreign number is imported
			t.Fatalf("import: %+v %v", res, err)
		}
		for _, d := range res.Debtors {
			log.Info("debtor", "debtor", d, "phones", d.Phones, "first", d.Phones[0])
		}
		for _, r := range append(res.Rejected, res.Warnings...) {
			log.Warn("row", "line", r.Line, "reason", r.Reason)
		}

		// Compliance checks, allowed and denied, from the JSON contract.
		plan, err := NewPlan([]Range{{From: 9131000000, To: 9139999999, Region: "Новосибирская область"}})
		if err != nil {
			t.Fatal(err)
		}
		db, err := store.Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "d.db"))
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		at := time.Date(2026, 11, 23, 5, 0, 0, 0, time.UTC) // 12:00 in Novosibirsk
		g, err := NewGuard(Config{Plan: plan, Ledger: db, Clock: clock.Fixed(at), Logger: log})
		if err != nil {
			t.Fatal(err)
		}
		for _, js := range []string{
			`{"debtor":{"id":"d1","phones":["` + inputs[0] + `"]},"at":"2026-11-23T05:00:00Z","channel":"robot_call"}`,
			`{"debtor":{"id":"d1","phones":["` + inputs[1] + `"]},"at":"2026-11-23T18:00:00Z","channel":"robot_call"}`,
			`{"debtor":{"id":"d1","phones":["` + inputs[3] + `"]},"at":"2026-11-23T05:00:00Z","channel":"robot_call"}`,
			`{"debtor":{"id":"d1"},"phone":"` + inputs[4] + `","at":"2026-11-23T05:00:00Z","channel":"robot_call"}`,
		} {
			c, err := ParseCase(strings.NewReader(js), g.Policy())
			logErr("parse case", err)
			if err != nil {
				continue
			}
			d, err := g.Check(ctx, c)
			logErr("check", err)
			log.Info("check", "case", c, "phone", c.Phone, "decision", d)
		}
		allowed, denied := 0, 0
		for _, in := range inputs {
			n, err := phonenum.Parse(in)
			logErr("parse", err)
			req := Request{DebtorID: "d2", Phone: n, Channel: RobotCall}
			res, d, err := g.Reserve(ctx, req)
			logErr("reserve", err)
			if err == nil {
				log.Info("reserve", "request", req, "reservation", res, "decision", d)
				if d.Allowed {
					allowed++
				} else {
					denied++
				}
			}
		}
		if allowed == 0 || denied == 0 {
			t.Fatalf("reserve: %d allowed, %d denied; want both", allowed, denied)
		}

		// Numbering-plan lookups, one of them of an unknown range.
		for _, in := range inputs {
			n, err := phonenum.ParseRussian(in)
			logErr("parse", err)
			_, err = NormalizePhone(in)
			logErr("normalize", err)
			if err == nil {
				r, loc, ok := plan.Lookup(n)
				log.Info("numplan lookup", "phone", n, "found", ok, "range", r, "location", loc, "masked", MaskPhone(in))
			}
		}
	}
	if !strings.Contains(out.String(), "+7 950 *** ** 67") || !strings.Contains(out.String(), `found=false`) {
		t.Fatalf("the unknown-range lookup was not logged:\n%s", out.String())
	}
	// Separators are dropped so "913 123-45-67" is caught as well as "9131234567".
	flat := strings.NewReplacer(" ", "", "-", "", "(", "", ")", "", ".", "", "\u00a0", "").Replace(out.String())
	for _, in := range inputs {
		d := regexp.MustCompile(`\D`).ReplaceAllString(in, "")
		for i := 0; i+10 <= len(d); i++ {
			if j := strings.Index(flat, d[i:i+10]); j >= 0 {
				t.Errorf("%q leaks as %q near: %s", in, d[i:i+10], flat[max(0, j-80):min(len(flat), j+40)])
				break
			}
		}
	}
	if t.Failed() {
		t.Logf("output:\n%s", out.String())
	}
}
