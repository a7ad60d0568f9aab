package compliance

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/dozvon/dozvon/clock"
	"github.com/dozvon/dozvon/phonenum"
	"github.com/dozvon/dozvon/store"
)

func permitGuard(t *testing.T) (*Guard, *clock.Sim) {
	t.Helper()
	db, err := store.Open(t.Context(), "sqlite:"+t.TempDir()+"/x.db")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	clk := clock.NewSim(local(t, "Europe/Moscow", "2026-11-23 12:00"))
	return ledgerGuard(t, db, clk, "permit-test"), clk
}

func TestPermit(t *testing.T) {
	const phone = "+79131234567"
	reserve := func(t *testing.T, g *Guard, debtor string, ch Channel) Reservation {
		t.Helper()
		res, d, err := g.Reserve(t.Context(), Request{DebtorID: debtor, Phone: phonenum.MustParse("8 913 123-45-67"), Region: "г. Москва", Channel: ch})
		if err != nil || !d.Allowed {
			t.Fatalf("reserve: %v %s", err, d.Detail)
		}
		return res
	}
	// fresh is a permit from a new guard for a reservation on channel ch.
	fresh := func(ch Channel) func(t *testing.T) Permit {
		return func(t *testing.T) Permit {
			g, _ := permitGuard(t)
			return reserve(t, g, "d1", ch).Permit()
		}
	}
	tests := []struct {
		name   string
		permit func(t *testing.T) Permit
		phone  string
		want   string // "" = valid; else a part of the error
	}{
		{"issued for the number", fresh(RobotCall), phone, ""},
		{"any spelling of the number", fresh(HumanCall), "8 (913) 123-45-67", ""},
		{"zero permit", func(t *testing.T) Permit { return Permit{} }, phone, "none issued"},
		{"hand-filled reservation", func(t *testing.T) Permit {
			return Reservation{ID: "r-1", DebtorID: "d1", Phone: phone, Channel: RobotCall, ExpiresAt: time.Now().Add(time.Hour)}.Permit()
		}, phone, "none issued"},
		{"another number", fresh(RobotCall), "+79990000000", "it is for +7 913 *** ** 67, not +7 999 *** ** 00"},
		{"not a phone number", fresh(RobotCall), "+7 913 12x 45 67", "is not a phone number"},
		{"a foreign number", fresh(RobotCall), "+4930123456789", "it is for +7 913 *** ** 67, not +"},
		{"a message reservation", fresh(Message), phone, "not a call"},
		{"expired on the guard's simulated clock", func(t *testing.T) Permit {
			g, clk := permitGuard(t)
			res := reserve(t, g, "d1", RobotCall)
			clk.JumpTo(res.ExpiresAt)
			return res.Permit()
		}, phone, "expired at"},
		{"sealed by another guard", func(t *testing.T) Permit {
			g, _ := permitGuard(t)
			other, _ := permitGuard(t)
			p := reserve(t, g, "d1", RobotCall).Permit()
			p.issuer = other // what a forger holding another guard's permit would try
			return p
		}, phone, "seal does not verify"},
		{"altered expiry", func(t *testing.T) Permit {
			g, _ := permitGuard(t)
			p := reserve(t, g, "d1", RobotCall).Permit()
			p.expires = p.expires.Add(time.Hour)
			return p
		}, phone, "seal does not verify"},
		{"renewed: valid past the old expiry", func(t *testing.T) Permit {
			g, clk := permitGuard(t)
			res := reserve(t, g, "d1", RobotCall)
			old := res.ExpiresAt
			clk.JumpTo(old.Add(-time.Minute))
			res, err := g.Renew(t.Context(), res)
			if err != nil {
				t.Fatal(err)
			}
			clk.JumpTo(old.Add(time.Minute))
			return res.Permit()
		}, phone, ""},
		{"renewed: the old permit still expires", func(t *testing.T) Permit {
			g, clk := permitGuard(t)
			res := reserve(t, g, "d1", RobotCall)
			clk.JumpTo(res.ExpiresAt.Add(-time.Minute))
			if _, err := g.Renew(t.Context(), res); err != nil {
				t.Fatal(err)
			}
			clk.JumpTo(res.ExpiresAt)
			return res.Permit()
		}, phone, "expired at"},
		{"renewing a hand-filled reservation seals the ledger's number, not its", func(t *testing.T) Permit {
			g, _ := permitGuard(t)
			res := reserve(t, g, "d1", RobotCall)
			forged := Reservation{ID: res.ID, DebtorID: res.DebtorID, Phone: "+79990000000", Channel: RobotCall}
			forged, err := g.Renew(t.Context(), forged)
			if err != nil {
				t.Fatal(err)
			}
			return forged.Permit()
		}, "+79990000000", "it is for +7 913 *** ** 67"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := tt.permit(t)
			if s := p.String(); strings.Contains(s, "9131234567") {
				t.Errorf("String shows the full number: %s", s)
			}
			err := p.Check(tt.phone)
			if (err == nil) != (tt.want == "") || err != nil && !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Check: %v, want an error with %q (none: valid)", err, tt.want)
			}
			if err == nil {
				return
			}
			if !errors.Is(err, ErrInvalidPermit) {
				t.Errorf("%v does not wrap ErrInvalidPermit", err)
			}
			for _, full := range []string{"9131234567", "9990000000", "30123456789"} {
				if strings.Contains(err.Error(), full) {
					t.Errorf("error shows a full number: %v", err)
				}
			}
		})
	}
}
