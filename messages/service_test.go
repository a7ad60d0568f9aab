package messages

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/dozvon/dozvon/store"
)

// serviceRig is the whole send path on real parts: a SQLite store, the
// guard, the bundled templates, a local SMTP server and a test SMS gateway.
type serviceRig struct {
	*rig
	svc  *Service
	smtp *localSMTP
	sms  chan gatewayHit
}

func newServiceRig(t *testing.T, at string, gatewayStatus int) *serviceRig {
	t.Helper()
	r := newRig(t, at)
	ctx := t.Context()
	for _, d := range []store.Debtor{
		{ID: "d1", Name: "Иванов Иван Иванович", Region: "г. Москва", Phones: []string{"+79161234567", "+79031234567"}},
		{ID: "d2", Name: "Петров Пётр Петрович", Region: "г. Москва", Phones: []string{"+79261234567"}},
	} {
		if err := r.db.UpsertDebtor(ctx, d); err != nil {
			t.Fatal(err)
		}
		if err := r.db.SaveDebtorDetails(ctx, store.DebtorDetails{DebtorID: d.ID, Contract: "К-" + d.ID, DebtKop: 1234550}); err != nil {
			t.Fatal(err)
		}
	}
	// d1: the robot identified the debtor on the second number; the address is confirmed
	if err := r.db.SetPhoneStatus(ctx, store.PhoneStatus{DebtorID: "d1", Phone: "+79031234567", Status: store.PhoneConfirmed, At: r.clock.Now()}); err != nil {
		t.Fatal(err)
	}
	if err := r.db.SetDebtorEmail(ctx, store.DebtorEmail{DebtorID: "d1", Address: "ivan@mail.example", Confirmed: true, At: r.clock.Now()}); err != nil {
		t.Fatal(err)
	}
	srv := startSMTP(t, "robot", "s3cret")
	mailer := mailerFor(t, srv, "robot@agency.example")
	gw, hits := smsGateway(t, gatewayStatus, `{"id": "gw-1"}`)
	sms, err := NewHTTPSMS(SMSConfig{URL: gw.URL, AuthHeader: "X-Api-Key", AuthValue: "k"})
	if err != nil {
		t.Fatal(err)
	}
	set, err := Bundled()
	if err != nil {
		t.Fatal(err)
	}
	svc, err := New(Config{Templates: set, Senders: map[Channel]Sender{Email: mailer, SMS: sms}, Guard: r.guard, Store: r.db, Clock: r.clock,
		Agency: "ООО «Пример»", AgencyPhone: "8 800 000-00-00", Creditor: "АО «Банк»", PaymentDetails: "р/с 40817810000000000001"})
	if err != nil {
		t.Fatal(err)
	}
	return &serviceRig{rig: r, svc: svc, smtp: srv, sms: hits}
}

func (s *serviceRig) noSMS(t *testing.T) {
	t.Helper()
	select {
	case h := <-s.sms:
		t.Fatalf("the gateway was sent %s", h.Body)
	default:
	}
}

func (s *serviceRig) rows(t *testing.T, debtor string) []store.Message {
	t.Helper()
	ms, err := s.db.Messages(t.Context(), store.MessageFilter{DebtorID: debtor})
	if err != nil {
		t.Fatal(err)
	}
	return ms
}

// TestServiceSendsThroughTheGuard: the allowed messages reach the local
// SMTP server and the gateway with the right text; the third in a day is
// denied by the guard, stored as denied with its decision, and sent nowhere.
func TestServiceSendsThroughTheGuard(t *testing.T) {
	t.Parallel()
	s := newServiceRig(t, "2026-11-23 12:00", http.StatusOK)
	ctx := t.Context()
	res, err := s.svc.Send(ctx, Request{DebtorID: "d1", Template: "payment_details", Channel: Email, Source: "test"})
	if err != nil || res.Status != store.MessageSent || res.Recipient != "i***@mail.example" {
		t.Fatalf("e-mail: %+v %v", res, err)
	}
	got := awaitMail(t, s.smtp)
	want := "Иван, реквизиты для оплаты задолженности перед АО «Банк» (12 345 рублей 50 копеек): р/с 40817810000000000001\r\nООО «Пример», 8 800 000-00-00"
	if got.To != "ivan@mail.example" || got.Subject != "Реквизиты для оплаты" || strings.TrimSpace(got.Body) != want {
		t.Fatalf("received %+v\nwant body %q", got, want)
	}

	res, err = s.svc.Send(ctx, Request{DebtorID: "d1", Template: "payment_details", Source: "test"}) // sms, the template's first channel
	if err != nil || res.Status != store.MessageSent || !res.Confirmed {
		t.Fatalf("sms: %+v %v", res, err)
	}
	var body map[string]string
	if err := json.Unmarshal((<-s.sms).Body, &body); err != nil {
		t.Fatal(err)
	}
	if body["to"] != "+79031234567" || !strings.Contains(body["text"], "12 345 рублей 50 копеек") {
		t.Fatalf("the SMS went to the unconfirmed number or lacks the debt: %v", body)
	}

	res, err = s.svc.Send(ctx, Request{DebtorID: "d1", Template: "call_us", Source: "test"})
	if !errors.Is(err, ErrDenied) || res.Status != store.MessageDenied || res.Decision.Reason != "limit_day" ||
		res.Decision.NextAllowedLocal.Format("2006-01-02 15:04") != "2026-11-24 08:10" {
		t.Fatalf("third message in a day: %+v %v", res, err)
	}
	s.noSMS(t)
	noMail(t, s.smtp)
	rows := s.rows(t, "d1")
	if len(rows) != 3 {
		t.Fatalf("rows: %+v", rows)
	}
	statuses := map[string]int{}
	for _, m := range rows {
		statuses[m.Status]++
		if strings.Contains(m.Recipient, "1234567") || strings.Contains(m.Recipient, "ivan@") {
			t.Fatalf("a stored recipient is not masked: %+v", m)
		}
		if m.Status == store.MessageDenied && !strings.Contains(m.Decision, `"limit_day"`) {
			t.Fatalf("denied row without the decision: %+v", m)
		}
	}
	if statuses[store.MessageSent] != 2 || statuses[store.MessageDenied] != 1 {
		t.Fatalf("statuses %v", statuses)
	}
}

