package callbacks_test

import (
	"io"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/dozvon/dozvon/callbacks"
	"github.com/dozvon/dozvon/clock"
	"github.com/dozvon/dozvon/handoff"
	"github.com/dozvon/dozvon/messages"
)

// mailbox is an SMTP server started by the test (go-smtp, on loopback, no
// TLS: the adapter's tls: none) that hands every message to a channel.
type mailbox struct {
	addr string
	got  chan mailed
}

type mailed struct{ to, subject, body string }

type mailboxSession struct {
	box *mailbox
	to  string
}

func (s *mailboxSession) Mail(string, *smtp.MailOptions) error      { return nil }
func (s *mailboxSession) Rcpt(to string, _ *smtp.RcptOptions) error { s.to = to; return nil }
func (s *mailboxSession) Data(r io.Reader) error {
	m, err := mail.ReadMessage(r)
	if err != nil {
		return err
	}
	b, err := io.ReadAll(quotedprintable.NewReader(m.Body))
	if err != nil {
		return err
	}
	subj, err := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	if err != nil {
		return err
	}
	s.box.got <- mailed{to: s.to, subject: subj, body: string(b)}
	return nil
}
func (s *mailboxSession) Reset()        {}
func (s *mailboxSession) Logout() error { return nil }

func startMailbox(t *testing.T) *mailbox {
	t.Helper()
	box := &mailbox{got: make(chan mailed, 4)}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &mailboxSession{box: box}, nil }))
	srv.Domain = "localhost"
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	box.addr = ln.Addr().String()
	done := make(chan struct{})
	go func() { defer close(done); _ = srv.Serve(ln) }()
	t.Cleanup(func() { srv.Close(); <-done })
	return box
}

// TestOfferedCallbackMailsTheCollector: a due callback offered to a
// collector with an e-mail address sends them a notice through the SMTP
// adapter — the debtor's masked name and number, the due time and a link
// to the card, never the full number — and the debtor's ledger counts
// nothing (a notice to staff is no message to the debtor). A collector
// without an address gets nothing.
func TestOfferedCallbackMailsTheCollector(t *testing.T) {
	ctx, db := t.Context(), openStore(t)
	tk := offeredTask(t, db)
	box := startMailbox(t)
	smtpa, err := messages.NewSMTP(messages.SMTPConfig{Addr: box.addr, From: "dozvon <robot@agency.example>", TLS: messages.TLSNone})
	if err != nil {
		t.Fatal(err)
	}
	dir, err := handoff.New(nil, nil, []handoff.Endpoint{{Login: "ivanova", Email: "ivanova@agency.example"}, {Login: "petrov"}})
	if err != nil {
		t.Fatal(err)
	}
	o := callbacks.New(ctx, db, presenceForTests{}, nil, nil, callbacks.Config{Grace: grace, Node: "n1", Clock: clock.NewSim(t0),
		Mail: &callbacks.Mail{Mailer: smtpa, Address: dir.Email, PublicURL: "https://dozvon.agency.example/"}})
	o.Offered(ctx, tk, t0.Add(grace))
	o.Wait()
	var got mailed
	select { // Wait returned after the server answered DATA: the message is here or was never sent
	case got = <-box.got:
	default:
		t.Fatal("no e-mail reached the local SMTP server")
	}
	if got.to != "ivanova@agency.example" || got.subject != "Обратный звонок: Иванов П." {
		t.Fatalf("e-mail to %q, subject %q", got.to, got.subject)
	}
	for _, want := range []string{"+7 916 *** ** 02", "25.11.2026 09:00 MSK", "до 25.11.2026 09:05 MSK", "https://dozvon.agency.example/app/debtors/d1"} {
		if !strings.Contains(got.body, want) {
			t.Errorf("the e-mail lacks %q:\n%s", want, got.body)
		}
	}
	for _, leak := range []string{"1110002", "Пётр"} {
		if strings.Contains(got.body+got.subject, leak) {
			t.Errorf("the e-mail holds %q:\n%s", leak, got.body)
		}
	}
	if es, err := db.LedgerEntries(ctx, "d1"); err != nil || len(es) != 0 {
		t.Errorf("the debtor's ledger: %+v (%v), want nothing counted for a notice to staff", es, err)
	}

	// a collector with no address: no e-mail
	tk.OfferedTo = "petrov"
	o.Offered(ctx, tk, t0.Add(grace))
	o.Wait()
	select {
	case m := <-box.got:
		t.Fatalf("petrov has no address, yet an e-mail went to %q", m.to)
	default:
	}
}

// TestOfflineCollectorIsMailedWithinTheGrace: a collector who is offline
// when their callback falls due still gets it offered when they have an
// e-mail address — the notice can bring them to their page within the
// grace period — and no phone is rung; without an address the robot takes
// it at once, as before.
func TestOfflineCollectorIsMailedWithinTheGrace(t *testing.T) {
	for _, c := range []struct {
		name      string
		email     string
		wantGrace time.Duration
	}{
		{name: "with an address", email: "ivanova@agency.example", wantGrace: grace},
		{name: "without one", wantGrace: 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx, db := t.Context(), openStore(t)
			tk := offeredTask(t, db)
			tk.OfferedTo = ""
			// no server for the collector without an address: nothing may dial it
			// (and go-smtp's Close can miss a Serve that never accepted)
			box := &mailbox{addr: "127.0.0.1:1"}
			if c.email != "" {
				box = startMailbox(t)
			}
			smtpa, err := messages.NewSMTP(messages.SMTPConfig{Addr: box.addr, From: "robot@agency.example", TLS: messages.TLSNone})
			if err != nil {
				t.Fatal(err)
			}
			dir, err := handoff.New(nil, nil, []handoff.Endpoint{{Login: "ivanova", Email: c.email}})
			if err != nil {
				t.Fatal(err)
			}
			p := &placerForTests{}
			o := callbacks.New(ctx, db, presenceForTests{}, p, nil, callbacks.Config{Grace: grace, Clock: clock.NewSim(t0),
				Mail: &callbacks.Mail{Mailer: smtpa, Address: dir.Email}})
			g := o.Grace(ctx, tk)
			if g != c.wantGrace {
				t.Fatalf("grace %v, want %v", g, c.wantGrace)
			}
			if g == 0 {
				return
			}
			tk.OfferedTo = tk.PinnedTo
			o.Offered(ctx, tk, t0.Add(g))
			o.Wait()
			select {
			case m := <-box.got:
				if m.to != c.email {
					t.Errorf("e-mail to %q, want %q", m.to, c.email)
				}
			default:
				t.Fatal("the offline collector got no e-mail")
			}
			if len(p.reqs) != 0 {
				t.Errorf("an offline collector's phone was rung: %+v", p.reqs)
			}
		})
	}
}
