package telephony

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/dozvon/dozvon/clock"
	"github.com/dozvon/dozvon/compliance"
	"github.com/dozvon/dozvon/phonenum"
	"github.com/dozvon/dozvon/store"
)

// permitGuard is a real compliance guard on a temporary SQLite ledger and a
// simulated clock, so tests dial numbers with permits only a guard can make.
type permitGuard struct {
	g   *compliance.Guard
	clk *clock.Sim
	n   int
}

func newPermitGuard(t *testing.T) *permitGuard {
	t.Helper()
	db, err := store.Open(context.Background(), "sqlite:"+t.TempDir()+"/ledger.db")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	// a working Monday at noon in Moscow: inside every calling window
	clk := clock.NewSim(time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC))
	g, err := compliance.NewGuard(compliance.Config{Ledger: db, Clock: clk, Holder: "telephony-test", Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	return &permitGuard{g: g, clk: clk}
}

// reserve asks the guard for a robot call to phone (a new debtor each time).
func (pg *permitGuard) reserve(t *testing.T, phone string) compliance.Reservation {
	t.Helper()
	pg.n++
	res, d, err := pg.g.Reserve(context.Background(), compliance.Request{
		DebtorID: "d" + string(rune('a'+pg.n)), Phone: phonenum.MustParse(phone), Region: "г. Москва", Channel: compliance.RobotCall,
	})
	if err != nil || !d.Allowed {
		t.Fatalf("reserve %s: %v %s", compliance.MaskPhone(phone), err, d.Detail)
	}
	return res
}

// permitFor is a valid permit from a fresh real guard for phone.
func permitFor(t *testing.T, phone string) compliance.Permit {
	t.Helper()
	return newPermitGuard(t).reserve(t, phone).Permit()
}

// TestDialToAPhoneNeedsAPermit: the guard's sealed permit is the only door
// to a phone number; forged, foreign, expired permits are refused with an
// error that shows no full number, and named test endpoints need none.
func TestDialToAPhoneNeedsAPermit(t *testing.T) {
	callee := serveWith(t, Config{}, func(ctx context.Context, in *Inbound) {
		if call, err := in.Answer(ctx); err == nil {
			_ = call.Hangup(ctx)
		}
	})
	caller := newTestUA(t, Config{})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	const phone = "+79131234567"
	tests := []struct {
		name   string
		to     string
		permit func(t *testing.T) compliance.Permit
		ok     bool
	}{
		{"number without permit", callee.URI(phone), nil, false},
		{"number in 8-format without permit", callee.URI("89131234567"), nil, false},
		{"bare number through trunks", "79131234567", nil, false},
		{"hand-filled reservation", callee.URI(phone), func(t *testing.T) compliance.Permit {
			forged := compliance.Reservation{ID: "r-forged", DebtorID: "d1", Phone: phone, Channel: compliance.RobotCall,
				ExpiresAt: time.Now().Add(time.Hour)}
			return forged.Permit()
		}, false},
		{"number with another number's permit", callee.URI(phone), func(t *testing.T) compliance.Permit {
			return permitFor(t, "+79990000000")
		}, false},
		{"expired permit", callee.URI(phone), func(t *testing.T) compliance.Permit {
			pg := newPermitGuard(t)
			res := pg.reserve(t, phone)
			pg.clk.JumpTo(res.ExpiresAt)
			return res.Permit()
		}, false},
		{"renewed permit past the old expiry", callee.URI(phone), func(t *testing.T) compliance.Permit {
			pg := newPermitGuard(t)
			res := pg.reserve(t, phone)
			old := res.ExpiresAt
			pg.clk.JumpTo(old.Add(-time.Minute))
			res, err := pg.g.Renew(context.Background(), res)
			if err != nil {
				t.Fatal(err)
			}
			pg.clk.JumpTo(old.Add(time.Minute))
			return res.Permit()
		}, true},
		{"number with its permit", callee.URI(phone), func(t *testing.T) compliance.Permit { return permitFor(t, phone) }, true},
		{"number in 8-format with its permit", callee.URI("89131234567"), func(t *testing.T) compliance.Permit { return permitFor(t, phone) }, true},
		{"named test endpoint", callee.URI("robot-test"), nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := DialRequest{To: tt.to}
			if tt.permit != nil {
				req.Permit = tt.permit(t)
			}
			call, _, err := caller.Dial(ctx, req)
			if tt.ok != (err == nil) {
				t.Fatalf("err %v, want ok=%v", err, tt.ok)
			}
			if call != nil {
				<-call.Done()
			}
			if err == nil {
				return
			}
			if !errors.Is(err, compliance.ErrInvalidPermit) {
				t.Errorf("err %v does not wrap compliance.ErrInvalidPermit", err)
			}
			if strings.Contains(err.Error(), "9131234567") || strings.Contains(err.Error(), "9990000000") {
				t.Errorf("error shows a full phone number: %v", err)
			}
		})
	}
}
