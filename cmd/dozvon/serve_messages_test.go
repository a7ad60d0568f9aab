package main

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dozvon/dozvon/callflow"
	"github.com/dozvon/dozvon/clock"
	"github.com/dozvon/dozvon/compliance"
	"github.com/dozvon/dozvon/messages"
	"github.com/dozvon/dozvon/store"
)

// TestScriptSendsAfterThePromise: a call whose dialogue asked for
// payment_details (the outcome slot send) gets it by SMS to the debtor's
// confirmed number, through the guard; an outcome without send sends nothing.
func TestScriptSendsAfterThePromise(t *testing.T) {
	bodies := make(chan []byte, 4)
	gw := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		bodies <- b
	}))
	defer gw.Close()
	db, err := store.Open(t.Context(), "sqlite:"+filepath.Join(t.TempDir(), "d.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := t.Context()
	if err := db.UpsertDebtor(ctx, store.Debtor{ID: "d1", Name: "Иванов Иван", Region: "г. Москва", Phones: []string{"+79161234567"}}); err != nil {
		t.Fatal(err)
	}
	if err := db.SetPhoneStatus(ctx, store.PhoneStatus{DebtorID: "d1", Phone: "+79161234567", Status: store.PhoneConfirmed}); err != nil {
		t.Fatal(err)
	}
	noon := clock.Fixed(time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)) // Monday, 12:00 in Moscow
	g, err := compliance.NewGuard(compliance.Config{Ledger: db, Clock: noon, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	set := messages.Settings{PaymentDetails: "р/с 40817810000000000001", SMS: &messages.SMSConfig{URL: gw.URL}}
	svc, err := set.Build(g, db, noon, slog.New(slog.DiscardHandler), "АО «Банк»")
	if err != nil {
		t.Fatal(err)
	}
	ss := newScriptSends(svc, slog.New(slog.DiscardHandler))
	sent := make(chan error, 4)
	ss.onSent = func(_ messages.Result, err error) { sent <- err }
	go ss.Run(ctx)
	ss.CallEvent(callflow.Event{Kind: callflow.Outcome, CallID: "c0", DebtorID: "d1", Slots: map[string]string{"amount": "5000.00"}})
	ss.CallEvent(callflow.Event{Kind: callflow.Outcome, CallID: "c1", DebtorID: "d1", Slots: map[string]string{"send": "payment_details", "amount": "5000.00"}})
	var body map[string]string
	select {
	case b := <-bodies:
		if err := json.Unmarshal(b, &body); err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the gateway got nothing")
	}
	if body["to"] != "+79161234567" || !strings.Contains(body["text"], "р/с 40817810000000000001") || !strings.Contains(body["text"], "АО «Банк»") {
		t.Fatalf("sms %v", body)
	}
	select {
	case err := <-sent:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the send never finished")
	}
	ms, err := db.Messages(ctx, store.MessageFilter{DebtorID: "d1"})
	if err != nil || len(ms) != 1 || ms[0].Source != "script:c1" || ms[0].Status != store.MessageSent {
		t.Fatalf("messages %+v %v", ms, err)
	}
}
