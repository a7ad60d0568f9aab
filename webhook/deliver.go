package webhook

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strconv"
	"time"

	"github.com/dozvon/dozvon/clock"
	"github.com/dozvon/dozvon/internal/safe"
	"github.com/dozvon/dozvon/store"
)

// Outbox is the persisted queue; *store.DB implements it.
type Outbox interface {
	WebhookEndpoints(ctx context.Context) ([]store.WebhookEndpoint, error)
	DueWebhooks(ctx context.Context, now time.Time, limit int) ([]store.WebhookDelivery, error)
	WebhookDone(ctx context.Context, id int64, state string, next time.Time, lastErr string, at time.Time) error
}

// Config tunes delivery; zero values take the defaults.
type Config struct {
	Client      *http.Client  // default: 10 s timeout
	Every       time.Duration // how often the outbox is looked at (default 1 s)
	Batch       int           // deliveries per look (default 50)
	MaxAttempts int           // then the delivery is dead (default 15: about a day of backoff)
	BaseBackoff time.Duration // first retry after this; doubles (default 10 s)
	MaxBackoff  time.Duration // cap (default 2 h)
	Clock       clock.Clock
	Log         *slog.Logger
	// OnAttempt hears the state each attempt left a delivery in
	// (delivered, pending, dead): the metrics' counter.
	OnAttempt func(state string)
}

// Deliverer sends what the outbox holds.
type Deliverer struct {
	box Outbox
	c   Config
}

// NewDeliverer returns a deliverer over box.
func NewDeliverer(box Outbox, c Config) *Deliverer {
	if c.Client == nil {
		c.Client = &http.Client{Timeout: 10 * time.Second}
	}
	if c.Every <= 0 {
		c.Every = time.Second
	}
	if c.Batch <= 0 {
		c.Batch = 50
	}
	if c.MaxAttempts <= 0 {
		c.MaxAttempts = 15
	}
	if c.BaseBackoff <= 0 {
		c.BaseBackoff = 10 * time.Second
	}
	if c.MaxBackoff <= 0 {
		c.MaxBackoff = 2 * time.Hour
	}
	c.Clock = clock.Or(c.Clock)
	if c.Log == nil {
		c.Log = slog.Default()
	}
	return &Deliverer{box: box, c: c}
}

// Run delivers until ctx ends.
func (d *Deliverer) Run(ctx context.Context) {
	t := time.NewTicker(d.c.Every)
	defer t.Stop()
	for {
		safe.Run(d.c.Log, "webhook delivery", func() {
			if _, err := d.Once(ctx); err != nil && ctx.Err() == nil {
				d.c.Log.Warn("webhook delivery", "err", err)
			}
		})
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Once sends every delivery due now and returns how many were delivered.
func (d *Deliverer) Once(ctx context.Context) (int, error) {
	now := d.c.Clock.Now()
	due, err := d.box.DueWebhooks(ctx, now, d.c.Batch)
	if err != nil || len(due) == 0 {
		return 0, err
	}
	eps, err := d.box.WebhookEndpoints(ctx)
	if err != nil {
		return 0, err
	}
	byID := map[int64]store.WebhookEndpoint{}
	for _, e := range eps {
		byID[e.ID] = e
	}
	delivered := 0
	for _, w := range due {
		ep, ok := byID[w.EndpointID]
		var sendErr error
		if !ok {
			sendErr = fmt.Errorf("endpoint %d is disabled or gone", w.EndpointID)
		} else {
			sendErr = d.send(ctx, ep, w)
		}
		at := d.c.Clock.Now()
		state, next, why := store.WebhookDelivered, at, ""
		if sendErr != nil {
			why = sendErr.Error()
			state, next = store.WebhookPending, at.Add(d.backoff(w.Attempts+1))
			if w.Attempts+1 >= d.c.MaxAttempts || !ok {
				state = store.WebhookDead
			}
			// The endpoint's URL may carry a token of the receiver's: log ids only.
			d.c.Log.Info("webhook not delivered", "delivery", w.ID, "event", w.Event, "attempt", w.Attempts+1, "state", state, "err", why)
		} else {
			delivered++
		}
		if err := d.box.WebhookDone(ctx, w.ID, state, next, why, at); err != nil {
			return delivered, err
		}
		if d.c.OnAttempt != nil {
			d.c.OnAttempt(state)
		}
	}
	return delivered, nil
}

// backoff is the wait before attempt n+1: BaseBackoff·2^(n-1), capped,
// with up to 20 % jitter so a receiver back from an outage is not hit by
// every delivery in the same second.
func (d *Deliverer) backoff(n int) time.Duration {
	b := d.c.BaseBackoff
	for i := 1; i < n && b < d.c.MaxBackoff; i++ {
		b *= 2
	}
	b = min(b, d.c.MaxBackoff)
	return b + time.Duration(rand.Int64N(int64(b)/5+1))
}

func (d *Deliverer) send(ctx context.Context, ep store.WebhookEndpoint, w store.WebhookDelivery) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, ep.URL, bytes.NewReader(w.Body))
	if err != nil {
		return fmt.Errorf("request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "dozvon-webhook/1")
	req.Header.Set("Dozvon-Event", w.Event)
	req.Header.Set("Idempotency-Key", w.IdemKey)
	req.Header.Set("Dozvon-Delivery", strconv.FormatInt(w.ID, 10))
	// Signed on the wall clock, whatever the service runs on: the receiver
	// checks the timestamp against its own.
	req.Header.Set(SignatureHeader, Sign(w.Body, time.Now(), ep.Secrets...))
	resp, err := d.c.Client.Do(req)
	if err != nil {
		return fmt.Errorf("post: %w", err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("receiver answered %d", resp.StatusCode)
	}
	return nil
}
