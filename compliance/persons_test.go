package compliance

import (
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dozvon/dozvon/clock"
	"github.com/dozvon/dozvon/phonenum"
	"github.com/dozvon/dozvon/portfolio"
	"github.com/dozvon/dozvon/store"
)

// importCSV parses a portfolio and stores it as `dozvon import` does.
func importCSV(t *testing.T, db *store.DB, csv string) portfolio.Result {
	t.Helper()
	res, err := portfolio.Parse(strings.NewReader(csv), "p.csv")
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Rejected) > 0 {
		t.Fatalf("rejected rows: %+v", res.Rejected)
	}
	if err := portfolio.Save(t.Context(), db, res, "p.csv"); err != nil {
		t.Fatal(err)
	}
	return res
}

// converse reserves a robot call to the debtor and commits it as a conversation.
func converse(t *testing.T, g *Guard, debtor string, phone phonenum.Number) {
	t.Helper()
	res, d, err := g.Reserve(t.Context(), Request{DebtorID: debtor, Phone: phone, Channel: RobotCall})
	if err != nil || !d.Allowed {
		t.Fatalf("reserve %s: %+v %v", debtor, d, err)
	}
	if err := g.Commit(t.Context(), res, Conversation); err != nil {
		t.Fatal(err)
	}
}

// TestPersonLimitsAcrossContracts: one person with four contracts — the
// name spelled with other case, ё/е and extra spaces, the birth date in
// another format — gets one conversation a day across all of them, not one
// per contract.
func TestPersonLimitsAcrossContracts(t *testing.T) {
	eachBackend(t, func(t *testing.T, db *store.DB, _ string) {
		res := importCSV(t, db, "ФИО;Телефон;Номер договора;Дата рождения;Регион\n"+
			"Ковалёв Пётр Сергеевич;89161110001;КД-1;01.02.1980;г. Москва\n"+
			"КОВАЛЕВ ПЕТР СЕРГЕЕВИЧ;89161110002;КД-2;1980-02-01;г. Москва\n"+
			"  ковалев   пётр  сергеевич ;89161110003;КД-3;01.02.1980;г. Москва\n"+
			"Ковалёв Пётр Сергеевич;89161110004;КД-4;01.02.1980;г. Москва\n"+
			"Ковалёв Пётр Сергеевич;89161110005;КД-5;02.02.1980;г. Москва\n") // another birth date: another person
		if len(res.Debtors) != 5 {
			t.Fatalf("%d debtors, want 5 (one per contract)", len(res.Debtors))
		}
		clock := &settableClock{t: local(t, "Europe/Moscow", "2026-11-23 12:00")}
		g := ledgerGuard(t, db, clock, "node")
		converse(t, g, res.Debtors[0].ID, res.Debtors[0].Phones[0])
		for _, d := range res.Debtors[1:4] {
			_, dec, err := g.Reserve(t.Context(), Request{DebtorID: d.ID, Channel: RobotCall})
			if err != nil || dec.Allowed || dec.Reason != ReasonLimitDay {
				t.Errorf("contract %s of the same person: %+v %v; want denied %s", d.Contract, dec, err, ReasonLimitDay)
			}
		}
		converse(t, g, res.Debtors[4].ID, res.Debtors[4].Phones[0]) // born a day later: someone else
		clock.Set(local(t, "Europe/Moscow", "2026-11-24 12:00"))
		converse(t, g, res.Debtors[2].ID, res.Debtors[2].Phones[0]) // the next day: one again
		if _, dec, err := g.Reserve(t.Context(), Request{DebtorID: res.Debtors[3].ID, Channel: RobotCall}); err != nil || dec.Allowed {
			t.Errorf("second conversation of the person on day 2: %+v %v", dec, err)
		}
	})
}

