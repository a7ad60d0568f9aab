package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// webhookSchema keeps the webhooks sent to collection systems: the
// endpoints an integration registered (URL, signing secrets — several while
// one is rotated — and the event types it wants) and the outbox: one row per
// event per endpoint, written when the event happens and delivered after, so
// a restart loses no undelivered webhook.
const webhookSchema = `CREATE TABLE webhook_endpoints (
		id {{id}},
		owner TEXT NOT NULL,
		url TEXT NOT NULL,
		secrets TEXT NOT NULL,
		events TEXT NOT NULL,
		created_at BIGINT NOT NULL,
		disabled_at BIGINT NOT NULL DEFAULT 0
	);
	CREATE TABLE webhook_outbox (
		id {{id}},
		endpoint_id BIGINT NOT NULL REFERENCES webhook_endpoints(id),
		event TEXT NOT NULL,
		idem_key TEXT NOT NULL,
		body TEXT NOT NULL,
		created_at BIGINT NOT NULL,
		state TEXT NOT NULL,
		attempts INTEGER NOT NULL DEFAULT 0,
		next_at BIGINT NOT NULL,
		last_error TEXT NOT NULL DEFAULT '',
		done_at BIGINT NOT NULL DEFAULT 0,
		UNIQUE (endpoint_id, idem_key)
	);
	CREATE INDEX webhook_outbox_due ON webhook_outbox(state, next_at)`

// Outbox states.
const (
	WebhookPending   = "pending"
	WebhookDelivered = "delivered"
	WebhookDead      = "dead" // gave up: listed for an operator to look at
)

// WebhookEndpoint is where an integration wants its events.
type WebhookEndpoint struct {
	ID       int64
	Owner    string // the integration user's login
	URL      string
	Secrets  []string // signing secrets, newest first; all sign while rotating
	Events   []string // event types; empty: all
	Created  time.Time
	Disabled time.Time
}

// Wants reports whether the endpoint takes events of this type.
func (e WebhookEndpoint) Wants(event string) bool {
	if len(e.Events) == 0 {
		return true
	}
	for _, ev := range e.Events {
		if ev == event {
			return true
		}
	}
	return false
}

// WebhookDelivery is one event for one endpoint in the outbox.
type WebhookDelivery struct {
	ID         int64
	EndpointID int64
	Event      string
	IdemKey    string
	Body       []byte
	Created    time.Time
	State      string
	Attempts   int
	NextAt     time.Time
	LastError  string
	DoneAt     time.Time
}

// AddWebhookEndpoint registers an endpoint and returns its id.
func (db *DB) AddWebhookEndpoint(ctx context.Context, e WebhookEndpoint) (int64, error) {
	if e.URL == "" || len(e.Secrets) == 0 {
		return 0, errors.New("add webhook endpoint: a URL and a secret are required")
	}
	secrets, _ := json.Marshal(e.Secrets)
	var id int64
	err := db.sql.QueryRowContext(ctx, db.q(`INSERT INTO webhook_endpoints (owner, url, secrets, events, created_at)
		VALUES (?, ?, ?, ?, ?) RETURNING id`), e.Owner, e.URL, string(secrets), strings.Join(e.Events, ","), ns(e.Created)).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("add webhook endpoint: %w", err)
	}
	return id, nil
}

// WebhookEndpoints lists the endpoints not disabled.
func (db *DB) WebhookEndpoints(ctx context.Context) ([]WebhookEndpoint, error) {
	return queryAll(ctx, db, "webhook endpoints", scanEndpoint,
		`SELECT id, owner, url, secrets, events, created_at FROM webhook_endpoints WHERE disabled_at = 0 ORDER BY id`)
}

