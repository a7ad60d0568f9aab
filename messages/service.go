package messages

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/dozvon/dozvon/clock"
	"github.com/dozvon/dozvon/compliance"
	"github.com/dozvon/dozvon/phonenum"
	"github.com/dozvon/dozvon/store"
	"github.com/dozvon/dozvon/tts"
)

// Guard is the 230-FZ guard as the service uses it; *compliance.Guard implements it.
type Guard interface {
	Reserve(ctx context.Context, r compliance.Request) (compliance.Reservation, compliance.Decision, error)
	Commit(ctx context.Context, res compliance.Reservation, kind compliance.Kind) error
	Release(ctx context.Context, res compliance.Reservation) error
}

// Store is what the service reads and writes; *store.DB implements it.
type Store interface {
	Debtor(ctx context.Context, id string) (store.Debtor, error)
	DebtorDetailsOf(ctx context.Context, debtorID string) (store.DebtorDetails, error)
	DebtorPhoneStatuses(ctx context.Context, debtorID string) ([]store.PhoneStatus, error)
	DebtorEmails(ctx context.Context, debtorID string) ([]store.DebtorEmail, error)
	InsertMessage(ctx context.Context, m store.Message) error
	UpdateMessage(ctx context.Context, id, status, reason, providerID string, at time.Time) error
	Messages(ctx context.Context, f store.MessageFilter) ([]store.Message, error)
}

// Config wires a Service.
type Config struct {
	Templates *Set
	Senders   map[Channel]Sender // a channel without a sender refuses its messages
	Guard     Guard
	Store     Store
	Clock     clock.Clock
	Log       *slog.Logger
	// Agency, AgencyPhone, Creditor and PaymentDetails fill the variables
	// agency.name, agency.phone, creditor.name and payment.details.
	Agency, AgencyPhone, Creditor, PaymentDetails string
}

// Service sends one message at a time through the guard. Safe for concurrent use.
type Service struct {
	c   Config
	clk clock.Clock
	log *slog.Logger
}

// New checks cfg and returns a Service.
func New(cfg Config) (*Service, error) {
	if cfg.Templates == nil || cfg.Guard == nil || cfg.Store == nil {
		return nil, errors.New("messages: templates, guard and store are required")
	}
	log := cfg.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Service{c: cfg, clk: clock.Or(cfg.Clock), log: log}, nil
}

// List lists the stored messages, newest first.
func (s *Service) List(ctx context.Context, f store.MessageFilter) ([]store.Message, error) {
	return s.c.Store.Messages(ctx, f)
}

// Templates is the service's template set.
func (s *Service) Templates() *Set { return s.c.Templates }

// Request asks for one message.
type Request struct {
	DebtorID string
	Template string
	Channel  Channel // "": the template's first channel with a sender
	// Slots are a call's outcome slots (promise_at, amount), the
	// variables slots.NAME.
	Slots  map[string]string
	Source string // who asks: api:LOGIN, cli, script:CALL-ID
}

// Result is what became of a message.
type Result struct {
	ID        string
	Status    string // a store.Message status
	Reason    string
	Channel   Channel
	Audience  Audience
	Recipient string // masked
	Confirmed bool   // the recipient is confirmed as the debtor's
	// Decision is the guard's, when it was asked (zero otherwise).
	Decision compliance.Decision
	Asked    bool
}

// Errors a Send can wrap. A refusal by the guard, by the disclosure rules
// or for want of a recipient is stored as a message row and returned with
// its Result.
var (
	ErrUnknownTemplate = errors.New("unknown template")
	ErrChannel         = errors.New("channel not available")
	ErrNoRecipient     = errors.New("no recipient")
	ErrDisclosure      = errors.New("disclosure to an unconfirmed recipient")
	ErrDenied          = errors.New("denied by the 230-FZ guard")
	ErrSend            = errors.New("send failed")
)