// TestNumberLimitAcrossRecords: two records of two persons sharing one
// number get one conversation a day on that number; each may still be
// reached on a number of their own.
func TestNumberLimitAcrossRecords(t *testing.T) {
	eachBackend(t, func(t *testing.T, db *store.DB, _ string) {
		ctx := t.Context()
		shared, own := phonenum.MustParse("+79162220000"), phonenum.MustParse("+79162220001")
		for _, d := range []store.Debtor{
			{ID: "wife", Name: "Анна", Region: "г. Москва", Phones: []string{shared.String()}},
			{ID: "husband", Name: "Борис", Region: "г. Москва", Phones: []string{shared.String(), own.String()}},
		} {
			if err := db.UpsertDebtor(ctx, d); err != nil {
				t.Fatal(err)
			}
		}
		clock := &settableClock{t: local(t, "Europe/Moscow", "2026-11-23 12:00")}
		g := ledgerGuard(t, db, clock, "node")
		converse(t, g, "wife", shared)
		_, dec, err := g.Reserve(ctx, Request{DebtorID: "husband", Phone: shared, Channel: RobotCall})
		if err != nil || dec.Allowed || dec.Reason != ReasonLimitDay || !strings.Contains(dec.Detail, "on this number") {
			t.Fatalf("second person on the shared number: %+v %v", dec, err)
		}
		if dec.NextAllowedAt.IsZero() || !dec.NextAllowedAt.After(clock.Now().Add(12*time.Hour)) {
			t.Errorf("next allowed %v: want the next day", dec.NextAllowedAt)
		}
		converse(t, g, "husband", own)
	})
}

// TestPersonLockHoldsAcrossRecords: two records of one person reserved at
// once (no commit: open reservations count as conversations) — only one
// gets through, on PostgreSQL too, where the debtor locks alone would let
// both read an empty ledger.
func TestPersonLockHoldsAcrossRecords(t *testing.T) {
	eachBackend(t, func(t *testing.T, db *store.DB, _ string) {
		var csv strings.Builder
		csv.WriteString("ФИО;Телефон;Номер договора;Дата рождения;Регион\n")
		const n = 6
		for i := range n {
			csv.WriteString("Ковалёв Пётр;8916333000" + string(rune('0'+i)) + ";К-" + string(rune('0'+i)) + ";01.02.1980;г. Москва\n")
		}
		res := importCSV(t, db, csv.String())
		g := ledgerGuard(t, db, &settableClock{t: local(t, "Europe/Moscow", "2026-11-23 12:00")}, "node")
		var wg sync.WaitGroup
		allowed := make(chan string, n)
		for _, d := range res.Debtors {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, dec, err := g.Reserve(t.Context(), Request{DebtorID: d.ID, Channel: RobotCall})
				if err != nil {
					t.Error(err)
				}
				if dec.Allowed {
					allowed <- d.ID
				}
			}()
		}
		wg.Wait()
		close(allowed)
		var got []string
		for id := range allowed {
			got = append(got, id)
		}
		if len(got) != 1 {
			t.Fatalf("%d of %d records of one person reserved at once: %v", len(got), n, got)
		}
	})
}