func TestServiceOutOfHours(t *testing.T) {
	t.Parallel()
	for _, at := range []string{"2026-11-23 22:30", "2026-11-23 07:00", "2026-11-28 20:15"} {
		s := newServiceRig(t, at, http.StatusOK)
		res, err := s.svc.Send(t.Context(), Request{DebtorID: "d1", Template: "call_us"})
		if !errors.Is(err, ErrDenied) || res.Decision.Reason != "window" || res.Decision.NextAllowedAt.IsZero() {
			t.Fatalf("at %s: %+v %v", at, res, err)
		}
		s.noSMS(t)
	}
}

// TestServiceRefusesDisclosure: a template naming the debt is not sent to
// a number nobody confirmed as the debtor's — refused before the guard, so
// no message of the day's budget is used; a template for anyone is.
func TestServiceRefusesDisclosure(t *testing.T) {
	t.Parallel()
	s := newServiceRig(t, "2026-11-23 12:00", http.StatusOK)
	ctx := t.Context()
	res, err := s.svc.Send(ctx, Request{DebtorID: "d2", Template: "payment_details"})
	if !errors.Is(err, ErrDisclosure) || res.Status != store.MessageRefused || res.Asked {
		t.Fatalf("debt to an unconfirmed number: %+v %v", res, err)
	}
	if strings.Contains(err.Error(), "1234567") {
		t.Fatalf("the error shows the number: %v", err)
	}
	s.noSMS(t)
	if _, err := s.svc.Send(ctx, Request{DebtorID: "d2", Template: "payment_details", Channel: Email}); !errors.Is(err, ErrNoRecipient) {
		t.Fatalf("e-mail without an address: %v", err)
	}
	for i := 0; i < 2; i++ { // the refusal used none of the two
		if res, err := s.svc.Send(ctx, Request{DebtorID: "d2", Template: "call_us"}); err != nil || res.Status != store.MessageSent {
			t.Fatalf("call_us %d: %+v %v", i+1, res, err)
		}
		var body map[string]string
		if err := json.Unmarshal((<-s.sms).Body, &body); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(body["text"], "Петр") || strings.Contains(body["text"], "12 345") {
			t.Fatalf("a message for anyone names the debtor or the debt: %q", body["text"])
		}
	}
	for _, c := range []Request{{DebtorID: "d1", Template: "nope"}, {DebtorID: "d1", Template: "call_us", Channel: "fax"}} {
		if _, err := s.svc.Send(ctx, c); !errors.Is(err, ErrUnknownTemplate) && !errors.Is(err, ErrChannel) {
			t.Fatalf("%+v: %v", c, err)
		}
	}
}

// TestServiceReleasesWhatDidNotLeave: a gateway's 500 means the SMS did not
// leave: the reservation is released, the day's two stay available.
func TestServiceReleasesWhatDidNotLeave(t *testing.T) {
	t.Parallel()
	s := newServiceRig(t, "2026-11-23 12:00", http.StatusInternalServerError)
	for i := 0; i < 3; i++ {
		res, err := s.svc.Send(t.Context(), Request{DebtorID: "d1", Template: "call_us"})
		if !errors.Is(err, ErrSend) || !errors.Is(err, ErrNotSent) || res.Status != store.MessageFailed {
			t.Fatalf("send %d: %+v %v", i+1, res, err)
		}
		<-s.sms
	}
	if rows := s.rows(t, "d1"); len(rows) != 3 || rows[0].Status != store.MessageFailed || rows[0].ReservationID == "" {
		t.Fatalf("rows: %+v", rows)
	}
}