// Send takes one message through the guard: pick the recipient, refuse a
// template naming the debt to a recipient not confirmed as the debtor's,
// render, reserve (denied: stored and returned), send with the permit,
// then commit it as a message — or release it when the sender says it
// surely did not leave. Every step is stored in the message's row.
func (s *Service) Send(ctx context.Context, r Request) (Result, error) {
	t, ok := s.c.Templates.Get(r.Template)
	if !ok {
		return Result{}, fmt.Errorf("send message: %w %q: have %s", ErrUnknownTemplate, r.Template, strings.Join(s.c.Templates.Names(), ", "))
	}
	ch := r.Channel
	if ch == "" {
		ch = t.Channels[0]
		for _, c := range t.Channels { // the first the service can send by
			if s.c.Senders[c] != nil {
				ch = c
				break
			}
		}
	}
	if !t.Allows(ch) {
		return Result{}, fmt.Errorf("send message: template %s: %w: it goes by %v, not %s", t.Name, ErrChannel, t.Channels, ch)
	}
	sender := s.c.Senders[ch]
	if sender == nil {
		return Result{}, fmt.Errorf("send message: %w: no %s sender is configured", ErrChannel, ch)
	}
	d, err := s.c.Store.Debtor(ctx, r.DebtorID)
	if err != nil {
		return Result{}, fmt.Errorf("send message: debtor %s: %w", r.DebtorID, err)
	}
	det, err := s.c.Store.DebtorDetailsOf(ctx, r.DebtorID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return Result{}, fmt.Errorf("send message: debtor %s: %w", r.DebtorID, err)
	}
	id, err := newMessageID()
	if err != nil {
		return Result{}, fmt.Errorf("send message: %w", err)
	}
	res := Result{ID: id, Channel: ch, Audience: t.Audience}
	row := store.Message{ID: id, DebtorID: d.ID, Channel: string(ch), Template: t.Name, Audience: string(t.Audience), Source: r.Source, Created: s.clk.Now()}
	refuse := func(status string, why error) (Result, error) {
		res.Status, res.Reason = status, why.Error()
		row.Status, row.Reason = status, res.Reason
		if err := s.c.Store.InsertMessage(context.WithoutCancel(ctx), row); err != nil {
			return res, fmt.Errorf("send message: %w (and storing it: %v)", why, err)
		}
		s.log.Info("message refused", "message", id, "debtor", d.ID, "template", t.Name, "channel", ch, "status", status, "to", res.Recipient, "reason", res.Reason)
		return res, fmt.Errorf("send message: %w", why)
	}
	to, confirmed, err := s.recipient(ctx, d, ch)
	if err != nil {
		return refuse(store.MessageRefused, err)
	}
	res.Recipient, res.Confirmed, row.Recipient = compliance.MaskRecipient(to), confirmed, compliance.MaskRecipient(to)
	if t.Audience == ToDebtor && !confirmed {
		return refuse(store.MessageRefused, fmt.Errorf("%w: template %s names the debtor or the debt and may reach only a recipient confirmed as the debtor's; %s %s is not (230-FZ art. 6 part 5)",
			ErrDisclosure, t.Name, ch, res.Recipient))
	}
	subject, text, err := t.Render(s.vars(d, det, r.Slots))
	if err != nil {
		return Result{}, fmt.Errorf("send message: %w", err)
	}
	req := compliance.Request{DebtorID: d.ID, Channel: compliance.Message}
	if ch == Email {
		req.Address = to
	} else if req.Phone, err = phonenum.Parse(to); err != nil {
		return refuse(store.MessageRefused, fmt.Errorf("%w: %s is not a phone number", ErrNoRecipient, res.Recipient))
	}
	resv, dec, err := s.c.Guard.Reserve(ctx, req)
	if err != nil {
		return Result{}, fmt.Errorf("send message: %w", err)
	}
	res.Decision, res.Asked = dec, true
	if b, err := json.Marshal(dec); err == nil {
		row.Decision = string(b)
	}
	if !dec.Allowed {
		why := fmt.Errorf("%w: %s", ErrDenied, dec.Detail)
		res.Status, res.Reason = store.MessageDenied, dec.Reason
		row.Status, row.Reason = store.MessageDenied, dec.Reason
		if err := s.c.Store.InsertMessage(context.WithoutCancel(ctx), row); err != nil {
			return res, fmt.Errorf("send message: %w (and storing it: %v)", why, err)
		}
		s.log.Info("message denied", "message", id, "debtor", d.ID, "template", t.Name, "channel", ch, "reason", dec.Reason, "next_allowed_at", dec.NextAllowedAt)
		return res, fmt.Errorf("send message: %w", why)
	}
	row.Status, row.ReservationID = store.MessageReserved, resv.ID
	// From here on the ledger must hear how it ended whatever the caller's
	// context does: an open reservation would expire into a message anyway.
	bg := context.WithoutCancel(ctx)
	if err := s.c.Store.InsertMessage(bg, row); err != nil {
		if rerr := s.c.Guard.Release(bg, resv); rerr != nil {
			err = fmt.Errorf("%w (and releasing: %v)", err, rerr)
		}
		return Result{}, fmt.Errorf("send message: %w", err)
	}
	provider, serr := sender.Send(ctx, resv.Permit(), Outgoing{To: to, Subject: subject, Text: text})
	now := s.clk.Now()
	if serr != nil {
		res.Status, res.Reason = store.MessageFailed, serr.Error()
		if errors.Is(serr, ErrNotSent) {
			if err := s.c.Guard.Release(bg, resv); err != nil {
				return res, fmt.Errorf("send message: %w: %w (and releasing: %v)", ErrSend, serr, err)
			}
		} else {
			// it may have left: count it, the stricter reading
			res.Reason += " (it may have been delivered: counted as a message)"
			if err := s.c.Guard.Commit(bg, resv, compliance.MessageKind); err != nil {
				return res, fmt.Errorf("send message: %w: %w (and committing: %v)", ErrSend, serr, err)
			}
		}
		if err := s.c.Store.UpdateMessage(bg, id, res.Status, res.Reason, "", now); err != nil {
			return res, fmt.Errorf("send message: %w: %w (and storing it: %v)", ErrSend, serr, err)
		}
		s.log.Warn("message failed", "message", id, "debtor", d.ID, "template", t.Name, "channel", ch, "to", res.Recipient, "err", serr)
		return res, fmt.Errorf("send message: %w: %w", ErrSend, serr)
	}
	res.Status = store.MessageSent
	if err := s.c.Guard.Commit(bg, resv, compliance.MessageKind); err != nil {
		res.Reason = "sent; the ledger commit failed: the reservation expires into a message"
		_ = s.c.Store.UpdateMessage(bg, id, res.Status, res.Reason, provider, now)
		return res, fmt.Errorf("send message %s: sent, but %w", id, err)
	}
	if err := s.c.Store.UpdateMessage(bg, id, res.Status, "", provider, now); err != nil {
		return res, fmt.Errorf("send message %s: sent, but %w", id, err)
	}
	s.log.Info("message sent", "message", id, "debtor", d.ID, "template", t.Name, "channel", ch, "to", res.Recipient)
	return res, nil
}

