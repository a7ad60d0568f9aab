package messages

import (
	"crypto/tls"
	"errors"
	"strings"
	"testing"

	"github.com/emersion/go-smtp"

	"github.com/dozvon/dozvon/compliance"
	"github.com/dozvon/dozvon/phonenum"
)

func mustPhone(t *testing.T, s string) phonenum.Number {
	t.Helper()
	n, err := phonenum.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestSMTPSendsOverSTARTTLSWithAuth(t *testing.T) {
	t.Parallel()
	r := newRig(t, "2026-11-23 12:00").withDebtor(t)
	srv := startSMTP(t, "robot", "s3cret")
	s := mailerFor(t, srv, "Агентство <robot@agency.example>")
	text := "Иван, реквизиты для оплаты: р/с 40817810000000000001.\nСумма: 12 345 рублей 50 копеек."
	id, err := s.Send(t.Context(), r.permit(t, "d1", "ivan@mail.example"), Outgoing{To: "ivan@mail.example", Subject: "Реквизиты для оплаты", Text: text})
	if err != nil {
		t.Fatal(err)
	}
	got := awaitMail(t, srv)
	if got.To != "ivan@mail.example" || got.From != "robot@agency.example" || got.User != "robot" || got.Subject != "Реквизиты для оплаты" {
		t.Fatalf("envelope: %+v", got)
	}
	if strings.ReplaceAll(strings.TrimSpace(got.Body), "\r\n", "\n") != text {
		t.Fatalf("body %q, want %q", got.Body, text)
	}
	if !strings.HasPrefix(id, "<") {
		t.Fatalf("message id %q", id)
	}

	// Without the guard's permit nothing is sent, and nothing connects.
	for name, p := range map[string]compliance.Permit{
		"no permit":           {},
		"a permit for others": r.permit(t, "d1", "petr@mail.example"),
	} {
		if _, err := s.Send(t.Context(), p, Outgoing{To: "ivan@mail.example", Text: "x"}); !errors.Is(err, compliance.ErrInvalidPermit) || !errors.Is(err, ErrNotSent) {
			t.Errorf("%s: %v", name, err)
		}
	}
	noMail(t, srv)
}

func TestSMTPRefusals(t *testing.T) {
	t.Parallel()
	r := newRig(t, "2026-11-23 12:00").withDebtor(t)
	srv := startSMTP(t, "robot", "s3cret")
	tlsc := &tls.Config{RootCAs: srv.Pool, MinVersion: tls.VersionTLS12}
	cases := []struct {
		name string
		cfg  SMTPConfig
		srv  error
	}{
		{"wrong password", SMTPConfig{Addr: srv.Addr, From: "robot@agency.example", Username: "robot", Password: "nope", TLSConfig: tlsc}, nil},
		{"untrusted certificate", SMTPConfig{Addr: srv.Addr, From: "robot@agency.example", Username: "robot", Password: "s3cret"}, nil},
		{"data refused", SMTPConfig{Addr: srv.Addr, From: "robot@agency.example", Username: "robot", Password: "s3cret", TLSConfig: tlsc},
			&smtp.SMTPError{Code: 554, Message: "rejected"}},
	}
	for _, c := range cases {
		srv.Refuse = c.srv
		s, err := NewSMTP(c.cfg)
		if err != nil {
			t.Fatal(err)
		}
		_, err = s.Send(t.Context(), r.permit(t, "d1", "ivan@mail.example"), Outgoing{To: "ivan@mail.example", Text: "x"})
		if !errors.Is(err, ErrNotSent) {
			t.Errorf("%s: %v, want a not-sent error", c.name, err)
		}
		r.clock.Set(r.clock.Now().AddDate(0, 0, 7)) // a fresh week: permits left open expire into messages
	}
	srv.Refuse = nil
	noMail(t, srv)

	// A server that offers no STARTTLS gets nothing while tls is starttls
	// (the default): personal data does not travel in clear.
	plain := startSMTPWith(t, "robot", "s3cret", false)
	s, err := NewSMTP(SMTPConfig{Addr: plain.Addr, From: "robot@agency.example", Username: "robot", Password: "s3cret"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Send(t.Context(), r.permit(t, "d1", "ivan@mail.example"), Outgoing{To: "ivan@mail.example", Text: "x"})
	if !errors.Is(err, ErrNotSent) || !strings.Contains(err.Error(), "no STARTTLS") {
		t.Fatalf("a server without STARTTLS: %v", err)
	}
	noMail(t, plain)
	for _, bad := range []SMTPConfig{{Addr: "nohost", From: "a@b.c"}, {Addr: "h:25", From: "nobody"}, {Addr: "h:25", From: "a@b.c", TLS: "ssl"}} {
		if _, err := NewSMTP(bad); err == nil {
			t.Errorf("config %+v accepted", bad)
		}
	}
}