// TestPersonSplitAndMerge: a wrong merge is corrected by a split that is
// audited, keeps the shared past counted on both (stricter), survives a
// re-import, and can be undone by a merge.
func TestPersonSplitAndMerge(t *testing.T) {
	eachBackend(t, func(t *testing.T, db *store.DB, _ string) {
		ctx := t.Context()
		csv := "ФИО;Телефон;Номер договора;Дата рождения;Регион\n" +
			"Сидоров Иван;89164440001;С-1;03.03.1970;г. Москва\n" +
			"Сидоров Иван;89164440002;С-2;03.03.1970;г. Москва\n" // a namesake born the same day
		res := importCSV(t, db, csv)
		a, b := res.Debtors[0], res.Debtors[1]
		pa, err := db.PersonOf(ctx, a.ID)
		if err != nil || len(pa.Debtors) != 2 {
			t.Fatalf("merged person: %+v %v", pa, err)
		}
		clock := &settableClock{t: local(t, "Europe/Moscow", "2026-11-23 12:00")}
		g := ledgerGuard(t, db, clock, "node")
		converse(t, g, a.ID, a.Phones[0])

		ch, err := db.SplitPerson(ctx, b.ID, "namesake, checked by phone", clock.Now())
		if err != nil || ch.From != pa.ID || ch.To == pa.ID || len(ch.Debtors) != 1 || ch.Debtors[0] != b.ID {
			t.Fatalf("split: %+v %v", ch, err)
		}
		audit, err := db.AuditLog(ctx, b.ID)
		if err != nil {
			t.Fatal(err)
		}
		last := audit[len(audit)-1]
		if last.Action != "person_split" || !strings.Contains(last.Detail, ch.From) || !strings.Contains(last.Detail, ch.To) ||
			!strings.Contains(last.Detail, "namesake") {
			t.Fatalf("split audit: %+v", last)
		}
		// The conversation before the split may have been with either of them: it still counts for b today.
		if _, dec, err := g.Reserve(ctx, Request{DebtorID: b.ID, Channel: RobotCall}); err != nil || dec.Allowed {
			t.Fatalf("split record on the day of the shared conversation: %+v %v", dec, err)
		}
		// The next day they are two persons: one conversation each.
		clock.Set(local(t, "Europe/Moscow", "2026-11-24 12:00"))
		converse(t, g, b.ID, b.Phones[0])
		converse(t, g, a.ID, a.Phones[0])

		// A re-import does not merge them back: the split was made by hand.
		importCSV(t, db, csv)
		if pa, _ := db.PersonOf(ctx, a.ID); len(pa.Debtors) != 1 {
			t.Fatalf("re-import merged the split back: %+v", pa)
		}
		if _, err := db.SplitPerson(ctx, b.ID, "", clock.Now()); err == nil {
			t.Fatal("split of a person with one record accepted")
		}

		// A merge puts them together again, audited; the limits are shared.
		ch, err = db.MergePersons(ctx, b.ID, a.ID, "same passport after all", clock.Now())
		if err != nil || ch.To != pa.ID {
			t.Fatalf("merge: %+v %v", ch, err)
		}
		if audit, _ := db.AuditLog(ctx, b.ID); audit[len(audit)-1].Action != "person_merge" {
			t.Fatalf("merge audit: %+v", audit[len(audit)-1])
		}
		clock.Set(local(t, "Europe/Moscow", "2026-12-02 12:00")) // a week on: three conversations of the merged person that week
		converse(t, g, b.ID, b.Phones[0])
		if _, dec, err := g.Reserve(ctx, Request{DebtorID: a.ID, Channel: RobotCall}); err != nil || dec.Allowed || dec.Reason != ReasonLimitDay {
			t.Fatalf("merged person, second contract the same day: %+v %v", dec, err)
		}
		if _, err := db.MergePersons(ctx, b.ID, a.ID, "", clock.Now()); err == nil {
			t.Fatal("merge of one person with itself accepted")
		}
	})
}

