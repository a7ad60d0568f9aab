package compliance

import (
	"errors"
	"strings"
	"testing"

	"github.com/dozvon/dozvon/phonenum"
	"github.com/dozvon/dozvon/store"
)

// sendMessage reserves a message and commits it as sent.
func sendMessage(t *testing.T, g *Guard, r Request) Decision {
	t.Helper()
	res, d, err := g.Reserve(t.Context(), r)
	if err != nil {
		t.Fatal(err)
	}
	if d.Allowed {
		if err := g.Commit(t.Context(), res, MessageKind); err != nil {
			t.Fatal(err)
		}
	}
	return d
}

// TestMessageLimitsAndHours: SMS and e-mail are held to 230-FZ art. 7 —
// two a day, four a week, the same local hours as calls (without the
// call's length at the end of the window).
func TestMessageLimitsAndHours(t *testing.T) {
	eachBackend(t, func(t *testing.T, db *store.DB, _ string) {
		ctx := t.Context()
		clk := &settableClock{t: local(t, "Europe/Moscow", "2026-11-23 12:00")} // a Monday
		g := ledgerGuard(t, db, clk, "test")
		if err := db.UpsertDebtor(ctx, store.Debtor{ID: "d1", Region: "г. Москва", Phones: []string{"+79161234567"}}); err != nil {
			t.Fatal(err)
		}
		sms := Request{DebtorID: "d1", Channel: Message}
		for i := 0; i < 2; i++ {
			if d := sendMessage(t, g, sms); !d.Allowed {
				t.Fatalf("message %d: %+v", i+1, d)
			}
		}
		d := sendMessage(t, g, sms)
		if d.Allowed || d.Reason != ReasonLimitDay || d.NextAllowedLocal.Format("2006-01-02 15:04") != "2026-11-24 08:10" {
			t.Fatalf("third message in a day: %+v", d)
		}
		// An e-mail is a message too: the person's day is used up whatever the channel.
		d = sendMessage(t, g, Request{DebtorID: "d1", Channel: Message, Address: "Ivan@Mail.RU"})
		if d.Allowed || d.Reason != ReasonLimitDay {
			t.Fatalf("e-mail after two SMS: %+v", d)
		}
		// Two more on Tuesday make four in the week; Wednesday's is the fifth.
		clk.Set(local(t, "Europe/Moscow", "2026-11-24 10:00"))
		for i := 0; i < 2; i++ {
			if d := sendMessage(t, g, sms); !d.Allowed {
				t.Fatalf("Tuesday message %d: %+v", i+1, d)
			}
		}
		clk.Set(local(t, "Europe/Moscow", "2026-11-25 10:00"))
		if d := sendMessage(t, g, sms); d.Allowed || d.Reason != ReasonLimitWeek {
			t.Fatalf("fifth message in a week: %+v", d)
		}
	})
}

func TestMessageHours(t *testing.T) {
	eachBackend(t, func(t *testing.T, db *store.DB, _ string) {
		ctx := t.Context()
		if err := db.UpsertDebtor(ctx, store.Debtor{ID: "d1", Region: "Новосибирская область", Phones: []string{"+79131234567"}}); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			at      string // Novosibirsk local time
			allowed bool
		}{
			{"2026-11-23 08:05", false}, // Monday, inside the 10-minute margin
			{"2026-11-23 08:10", true},
			{"2026-11-23 21:47", true}, // a call could not start here (it must end by 21:50), a message can
			{"2026-11-23 21:50", false},
			{"2026-11-23 23:30", false},
			{"2026-11-28 09:05", false}, // Saturday: 9–20
			{"2026-11-28 19:49", true},
			{"2026-11-28 19:55", false},
			{"2026-11-28 20:30", false},
		} {
			t.Run(c.at, func(t *testing.T) {
				g := ledgerGuard(t, db, &settableClock{t: local(t, "Asia/Novosibirsk", c.at)}, "test")
				res, d, err := g.Reserve(ctx, Request{DebtorID: "d1", Channel: Message})
				if err != nil {
					t.Fatal(err)
				}
				if d.Allowed != c.allowed || (!c.allowed && d.Reason != ReasonWindow) {
					t.Fatalf("at %s: %+v", c.at, d)
				}
				if d.Allowed {
					if err := g.Release(ctx, res); err != nil {
						t.Fatal(err)
					}
				}
			})
		}
	})
}

