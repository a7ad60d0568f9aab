package messages

import (
	"fmt"
	"log/slog"

	"github.com/dozvon/dozvon/clock"
)

// Settings is the messages section of dozvon.yaml. Secrets are named by
// the environment variables that hold them (smtp.password_env,
// sms.auth_value_env), never written in the file.
type Settings struct {
	// Templates is the template file ("": the bundled templates.yaml).
	Templates      string `yaml:"templates"`
	Agency         string `yaml:"agency"`       // the agency's name: every message names it (230-FZ art. 7; docs/MESSAGES.md)
	AgencyPhone    string `yaml:"agency_phone"` // the number the debtor can call back
	PaymentDetails string `yaml:"payment_details"`
	// SMTP sends e-mail; nil: no e-mail channel.
	SMTP *SMTPConfig `yaml:"smtp"`
	// SMS sends SMS through an HTTP gateway; nil: no SMS channel.
	SMS *SMSConfig `yaml:"sms"`
}

// Validate checks the settings without connecting anywhere.
func (s Settings) Validate() error {
	if _, err := s.LoadTemplates(); err != nil {
		return err
	}
	_, err := s.senders()
	return err
}

// LoadTemplates loads the configured template file, or the bundled one.
func (s Settings) LoadTemplates() (*Set, error) {
	if s.Templates == "" {
		return Bundled()
	}
	return LoadFile(s.Templates)
}

func (s Settings) senders() (map[Channel]Sender, error) {
	out := map[Channel]Sender{}
	if s.SMTP != nil {
		m, err := NewSMTP(*s.SMTP)
		if err != nil {
			return nil, fmt.Errorf("messages.smtp: %w", err)
		}
		out[Email] = m
	}
	if s.SMS != nil {
		g, err := NewHTTPSMS(*s.SMS)
		if err != nil {
			return nil, fmt.Errorf("messages.sms: %w", err)
		}
		out[SMS] = g
	}
	return out, nil
}

// Build wires a Service from the settings: the templates, a sender per
// configured channel, the guard and the store. creditor fills creditor.name.
func (s Settings) Build(g Guard, st Store, clk clock.Clock, log *slog.Logger, creditor string) (*Service, error) {
	set, err := s.LoadTemplates()
	if err != nil {
		return nil, err
	}
	senders, err := s.senders()
	if err != nil {
		return nil, err
	}
	return New(Config{Templates: set, Senders: senders, Guard: g, Store: st, Clock: clk, Log: log,
		Agency: s.Agency, AgencyPhone: s.AgencyPhone, Creditor: creditor, PaymentDetails: s.PaymentDetails})
}
