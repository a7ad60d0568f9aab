package api

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/dozvon/dozvon/clock"
	"github.com/dozvon/dozvon/compliance"
	"github.com/dozvon/dozvon/messages"
	"github.com/dozvon/dozvon/store"
)

// withMessages gives the server a real message service: the guard on the
// rig's store at a fixed Monday noon in Moscow, the bundled templates, and
// an httptest server standing in for the SMS gateway (its requests counted).
func withMessages(t *testing.T, sent *int) func(*Config) {
	return func(c *Config) {
		gw := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.Copy(io.Discard, r.Body)
			*sent++ // the handler runs inside the API request that sends: no race with the test's reads
			_, _ = io.WriteString(w, `{"id": "gw"}`)
		}))
		t.Cleanup(gw.Close)
		noon := clock.Fixed(time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC))
		db := c.Store.(*store.DB)
		g, err := compliance.NewGuard(compliance.Config{Ledger: db, Clock: noon, Logger: slog.New(slog.DiscardHandler)})
		if err != nil {
			t.Fatal(err)
		}
		sms, err := messages.NewHTTPSMS(messages.SMSConfig{URL: gw.URL})
		if err != nil {
			t.Fatal(err)
		}
		set, err := messages.Bundled()
		if err != nil {
			t.Fatal(err)
		}
		svc, err := messages.New(messages.Config{Templates: set, Senders: map[messages.Channel]messages.Sender{messages.SMS: sms},
			Guard: g, Store: db, Clock: noon, Agency: "ООО «Пример»", AgencyPhone: "8 800 000-00-00"})
		if err != nil {
			t.Fatal(err)
		}
		c.Messages = svc
	}
}

// TestMessagesRoutes: POST sends through the guard — two a day, the third
// is 409 with the reason and the next allowed time; a template naming the
// debt to an unconfirmed number is 422; a collector reaches only their own
// debtors; GET lists what was tried, masked.
func TestMessagesRoutes(t *testing.T) {
	t.Parallel()
	sent := 0
	rg := newRig(t, withMessages(t, &sent))
	post := func(who as, body string) (int, []byte) {
		t.Helper()
		return rg.do(who, "POST", "/api/v1/messages", "application/json", []byte(body))
	}
	for i := 0; i < 2; i++ {
		status, body := post(ivanova, `{"debtor": "d1", "template": "call_us", "channel": "sms"}`)
		var m Message
		if err := json.Unmarshal(body, &m); status != http.StatusCreated || err != nil || m.Status != store.MessageSent || m.Recipient != "+7 913 *** ** 01" || m.Audience != "anyone" {
			t.Fatalf("message %d: %d %s", i+1, status, body)
		}
	}
	status, body := post(supervisor, `{"debtor": "d1", "template": "call_us"}`)
	resp := envelopeOf(t, status, body)
	if status != http.StatusConflict || resp.Code != "denied" || !strings.Contains(resp.Message, "(limit_day)") ||
		!strings.Contains(resp.Message, "next allowed at 2026-11-24T08:10:00+03:00 local") {
		t.Fatalf("third message: %d %s", status, body)
	}
	if sent != 2 {
		t.Fatalf("the gateway got %d messages, want 2", sent)
	}
	status, body = post(admin, `{"debtor": "d3", "template": "payment_details"}`)
	if e := envelopeOf(t, status, body); status != http.StatusUnprocessableEntity || e.Code != "disclosure" || strings.Contains(string(body), "1234503") {
		t.Fatalf("debt to an unconfirmed number: %d %s", status, body)
	}
	for _, c := range []struct {
		who    as
		body   string
		status int
		code   string
	}{
		{ivanova, `{"debtor": "d2", "template": "call_us"}`, http.StatusNotFound, "not_found"}, // petrov's debtor
		{admin, `{"debtor": "nobody", "template": "call_us"}`, http.StatusNotFound, "not_found"},
		{admin, `{"debtor": "d2", "template": "nope"}`, http.StatusUnprocessableEntity, "invalid"},
		{admin, `{"debtor": "d2", "template": "call_us", "channel": "fax"}`, http.StatusUnprocessableEntity, "invalid"},
		{admin, `{"debtor": "d2", "template": "call_us", "channel": "email"}`, http.StatusUnprocessableEntity, "invalid"}, // no e-mail sender
		{admin, `{"debtor": "d2"}`, http.StatusUnprocessableEntity, "invalid"},
		{admin, `{"debtor": "d2", "template": "call_us", "to": "+79990000000"}`, http.StatusBadRequest, "unknown_field"},
		{nobody, `{"debtor": "d2", "template": "call_us"}`, http.StatusUnauthorized, "unauthenticated"},
	} {
		status, body := post(c.who, c.body)
		if e := envelopeOf(t, status, body); status != c.status || e.Code != c.code {
			t.Errorf("%s %s: %d %s, want %d %s", c.who.role, c.body, status, body, c.status, c.code)
		}
	}
	if sent != 2 {
		t.Fatalf("the gateway got %d messages, want 2", sent)
	}

	list := func(who as, query string) []Message {
		t.Helper()
		status, body := rg.do(who, "GET", "/api/v1/messages"+query, "", nil)
		var page struct {
			Messages []Message `json:"messages"`
		}
		if err := json.Unmarshal(body, &page); status != http.StatusOK || err != nil {
			t.Fatalf("list %s: %d %s", query, status, body)
		}
		return page.Messages
	}
	all := list(admin, "")
	statuses := map[string]int{}
	var denied Message
	for _, m := range all {
		statuses[m.Status]++
		if m.Status == store.MessageDenied {
			denied = m
		}
	}
	if len(all) != 4 || statuses[store.MessageSent] != 2 || statuses[store.MessageRefused] != 1 {
		t.Fatalf("all: %+v", all)
	}
	if denied.NextAllowedAt.IsZero() || denied.Reason != "limit_day" {
		t.Fatalf("the denied one lists without its next allowed time: %+v", denied)
	}
	if got := list(ivanova, ""); len(got) != 4 {
		t.Fatalf("ivanova's (d1 and d3 are hers): %+v", got)
	}
	if got := list(admin, "?debtor=d3"); len(got) != 1 || got[0].Debtor != "d3" {
		t.Fatalf("by debtor: %+v", got)
	}
}

// TestMessagesRoutesAbsent: without a message service both routes are 404.
func TestMessagesRoutesAbsent(t *testing.T) {
	t.Parallel()
	rg := newRig(t)
	if status, _ := rg.do(admin, "GET", "/api/v1/messages", "", nil); status != http.StatusNotFound {
		t.Fatalf("GET: %d", status)
	}
	if status, _ := rg.do(admin, "POST", "/api/v1/messages", "application/json", []byte(`{}`)); status != http.StatusNotFound {
		t.Fatalf("POST: %d", status)
	}
}