// recipient picks where the message goes and whether it is confirmed as
// the debtor's: for an SMS the first number calls confirmed (the robot
// identified the debtor on it), else the first number not quarantined; for
// an e-mail the first confirmed address, else the first address.
func (s *Service) recipient(ctx context.Context, d store.Debtor, ch Channel) (string, bool, error) {
	if ch == Email {
		es, err := s.c.Store.DebtorEmails(ctx, d.ID)
		if err != nil {
			return "", false, err
		}
		if len(es) == 0 {
			return "", false, fmt.Errorf("%w: debtor %s has no e-mail address", ErrNoRecipient, d.ID)
		}
		return es[0].Address, es[0].Confirmed, nil // confirmed ones come first
	}
	sts, err := s.c.Store.DebtorPhoneStatuses(ctx, d.ID)
	if err != nil {
		return "", false, err
	}
	status := map[string]string{}
	for _, st := range sts {
		status[st.Phone] = st.Status
	}
	for _, p := range d.Phones {
		if status[p] == store.PhoneConfirmed {
			return p, true, nil
		}
	}
	for _, p := range d.Phones {
		if st := status[p]; st != store.PhoneQuarantined && st != store.PhoneWrongConfirmed {
			return p, false, nil
		}
	}
	return "", false, fmt.Errorf("%w: debtor %s has no number that is not quarantined", ErrNoRecipient, d.ID)
}

// vars are a template's data: the variables of Variables().
func (s *Service) vars(d store.Debtor, det store.DebtorDetails, slots map[string]string) map[string]any {
	first := d.Name
	if f := strings.Fields(d.Name); len(f) >= 2 {
		first = f[1] // "Фамилия Имя Отчество"
	}
	debt := map[string]any{"contract": det.Contract, "amount": ""}
	if det.DebtKop > 0 {
		debt["amount"] = tts.FormatMoney(det.DebtKop)
	}
	sl := map[string]any{}
	for k, v := range slots {
		sl[k] = v
	}
	return map[string]any{
		"agency":   map[string]any{"name": s.c.Agency, "phone": s.c.AgencyPhone},
		"debtor":   map[string]any{"name": d.Name, "first_name": first},
		"creditor": map[string]any{"name": s.c.Creditor},
		"debt":     debt,
		"payment":  map[string]any{"details": s.c.PaymentDetails},
		slotsRoot:  sl,
	}
}

func newMessageID() (string, error) {
	var b [12]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return "m-" + hex.EncodeToString(b[:]), nil
}