func scanEndpoint(sc interface{ Scan(...any) error }) (WebhookEndpoint, error) {
	var e WebhookEndpoint
	var secrets, events string
	var created int64
	if err := sc.Scan(&e.ID, &e.Owner, &e.URL, &secrets, &events, &created); err != nil {
		return e, err
	}
	if err := json.Unmarshal([]byte(secrets), &e.Secrets); err != nil {
		return e, fmt.Errorf("endpoint %d: secrets: %w", e.ID, err)
	}
	if events != "" {
		e.Events = strings.Split(events, ",")
	}
	e.Created = time.Unix(0, created).UTC()
	return e, nil
}

// EnqueueWebhook puts one event into the outbox of every endpoint that
// wants it, in one transaction. The idempotency key makes a repeat of the
// same event (a retried commit) a no-op per endpoint.
func (db *DB) EnqueueWebhook(ctx context.Context, event, idemKey string, body []byte, at time.Time) (int, error) {
	eps, err := db.WebhookEndpoints(ctx)
	if err != nil {
		return 0, err
	}
	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("enqueue webhook %s: %w", event, err)
	}
	defer tx.Rollback()
	n := 0
	for _, e := range eps {
		if !e.Wants(event) {
			continue
		}
		res, err := tx.ExecContext(ctx, db.q(`INSERT INTO webhook_outbox (endpoint_id, event, idem_key, body, created_at, state, next_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (endpoint_id, idem_key) DO NOTHING`),
			e.ID, event, idemKey, string(body), ns(at), WebhookPending, ns(at))
		if err != nil {
			return 0, fmt.Errorf("enqueue webhook %s: %w", event, err)
		}
		if k, _ := res.RowsAffected(); k > 0 {
			n++
		}
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("enqueue webhook %s: %w", event, err)
	}
	return n, nil
}

const deliveryColumns = `id, endpoint_id, event, idem_key, body, created_at, state, attempts, next_at, last_error, done_at`

func scanDelivery(sc interface{ Scan(...any) error }) (WebhookDelivery, error) {
	var d WebhookDelivery
	var body string
	var created, next, done int64
	err := sc.Scan(&d.ID, &d.EndpointID, &d.Event, &d.IdemKey, &body, &created, &d.State, &d.Attempts, &next, &d.LastError, &done)
	d.Body = []byte(body)
	d.Created, d.NextAt = time.Unix(0, created).UTC(), time.Unix(0, next).UTC()
	if done != 0 {
		d.DoneAt = time.Unix(0, done).UTC()
	}
	return d, err
}

// DueWebhooks returns up to limit pending deliveries due at now, oldest first.
func (db *DB) DueWebhooks(ctx context.Context, now time.Time, limit int) ([]WebhookDelivery, error) {
	return db.webhooks(ctx, `WHERE state = ? AND next_at <= ? ORDER BY next_at, id LIMIT ?`, WebhookPending, ns(now), limit)
}

// WebhooksIn lists deliveries in a state (e.g. dead letters), newest first.
func (db *DB) WebhooksIn(ctx context.Context, state string, limit int) ([]WebhookDelivery, error) {
	return db.webhooks(ctx, `WHERE state = ? ORDER BY id DESC LIMIT ?`, state, limit)
}

func (db *DB) webhooks(ctx context.Context, where string, args ...any) ([]WebhookDelivery, error) {
	return queryAll(ctx, db, "webhook outbox", scanDelivery, `SELECT `+deliveryColumns+` FROM webhook_outbox `+where, args...)
}

// WebhookDone records a delivery's attempt: delivered, dead, or pending
// again at next.
func (db *DB) WebhookDone(ctx context.Context, id int64, state string, next time.Time, lastErr string, at time.Time) error {
	done := int64(0)
	if state != WebhookPending {
		done = ns(at)
	}
	res, err := db.sql.ExecContext(ctx, db.q(`UPDATE webhook_outbox SET state = ?, attempts = attempts + 1, next_at = ?, last_error = ?, done_at = ?
		WHERE id = ? AND state = ?`), state, ns(next), lastErr, done, id, WebhookPending)
	if err != nil {
		return fmt.Errorf("webhook delivery %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("webhook delivery %d: %w", id, sql.ErrNoRows)
	}
	return nil
}
