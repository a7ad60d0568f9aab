package messages

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/smtp"
	"net/textproto"
	"strings"
	"time"

	"github.com/dozvon/dozvon/compliance"
)

// TLS modes of the SMTP adapter.
const (
	TLSStartTLS = "starttls" // plain connection upgraded by STARTTLS; refused when the server does not offer it (default)
	TLSImplicit = "tls"      // TLS from the first byte (port 465)
	TLSNone     = "none"     // no encryption: only for a server on the same host
)

// SMTPConfig configures the e-mail adapter.
type SMTPConfig struct {
	Addr     string `yaml:"addr"` // host:port of the submission server
	From     string `yaml:"from"` // the envelope and header sender
	Username string `yaml:"username"`
	// Password authenticates with Username (PLAIN, only over TLS or to
	// localhost, as net/smtp insists); read it from the environment
	// (PasswordEnv) rather than the config file.
	Password    string        `yaml:"-"`
	PasswordEnv string        `yaml:"password_env"`
	TLS         string        `yaml:"tls"`     // starttls (default), tls or none
	Timeout     time.Duration `yaml:"timeout"` // whole conversation; default 30s
	HelloName   string        `yaml:"hello"`   // EHLO name; default localhost
	// TLSConfig overrides the TLS client configuration (tests trust their
	// own CA with it); nil: the system roots and the server name of Addr.
	TLSConfig *tls.Config `yaml:"-"`
}

// SMTP sends e-mail through a submission server. It is built on net/smtp:
// the standard library's client (frozen but complete for submission:
// EHLO, STARTTLS, AUTH PLAIN, MAIL, RCPT, DATA), so no dependency is added
// for the handful of commands a message needs.
type SMTP struct {
	c    SMTPConfig
	host string
}

// NewSMTP checks cfg and returns the adapter.
func NewSMTP(cfg SMTPConfig) (*SMTP, error) {
	host, _, err := net.SplitHostPort(cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("smtp: addr %q: want host:port", cfg.Addr)
	}
	if _, err := mail.ParseAddress(cfg.From); err != nil {
		return nil, fmt.Errorf("smtp: from %q: not an e-mail address", cfg.From)
	}
	switch cfg.TLS {
	case "":
		cfg.TLS = TLSStartTLS
	case TLSStartTLS, TLSImplicit, TLSNone:
	default:
		return nil, fmt.Errorf("smtp: tls %q: want starttls, tls or none", cfg.TLS)
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	if cfg.HelloName == "" {
		cfg.HelloName = "localhost"
	}
	return &SMTP{c: cfg, host: host}, nil
}

// Send implements Sender.
func (s *SMTP) Send(ctx context.Context, p compliance.Permit, m Outgoing) (string, error) {
	if err := p.CheckMessage(m.To); err != nil {
		return "", notSent(fmt.Errorf("smtp send: %w", err))
	}
	return s.send(ctx, m)
}

// send composes m and hands it to the server: the part of Send after the
// permit check, which Notify shares.
func (s *SMTP) send(ctx context.Context, m Outgoing) (string, error) {
	to, err := compliance.NormalizeAddress(m.To)
	if err != nil {
		return "", notSent(fmt.Errorf("smtp send: %w", err))
	}
	id, body, err := s.compose(to, m)
	if err != nil {
		return "", notSent(fmt.Errorf("smtp send: %w", err))
	}
	ctx, cancel := context.WithTimeout(ctx, s.c.Timeout)
	defer cancel()
	conn, err := s.dial(ctx)
	if err != nil {
		return "", notSent(fmt.Errorf("smtp send: %w", err))
	}
	defer conn.Close()
	if d, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(d)
	}
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) }) // a cancelled send stops waiting
	defer stop()
	if err := s.deliver(conn, to, body); err != nil {
		return "", fmt.Errorf("smtp send: %w", err)
	}
	return id, nil
}

func (s *SMTP) dial(ctx context.Context) (net.Conn, error) {
	if s.c.TLS == TLSImplicit {
		d := tls.Dialer{Config: s.tlsConfig()}
		return d.DialContext(ctx, "tcp", s.c.Addr)
	}
	var d net.Dialer
	return d.DialContext(ctx, "tcp", s.c.Addr)
}