// TestMessagePermit: a message's permit lets a sender send to its one
// recipient and nothing else — no call, no other number or address.
func TestMessagePermit(t *testing.T) {
	eachBackend(t, func(t *testing.T, db *store.DB, _ string) {
		ctx := t.Context()
		g := ledgerGuard(t, db, &settableClock{t: local(t, "Europe/Moscow", "2026-11-23 12:00")}, "test")
		if err := db.UpsertDebtor(ctx, store.Debtor{ID: "d1", Region: "г. Москва", Phones: []string{"+79161234567"}}); err != nil {
			t.Fatal(err)
		}
		sms, d, err := g.Reserve(ctx, Request{DebtorID: "d1", Channel: Message})
		if err != nil || !d.Allowed {
			t.Fatalf("%+v %v", d, err)
		}
		if err := sms.Permit().CheckMessage("8 (916) 123-45-67"); err != nil {
			t.Fatalf("the reserved number in another spelling: %v", err)
		}
		for name, err := range map[string]error{
			"another number":     sms.Permit().CheckMessage("+79031234567"),
			"an e-mail address":  sms.Permit().CheckMessage("ivan@mail.ru"),
			"a call":             sms.Permit().Check("+79161234567"),
			"a hand-made permit": (Reservation{ID: sms.ID}).Permit().CheckMessage("+79161234567"),
		} {
			if !errors.Is(err, ErrInvalidPermit) {
				t.Errorf("%s: %v", name, err)
			}
			if err != nil && strings.Contains(err.Error(), "1234567") {
				t.Errorf("%s: the error shows the number: %v", name, err)
			}
		}
		em, d, err := g.Reserve(ctx, Request{DebtorID: "d1", Channel: Message, Address: "Ivan Petrov <Ivan@Mail.RU>"})
		if err != nil || !d.Allowed || em.Phone != "Ivan@mail.ru" {
			t.Fatalf("e-mail: %+v %+v %v", em, d, err)
		}
		if err := em.Permit().CheckMessage("Ivan@MAIL.ru"); err != nil {
			t.Fatalf("the reserved address: %v", err)
		}
		if err := em.Permit().CheckMessage("petr@mail.ru"); !errors.Is(err, ErrInvalidPermit) {
			t.Fatalf("another address: %v", err)
		}
		call, d, err := g.Reserve(ctx, Request{DebtorID: "d1", Channel: RobotCall})
		if err != nil || !d.Allowed {
			t.Fatalf("call: %+v %v", d, err)
		}
		if err := call.Permit().CheckMessage("+79161234567"); !errors.Is(err, ErrInvalidPermit) {
			t.Fatalf("a call's permit sent a message: %v", err)
		}
		if _, _, err := g.Reserve(ctx, Request{DebtorID: "d1", Channel: RobotCall, Address: "ivan@mail.ru"}); err == nil {
			t.Fatal("a call to an e-mail address was reserved")
		}
		if _, _, err := g.Reserve(ctx, Request{DebtorID: "d1", Channel: Message, Address: "not an address"}); !errors.Is(err, ErrBadAddress) {
			t.Fatalf("a malformed address: %v", err)
		}
	})
}

// TestExpiredMessageCountsAsMessage: a message reservation whose holder
// vanished may have been sent, so it keeps counting against the message
// limits (as an attempt it would free the day's budget).
func TestExpiredMessageCountsAsMessage(t *testing.T) {
	eachBackend(t, func(t *testing.T, db *store.DB, _ string) {
		ctx := t.Context()
		clk := &settableClock{t: local(t, "Europe/Moscow", "2026-11-23 12:00")}
		g := ledgerGuard(t, db, clk, "test")
		if err := db.UpsertDebtor(ctx, store.Debtor{ID: "d1", Region: "г. Москва", Phones: []string{"+79161234567"}}); err != nil {
			t.Fatal(err)
		}
		req := Request{DebtorID: "d1", Channel: Message, Phone: phonenum.MustParse("+79161234567")}
		if _, d, err := g.Reserve(ctx, req); err != nil || !d.Allowed {
			t.Fatalf("%+v %v", d, err)
		}
		if d := sendMessage(t, g, req); !d.Allowed {
			t.Fatalf("second: %+v", d)
		}
		clk.Set(local(t, "Europe/Moscow", "2026-11-23 13:00")) // the first one's holder never came back
		if n, err := g.ExpireStale(ctx); err != nil || n != 1 {
			t.Fatalf("expire: %d %v", n, err)
		}
		if d := sendMessage(t, g, req); d.Allowed || d.Reason != ReasonLimitDay {
			t.Fatalf("a third message after one expired: %+v", d)
		}
	})
}
