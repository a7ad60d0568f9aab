package api

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/dozvon/dozvon/auth"
	"github.com/dozvon/dozvon/messages"
	"github.com/dozvon/dozvon/store"
)

// Messenger sends SMS and e-mail through the 230-FZ guard and lists what
// was sent; *messages.Service implements it.
type Messenger interface {
	Send(ctx context.Context, r messages.Request) (messages.Result, error)
	List(ctx context.Context, f store.MessageFilter) ([]store.Message, error)
}

// Message is a message as the API shows it: the recipient masked, never
// the text (it may name the debt).
type Message struct {
	ID               string    `json:"id"`
	Debtor           string    `json:"debtor"`
	Channel          string    `json:"channel"`
	Template         string    `json:"template"`
	Audience         string    `json:"audience"`
	Recipient        string    `json:"recipient"`
	Status           string    `json:"status"`
	Reason           string    `json:"reason,omitempty"`
	NextAllowedAt    time.Time `json:"next_allowed_at,omitzero"`
	NextAllowedLocal string    `json:"next_allowed_local,omitempty"`
	Source           string    `json:"source,omitempty"`
	Created          time.Time `json:"created_at,omitzero"`
}

// messageView turns a stored row into the API's form; a denied one gets
// its next allowed time from the stored decision.
func messageView(m store.Message) Message {
	out := Message{ID: m.ID, Debtor: m.DebtorID, Channel: m.Channel, Template: m.Template, Audience: m.Audience, Recipient: m.Recipient,
		Status: m.Status, Reason: m.Reason, Source: m.Source, Created: m.Created}
	if m.Status == store.MessageDenied && m.Decision != "" {
		var d struct {
			At    *time.Time `json:"next_allowed_at"`
			Local *string    `json:"next_allowed_local"`
		}
		if json.Unmarshal([]byte(m.Decision), &d) == nil && d.At != nil {
			out.NextAllowedAt = d.At.UTC()
			if d.Local != nil {
				out.NextAllowedLocal = *d.Local
			}
		}
	}
	return out
}

// listMessages answers GET /messages[?debtor=ID][&limit=N]: newest first, a
// collector's own debtors' only (scoped in the store's query).
func (s *Server) listMessages(w http.ResponseWriter, r *http.Request, p auth.Principal) error {
	if s.c.Messages == nil {
		return errNotFound
	}
	q, limit, err := listQuery(r)
	if err != nil {
		return err
	}
	ms, err := s.c.Messages.List(r.Context(), store.MessageFilter{DebtorID: q.Get("debtor"), Collector: scope(p), Limit: limit})
	return writePage(w, "messages", ms, "", err, messageView)
}

type messageRequest struct {
	Debtor   string `json:"debtor"`
	Template string `json:"template"`
	Channel  string `json:"channel"`
}

// sendMessage answers POST /messages {debtor, template, channel}: 201 with
// the sent message; 409 "denied" with the guard's reason and next allowed
// time (also as Retry-After); 422 "disclosure" when the template would name
// the debt to a recipient not confirmed as the debtor's, "no_recipient"
// when the debtor has none; 502 when the sender failed. Every outcome but
// a bad request is stored and listed, with the id the error names.
func (s *Server) sendMessage(w http.ResponseWriter, r *http.Request, p auth.Principal) error {
	if s.c.Messages == nil {
		return errNotFound
	}
	var req messageRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	if req.Debtor == "" {
		return invalid("debtor is required", "debtor")
	}
	if req.Template == "" {
		return invalid("template is required", "template")
	}
	var ch messages.Channel
	if req.Channel != "" {
		var err error
		if ch, err = messages.ParseChannel(req.Channel); err != nil {
			return invalid(err.Error(), "channel")
		}
	}
	if _, err := s.c.Store.DebtorFor(r.Context(), req.Debtor, scope(p)); err != nil {
		return notFound(err) // a collector's reach is their own debtors
	}
	res, err := s.c.Messages.Send(r.Context(), messages.Request{DebtorID: req.Debtor, Template: req.Template, Channel: ch, Source: "api:" + p.Login})
	view := Message{ID: res.ID, Debtor: req.Debtor, Channel: string(res.Channel), Template: req.Template, Audience: string(res.Audience),
		Recipient: res.Recipient, Status: res.Status, Reason: res.Reason, Source: "api:" + p.Login}
	switch {
	case err == nil:
		writeJSON(w, http.StatusCreated, view)
		return nil
	case errors.Is(err, messages.ErrUnknownTemplate):
		return invalid(err.Error(), "template")
	case errors.Is(err, messages.ErrChannel):
		return invalid(err.Error(), "channel")
	case errors.Is(err, store.ErrNotFound):
		return errNotFound
	case errors.Is(err, messages.ErrDenied):
		// the envelope, with the reason and the next allowed time in its
		// message and as Retry-After; the stored row (GET /messages) has both
		// as fields
		d := res.Decision
		msg := "the 230-FZ guard denies message " + res.ID + " now (" + d.Reason + "): " + d.Detail
		if !d.NextAllowedAt.IsZero() {
			w.Header().Set("Retry-After", d.NextAllowedAt.UTC().Format(http.TimeFormat))
			msg += "; next allowed at " + d.NextAllowedLocal.Format(time.RFC3339) + " local"
		}
		return &Error{Status: http.StatusConflict, Code: "denied", Message: msg}
	case errors.Is(err, messages.ErrDisclosure):
		return &Error{Status: http.StatusUnprocessableEntity, Code: "disclosure", Message: "message " + res.ID + " refused: " + res.Reason, Field: "template"}
	case errors.Is(err, messages.ErrNoRecipient):
		return &Error{Status: http.StatusUnprocessableEntity, Code: "no_recipient", Message: "message " + res.ID + " refused: " + res.Reason, Field: "channel"}
	case errors.Is(err, messages.ErrSend):
		s.log.Warn("api message send failed", "message", res.ID, "err", err)
		return &Error{Status: http.StatusBadGateway, Code: "send_failed", Message: "message " + res.ID + ": the " + string(res.Channel) + " sender failed; it is stored as failed"}
	}
	return err
}