// TestUnplaceableIsADecision: a number the numbering plan cannot place (a
// foreign one, a Russian range it lacks) or a debtor without a usable region
// is decided in every Russian zone — not refused with an error — and the
// address region wins when it can be read. At 05:00 UTC it is 12:00 in
// Novosibirsk but 07:00 in Kaliningrad; at 07:30 UTC every zone is open.
func TestUnplaceableIsADecision(t *testing.T) {
	plan, err := NewPlan([]Range{{From: 9131000000, To: 9139999999, Region: "Новосибирская область"}})
	if err != nil {
		t.Fatal(err)
	}
	early, open := time.Date(2026, 11, 23, 5, 0, 0, 0, time.UTC), time.Date(2026, 11, 23, 7, 30, 0, 0, time.UTC)
	all := RussianZones()
	for i, c := range []struct {
		name, phone, region string
		zones               []string
		allowedEarly        bool
		detail              string
	}{
		{"foreign number", "+44 20 7946 0958", "", all, false, ""},
		{"foreign number, address known", "+44 20 7946 0958", "Новосибирская область", []string{"Asia/Novosibirsk"}, true, ""},
		{"unknown Russian range", "+7 916 123 45 67", "", all, false, ""},
		{"empty region, placed number", "+7 913 123 45 67", "", []string{"Asia/Novosibirsk"}, true, ""},
		{"garbage region", "+7 913 123 45 67", "Нарния, ул. Ленина", all, false, "names no federal subject"},
		{"blank region", "+7 913 123 45 67", "   ", []string{"Asia/Novosibirsk"}, true, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			phone := phonenum.MustParse(c.phone)
			for _, at := range []time.Time{early, open} {
				// a store per instant: the number's own limit must not carry over
				db, err := store.Open(t.Context(), "sqlite:"+filepath.Join(t.TempDir(), at.Format("1504")+".db"))
				if err != nil {
					t.Fatal(err)
				}
				defer db.Close()
				g, err := NewGuard(Config{Plan: plan, Ledger: db, Clock: clock.Fixed(at), Logger: slog.New(slog.DiscardHandler)})
				if err != nil {
					t.Fatal(err)
				}
				debtor := "u" + string(rune('a'+i))
				if err := db.UpsertDebtor(t.Context(), store.Debtor{ID: debtor, Region: c.region, Phones: []string{phone.String()}}); err != nil {
					t.Fatal(err)
				}
				_, dec, err := g.Reserve(t.Context(), Request{DebtorID: debtor, Phone: phone, Channel: RobotCall})
				if err != nil {
					t.Fatalf("reserve at %s: %v (want a decision)", at.Format("15:04"), err)
				}
				if !slices.Equal(dec.Zones, c.zones) {
					t.Errorf("zones %v, want %v", dec.Zones, c.zones)
				}
				want := at.Equal(open) || c.allowedEarly
				if dec.Allowed != want {
					t.Errorf("at %s UTC allowed=%v, want %v: %s", at.Format("15:04"), dec.Allowed, want, dec.Detail)
				}
				if !strings.Contains(dec.Detail, c.detail) {
					t.Errorf("detail %q, want it to say %q", dec.Detail, c.detail)
				}
				// The case contract decides the same way.
				cs := Case{Debtor: CaseDebtor{ID: debtor, Region: c.region}, Phone: phone, At: at, Channel: RobotCall}
				if cd, err := g.Check(t.Context(), cs); err != nil || cd.Allowed != want || !slices.Equal(cd.Zones, c.zones) {
					t.Errorf("check: %+v %v", cd, err)
				}
			}
		})
	}
}

// TestCaseMalformedInput: only malformed input is an error, naming the field;
// a foreign number and an unknown region parse.
func TestCaseMalformedInput(t *testing.T) {
	const tail = `,"at":"2026-11-23T05:00:00Z","channel":"robot_call"}`
	for _, c := range []struct {
		name, js, wantErr string
	}{
		{"foreign number", `{"debtor":{"id":"d"},"phone":"+44 20 7946 0958"` + tail, ""},
		{"foreign debtor phone", `{"debtor":{"id":"d","phones":["+44 20 7946 0958"]}` + tail, ""},
		{"garbage region", `{"debtor":{"id":"d","region":"Нарния"},"phone":"+79131234567"` + tail, ""},
		{"malformed phone", `{"debtor":{"id":"d"},"phone":"+7 913 12x 45 67"` + tail, `field "phone"`},
		{"malformed debtor phone", `{"debtor":{"id":"d","phones":["+79131234567","12"]}` + tail, `field "debtor.phones[1]"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseCase(strings.NewReader(c.js), DefaultPolicy())
			switch {
			case c.wantErr == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case c.wantErr != "" && (err == nil || !strings.Contains(err.Error(), c.wantErr)):
				t.Fatalf("err %v, want one naming %s", err, c.wantErr)
			}
		})
	}
}

// TestPermitForeignNumber: a reserved foreign number gets a permit that
// telephony can check, so it is dialed through the guard like any other.
func TestPermitForeignNumber(t *testing.T) {
	db, err := store.Open(t.Context(), "sqlite:"+filepath.Join(t.TempDir(), "d.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	g := ledgerGuard(t, db, clock.Fixed(time.Date(2026, 11, 23, 7, 30, 0, 0, time.UTC)), "node")
	phone := phonenum.MustParse("+44 20 7946 0958")
	res, dec, err := g.Reserve(t.Context(), Request{DebtorID: "abroad", Phone: phone, Channel: RobotCall})
	if err != nil || !dec.Allowed {
		t.Fatalf("reserve: %+v %v", dec, err)
	}
	if err := res.Permit().Check("+442079460958"); err != nil {
		t.Fatalf("permit: %v", err)
	}
	if err := res.Permit().Check("+442079460959"); err == nil {
		t.Fatal("permit for another number accepted")
	}
}
