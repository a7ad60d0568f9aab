package compliance

import (
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dozvon/dozvon/clock"
	"github.com/dozvon/dozvon/phonenum"
	"github.com/dozvon/dozvon/store"
)

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
