package webhook

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/dozvon/dozvon/callflow"
)

// Event types sent to collection systems.
const (
	CallEnded     = "call.ended"
	DebtorOutcome = "debtor.outcome"
	CampaignDone  = "campaign.done"
)

// Enqueuer writes an event into the outbox; *store.DB implements it.
type Enqueuer interface {
	EnqueueWebhook(ctx context.Context, event, idemKey string, body []byte, at time.Time) (int, error)
}

// Payload is the JSON body of every webhook. It names the call and the
// debtor by id only: no phone number or name leaves in a webhook.
type Payload struct {
	Event    string    `json:"event"`
	ID       string    `json:"id"` // the idempotency key, also in the Idempotency-Key header
	At       time.Time `json:"at"`
	Campaign string    `json:"campaign,omitempty"`
	Call     string    `json:"call,omitempty"`
	Debtor   string    `json:"debtor,omitempty"`
	Data     any       `json:"data,omitempty"`
}

// Source turns call events into webhooks (a callflow.Subscriber), and
// campaigns marked done into campaign.done.
type Source struct {
	q   Enqueuer
	log *slog.Logger
}

// NewSource returns a subscriber that enqueues call.ended and
// debtor.outcome.
func NewSource(q Enqueuer, log *slog.Logger) *Source {
	if log == nil {
		log = slog.Default()
	}
	return &Source{q: q, log: log}
}

// CallEvent implements callflow.Subscriber. The outbox is written before
// it returns — an event held in memory would be lost by a crash, and at
// least once is the promise. It costs one insert at a call's outcome and
// one at its end, when the call's audio is already over.
func (s *Source) CallEvent(e callflow.Event) {
	var p Payload
	switch e.Kind {
	case callflow.Ended:
		p = Payload{Event: CallEnded, Data: map[string]any{
			"direction": e.Direction, "result": e.Result, "sip_code": e.SIPCode, "outcome": e.Outcome,
		}}
	case callflow.Outcome:
		if e.DebtorID == "" {
			return
		}
		p = Payload{Event: DebtorOutcome, Data: map[string]any{"outcome": e.Outcome, "slots": e.Slots}}
	default:
		return
	}
	p.ID, p.At, p.Campaign, p.Call, p.Debtor = e.CallID+":"+p.Event, e.At.UTC(), e.Campaign, e.CallID, e.DebtorID
	body, err := json.Marshal(p)
	if err == nil {
		_, err = s.q.EnqueueWebhook(context.Background(), p.Event, p.ID, body, e.At)
	}
	if err != nil {
		s.log.Error("webhook not queued", "event", p.Event, "call", e.CallID, "err", err)
	}
}

// CampaignDone enqueues campaign.done for a campaign just marked done, with
// its final counters as data. The idempotency key is the campaign's id, so
// the campaign is announced once per endpoint however often this is
// called. The outbox is written before it returns, as for call events.
func (s *Source) CampaignDone(ctx context.Context, campaign string, at time.Time, counters any) error {
	p := Payload{Event: CampaignDone, ID: campaign + ":" + CampaignDone, At: at.UTC(), Campaign: campaign, Data: counters}
	body, err := json.Marshal(p)
	if err != nil {
		return fmt.Errorf("webhook %s of campaign %s: %w", CampaignDone, campaign, err)
	}
	if _, err := s.q.EnqueueWebhook(ctx, p.Event, p.ID, body, at); err != nil {
		return fmt.Errorf("webhook %s of campaign %s: %w", CampaignDone, campaign, err)
	}
	return nil
}
