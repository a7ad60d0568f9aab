package messages

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"log/slog"
	"math/big"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/dozvon/dozvon/compliance"
	"github.com/dozvon/dozvon/store"
)

// fixedClock stays where a test puts it.
type fixedClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fixedClock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fixedClock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// moscow is a wall time in Moscow ("2026-11-23 12:00"); Moscow keeps UTC+3 all year.
func moscow(t testing.TB, s string) time.Time {
	t.Helper()
	v, err := time.ParseInLocation("2006-01-02 15:04", s, time.FixedZone("MSK", 3*3600))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// rig is a real SQLite store and a real guard on a fixed clock.
type rig struct {
	db    *store.DB
	guard *compliance.Guard
	clock *fixedClock
}

func newRig(t *testing.T, at string) *rig {
	t.Helper()
	db, err := store.Open(t.Context(), "sqlite:"+filepath.Join(t.TempDir(), "dozvon.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	clk := &fixedClock{t: moscow(t, at)}
	g, err := compliance.NewGuard(compliance.Config{Ledger: db, Clock: clk, Holder: "test", Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	return &rig{db: db, guard: g, clock: clk}
}

// withDebtor stores d1, a Moscow debtor with one number.
func (r *rig) withDebtor(t *testing.T) *rig {
	t.Helper()
	if err := r.db.UpsertDebtor(t.Context(), store.Debtor{ID: "d1", Region: "г. Москва", Phones: []string{"+79161234567"}}); err != nil {
		t.Fatal(err)
	}
	return r
}

// mailerFor is the SMTP adapter for the local server, trusting its
// certificate, logged in as robot/s3cret.
func mailerFor(t *testing.T, srv *localSMTP, from string) *SMTP {
	t.Helper()
	s, err := NewSMTP(SMTPConfig{Addr: srv.Addr, From: from, Username: "robot", Password: "s3cret",
		TLSConfig: &tls.Config{RootCAs: srv.Pool, MinVersion: tls.VersionTLS12}})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// permit reserves a message to the debtor's number or address and returns its permit.
func (r *rig) permit(t *testing.T, debtor, to string) compliance.Permit {
	t.Helper()
	req := compliance.Request{DebtorID: debtor, Channel: compliance.Message}
	if strings.Contains(to, "@") {
		req.Address = to
	} else {
		req.Phone = mustPhone(t, to)
	}
	res, d, err := r.guard.Reserve(t.Context(), req)
	if err != nil || !d.Allowed {
		t.Fatalf("reserve: %+v %v", d, err)
	}
	return res.Permit()
}

// received is one message the local SMTP server took.
type received struct {
	From, To string
	Subject  string
	Body     string // decoded
	User     string // who authenticated
}

// localSMTP is an SMTP submission server started by the test (go-smtp):
// STARTTLS with a certificate of its own, PLAIN auth, every message handed
// to a channel.
type localSMTP struct {
	Addr string
	Pool *x509.CertPool // trusts its certificate
	Got  chan received
	// Refuse, when set, is the error DATA answers.
	Refuse error
}

func startSMTP(t *testing.T, user, password string) *localSMTP {
	t.Helper()
	return startSMTPWith(t, user, password, true)
}

// startSMTPWith starts the server, offering STARTTLS only with withTLS.
func startSMTPWith(t *testing.T, user, password string, withTLS bool) *localSMTP {
	t.Helper()
	cert, pool := selfSigned(t)
	l := &localSMTP{Pool: pool, Got: make(chan received, 8)}
	s := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &smtpSession{srv: l, user: user, password: password}, nil
	}))
	s.Domain = "localhost"
	if withTLS {
		s.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	} else {
		s.AllowInsecureAuth = true
	}
	s.ReadTimeout, s.WriteTimeout = 10*time.Second, 10*time.Second
	s.ErrorLog = discardLogger{}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	l.Addr = ln.Addr().String()
	done := make(chan struct{})
	go func() { defer close(done); _ = s.Serve(ln) }()
	t.Cleanup(func() { s.Close(); <-done })
	return l
}

type discardLogger struct{}

func (discardLogger) Printf(string, ...interface{}) {}
func (discardLogger) Println(...interface{})        {}

type smtpSession struct {
	srv            *localSMTP
	user, password string
	authed         string
	msg            received
}

func (s *smtpSession) AuthMechanisms() []string { return []string{sasl.Plain} }
func (s *smtpSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, u, p string) error {
		if u != s.user || p != s.password {
			return errors.New("bad credentials")
		}
		s.authed = u
		return nil
	}), nil
}
func (s *smtpSession) Mail(from string, _ *smtp.MailOptions) error {
	if s.user != "" && s.authed == "" {
		return smtp.ErrAuthRequired
	}
	s.msg.From = from
	return nil
}
func (s *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error { s.msg.To = to; return nil }
func (s *smtpSession) Data(r io.Reader) error {
	m, err := mail.ReadMessage(r)
	if err != nil {
		return err
	}
	if s.srv.Refuse != nil {
		_, _ = io.Copy(io.Discard, m.Body)
		return s.srv.Refuse
	}
	var body io.Reader = m.Body
	if strings.EqualFold(m.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
		body = quotedprintable.NewReader(m.Body)
	}
	b, err := io.ReadAll(body)
	if err != nil {
		return err
	}
	subj, err := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	if err != nil {
		return err
	}
	s.msg.Subject, s.msg.Body, s.msg.User = subj, string(b), s.authed
	s.srv.Got <- s.msg
	return nil
}
func (s *smtpSession) Reset()        { s.msg = received{} }
func (s *smtpSession) Logout() error { return nil }

// selfSigned makes a certificate for 127.0.0.1 and a pool trusting it.
func selfSigned(t *testing.T) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "localhost"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, DNSNames: []string{"localhost"},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool
}

// awaitMail waits for the local server to take a message, with a deadline.
func awaitMail(t *testing.T, l *localSMTP) received {
	t.Helper()
	select {
	case m := <-l.Got:
		return m
	case <-time.After(10 * time.Second):
		t.Fatal("the local SMTP server received nothing")
	}
	return received{}
}

// noMail checks the server has taken nothing (every send in the tests is
// synchronous: Send returns after the server answered DATA).
func noMail(t *testing.T, l *localSMTP) {
	t.Helper()
	select {
	case m := <-l.Got:
		t.Fatalf("the local SMTP server received %+v", m)
	default:
	}
}
