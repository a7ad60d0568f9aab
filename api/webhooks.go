package api

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/dozvon/dozvon/auth"
	"github.com/dozvon/dozvon/store"
)

// OpsStore is what the operations routes (quarantine review, dead
// webhooks, callbacks) read and write.
type OpsStore interface {
	PhoneStatuses(ctx context.Context, status, phone string) ([]store.PhoneStatus, error)
	QuarantinedFor(ctx context.Context, phone, debtor string) (store.PhoneStatus, error)
	ConfirmWrong(ctx context.Context, st store.PhoneStatus, at time.Time) error
	RestorePhone(ctx context.Context, st store.PhoneStatus, at time.Time) (int64, error)
	WebhooksOfBefore(ctx context.Context, owner, state string, before int64, limit int) ([]store.WebhookDelivery, error)
	CallbacksAfter(ctx context.Context, collector string, until time.Time, after int64, limit int) ([]store.Task, error)
}

// DeadWebhook is a delivery the outbox gave up on.
type DeadWebhook struct {
	ID        int64           `json:"id"`
	Endpoint  int64           `json:"endpoint"`
	Event     string          `json:"event"`
	IdemKey   string          `json:"idempotency_key"`
	Created   time.Time       `json:"created"`
	Attempts  int             `json:"attempts"`
	LastError string          `json:"last_error,omitempty"`
	DoneAt    time.Time       `json:"gave_up_at"`
	Payload   json.RawMessage `json:"payload,omitempty"`
}

// listDeadWebhooks lists dead letters, newest first: an admin sees every
// endpoint's, an integration only those of endpoints it owns (filtered in
// the store's query by owner).
func (s *Server) listDeadWebhooks(w http.ResponseWriter, r *http.Request, p auth.Principal) error {
	q, limit, err := listQuery(r)
	if err != nil {
		return err
	}
	before, err := idCursor(q)
	if err != nil {
		return err
	}
	owner := ""
	if p.Role != auth.Admin {
		if owner = p.Login; owner == "" {
			return errForbidden // an integration with no login owns nothing
		}
	}
	ds, err := s.c.Store.WebhooksOfBefore(r.Context(), owner, store.WebhookDead, before, limit+1)
	ds, next := nextPage(ds, limit, func(d store.WebhookDelivery) int64 { return d.ID })
	return writePage(w, "dead", ds, next, err, func(d store.WebhookDelivery) DeadWebhook {
		out := DeadWebhook{ID: d.ID, Endpoint: d.EndpointID, Event: d.Event, IdemKey: d.IdemKey, Created: d.Created,
			Attempts: d.Attempts, LastError: d.LastError, DoneAt: d.DoneAt}
		if json.Valid(d.Body) { // the outbox holds what was signed; anything else is left out, not mangled
			out.Payload = d.Body
		}
		return out
	})
}