func (s *SMTP) tlsConfig() *tls.Config {
	if s.c.TLSConfig != nil {
		c := s.c.TLSConfig.Clone()
		if c.ServerName == "" {
			c.ServerName = s.host
		}
		return c
	}
	return &tls.Config{ServerName: s.host, MinVersion: tls.VersionTLS12}
}

// deliver runs the SMTP conversation. Errors up to the end of DATA, and a
// reply the server gave to it, mean the message did not leave (notSent);
// a connection lost while awaiting that reply may have delivered it.
func (s *SMTP) deliver(conn net.Conn, to string, body []byte) error {
	c, err := smtp.NewClient(conn, s.host)
	if err != nil {
		return notSent(err)
	}
	defer c.Close()
	if err := c.Hello(s.c.HelloName); err != nil {
		return notSent(err)
	}
	if s.c.TLS == TLSStartTLS {
		if ok, _ := c.Extension("STARTTLS"); !ok {
			return notSent(errors.New("the server offers no STARTTLS and tls is starttls: refusing to send personal data in clear"))
		}
		if err := c.StartTLS(s.tlsConfig()); err != nil {
			return notSent(fmt.Errorf("starttls: %w", err))
		}
	}
	if s.c.Username != "" {
		pw := s.c.Password
		if pw == "" && s.c.PasswordEnv != "" {
			pw = envLookup(s.c.PasswordEnv)
		}
		if err := c.Auth(smtp.PlainAuth("", s.c.Username, pw, s.host)); err != nil {
			return notSent(fmt.Errorf("auth: %w", err))
		}
	}
	from, _ := mail.ParseAddress(s.c.From)
	if err := c.Mail(from.Address); err != nil {
		return notSent(fmt.Errorf("mail from: %w", err))
	}
	if err := c.Rcpt(to); err != nil {
		return notSent(fmt.Errorf("rcpt to %s: %w", compliance.MaskRecipient(to), err))
	}
	w, err := c.Data()
	if err != nil {
		return notSent(fmt.Errorf("data: %w", err))
	}
	if _, err := w.Write(body); err != nil {
		return notSent(fmt.Errorf("data: %w", err))
	}
	if err := w.Close(); err != nil {
		var tp *textproto.Error
		if errors.As(err, &tp) {
			return notSent(fmt.Errorf("data refused: %w", err)) // the server answered: it did not take it
		}
		return fmt.Errorf("end of data: %w (the message may have been delivered)", err)
	}
	_ = c.Quit() // the message is queued; a failing QUIT changes nothing
	return nil
}

// compose writes the message: UTF-8 text, quoted-printable, the subject
// encoded as RFC 2047 words.
func (s *SMTP) compose(to string, m Outgoing) (string, []byte, error) {
	var rnd [12]byte
	if _, err := rand.Read(rnd[:]); err != nil {
		return "", nil, err
	}
	from, _ := mail.ParseAddress(s.c.From)
	domain := from.Address[strings.LastIndexByte(from.Address, '@')+1:]
	id := "<" + hex.EncodeToString(rnd[:]) + "@" + domain + ">"
	subject := m.Subject
	if subject == "" {
		subject = "Сообщение"
	}
	var b bytes.Buffer
	h := func(k, v string) { fmt.Fprintf(&b, "%s: %s\r\n", k, v) }
	h("From", from.String())
	h("To", to)
	h("Subject", mime.BEncoding.Encode("utf-8", subject))
	h("Date", time.Now().UTC().Format(time.RFC1123Z))
	h("Message-ID", id)
	h("MIME-Version", "1.0")
	h("Content-Type", "text/plain; charset=utf-8")
	h("Content-Transfer-Encoding", "quoted-printable")
	b.WriteString("\r\n")
	qp := quotedprintable.NewWriter(&b)
	if _, err := qp.Write([]byte(strings.ReplaceAll(strings.ReplaceAll(m.Text, "\r\n", "\n"), "\n", "\r\n"))); err != nil {
		return "", nil, err
	}
	if err := qp.Close(); err != nil {
		return "", nil, err
	}
	b.WriteString("\r\n")
	return id, b.Bytes(), nil
}
