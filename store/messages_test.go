package store_test

import (
	"errors"
	"testing"
	"time"

	"github.com/dozvon/dozvon/store"
)

func TestMessagesAndEmails(t *testing.T) {
	eachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		at := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
		for _, d := range []store.Debtor{{ID: "d1", Phones: []string{"+79161234567"}}, {ID: "d2", Phones: []string{"+79261234567"}}} {
			if err := db.UpsertDebtor(ctx, d); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.AssignCollector(ctx, "d1", "anna"); err != nil {
			t.Fatal(err)
		}
		for i, m := range []store.Message{
			{ID: "m1", DebtorID: "d1", Channel: "sms", Template: "call_us", Audience: "anyone", Recipient: "+7 9** *** ** 67", Status: store.MessageReserved, ReservationID: "r-1", Source: "cli"},
			{ID: "m2", DebtorID: "d2", Channel: "email", Template: "payment_details", Audience: "debtor", Recipient: "i***@mail.example", Status: store.MessageDenied, Reason: "window", Decision: `{"allowed":false}`},
		} {
			m.Created = at.Add(time.Duration(i) * time.Minute)
			if err := db.InsertMessage(ctx, m); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.UpdateMessage(ctx, "m1", store.MessageSent, "", "gw-1", at.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if err := db.UpdateMessage(ctx, "nope", store.MessageSent, "", "", at); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("update of a missing message: %v", err)
		}
		all, err := db.Messages(ctx, store.MessageFilter{})
		if err != nil || len(all) != 2 || all[0].ID != "m2" || all[1].Status != store.MessageSent || all[1].ProviderID != "gw-1" ||
			!all[1].Updated.Equal(at.Add(time.Hour)) || all[0].Decision != `{"allowed":false}` {
			t.Fatalf("all: %+v %v", all, err)
		}
		mine, err := db.Messages(ctx, store.MessageFilter{Collector: "anna"})
		if err != nil || len(mine) != 1 || mine[0].ID != "m1" {
			t.Fatalf("a collector's: %+v %v", mine, err)
		}
		one, err := db.Messages(ctx, store.MessageFilter{DebtorID: "d2", Limit: 1})
		if err != nil || len(one) != 1 || one[0].ID != "m2" {
			t.Fatalf("by debtor: %+v %v", one, err)
		}
		if err := db.InsertMessage(ctx, store.Message{ID: "m3"}); err == nil {
			t.Fatal("a message without a debtor was stored")
		}

		for _, e := range []store.DebtorEmail{{DebtorID: "d1", Address: "a@x.example", At: at}, {DebtorID: "d1", Address: "b@x.example", Confirmed: true, At: at}} {
			if err := db.SetDebtorEmail(ctx, e); err != nil {
				t.Fatal(err)
			}
		}
		es, err := db.DebtorEmails(ctx, "d1")
		if err != nil || len(es) != 2 || es[0].Address != "b@x.example" || !es[0].Confirmed || es[1].Confirmed {
			t.Fatalf("e-mails: %+v %v", es, err)
		}
		if err := db.SetPhoneStatus(ctx, store.PhoneStatus{DebtorID: "d1", Phone: "+79161234567", Status: store.PhoneConfirmed, At: at}); err != nil {
			t.Fatal(err)
		}
		sts, err := db.DebtorPhoneStatuses(ctx, "d1")
		if err != nil || len(sts) != 1 || sts[0].Status != store.PhoneConfirmed {
			t.Fatalf("phone statuses: %+v %v", sts, err)
		}
	})
}
