package webhook

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dozvon/dozvon/callflow"
	"github.com/dozvon/dozvon/clock"
	"github.com/dozvon/dozvon/internal/logsink"
	"github.com/dozvon/dozvon/store"
)

func TestSignAndVerify(t *testing.T) {
	body := []byte(`{"event":"call.ended"}`)
	now := time.Date(2026, 12, 6, 4, 0, 0, 0, time.UTC)
	tests := []struct {
		name    string
		header  string
		body    []byte
		at      time.Time
		secrets []string
		want    error
	}{
		{"right secret", Sign(body, now, "s1"), body, now, []string{"s1"}, nil},
		{"rotation: signed with both, receiver knows the old", Sign(body, now, "new", "old"), body, now, []string{"old"}, nil},
		{"rotation: receiver knows the new", Sign(body, now, "new", "old"), body, now, []string{"new"}, nil},
		{"tampered body", Sign(body, now, "s1"), []byte(`{"event":"call.endeD"}`), now, []string{"s1"}, ErrBadSignature},
		{"wrong secret", Sign(body, now, "s1"), body, now, []string{"s2"}, ErrBadSignature},
		{"older than the tolerance", Sign(body, now.Add(-6*time.Minute), "s1"), body, now, []string{"s1"}, ErrStale},
		{"from the future", Sign(body, now.Add(6*time.Minute), "s1"), body, now, []string{"s1"}, ErrStale},
		{"no timestamp", "v1=00", body, now, []string{"s1"}, ErrBadSignature},
		{"garbage", "hello", body, now, []string{"s1"}, ErrBadSignature},
	}
	for _, tt := range tests {
		err := Verify(tt.header, tt.body, tt.at, Tolerance, tt.secrets...)
		if !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) {
			t.Errorf("%s: Verify = %v, want %v", tt.name, err, tt.want)
		}
	}
}

// receiver is a collection system's webhook endpoint: it verifies every
// delivery as integrators are told to and answers with the codes it is
// scripted to give.
type receiver struct {
	mu      sync.Mutex
	secret  string
	fail    map[string]int // per idempotency key: how many deliveries to fail first
	got     []http.Header
	bodies  [][]byte
	refused int // deliveries whose signature did not verify
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if err := Verify(r.Header.Get(SignatureHeader), body, time.Now(), Tolerance, rc.secret); err != nil {
		rc.refused++
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	code := http.StatusOK
	if key := r.Header.Get("Idempotency-Key"); rc.fail[key] > 0 {
		rc.fail[key]--
		code = http.StatusServiceUnavailable
	}
	if code == http.StatusOK {
		rc.got = append(rc.got, r.Header.Clone())
		rc.bodies = append(rc.bodies, body)
	}
	w.WriteHeader(code)
}

func openStore(t *testing.T, path string) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), "sqlite:"+path)
	if err != nil {
		t.Fatal(err)
	}
	return db
}

// TestOutboxSurvivesARestartAndRetries: a call's end is queued, the service
// restarts before delivering, the receiver fails twice and is retried with a
// growing backoff, then gets exactly one signed delivery per event; a
// delivery whose body was tampered with is refused by the receiver.
func TestOutboxSurvivesARestartAndRetries(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "dozvon.db")
	rc := &receiver{secret: "whsec-1", fail: map[string]int{"c1:call.ended": 2, "c1:debtor.outcome": 2}}
	srv := httptest.NewServer(rc)
	defer srv.Close()

	db := openStore(t, path)
	if _, err := db.AddWebhookEndpoint(ctx, store.WebhookEndpoint{Owner: "crm", URL: srv.URL, Secrets: []string{"whsec-1"}}); err != nil {
		t.Fatal(err)
	}
	log, logs := logsink.New()
	src := NewSource(db, log)
	at := time.Date(2026, 12, 9, 9, 0, 0, 0, time.UTC)
	for range 2 { // a repeated event is queued once
		src.CallEvent(callflow.Event{Kind: callflow.Outcome, CallID: "c1", DebtorID: "d1", Campaign: "k1", At: at, Outcome: "callback"})
		src.CallEvent(callflow.Event{Kind: callflow.Ended, CallID: "c1", DebtorID: "d1", Campaign: "k1", At: at, Result: "answered", Outcome: "callback"})
	}
	if err := db.Close(); err != nil { // the service stops before delivering
		t.Fatal(err)
	}

	db = openStore(t, path)
	defer db.Close()
	sim := clock.NewSim(at)
	d := NewDeliverer(db, Config{Clock: sim, Log: log, BaseBackoff: 10 * time.Second})
	var waits []time.Duration // from each failed round to the next retry of the soonest delivery
	for attempt := 1; attempt <= 3; attempt++ {
		n, err := d.Once(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pending, _ := db.WebhooksIn(ctx, store.WebhookPending, 10)
		if attempt == 3 {
			if n != 2 || len(pending) != 0 {
				t.Fatalf("after the receiver recovered: %d delivered, %d still pending", n, len(pending))
			}
			break
		}
		if n != 0 || len(pending) != 2 {
			t.Fatalf("attempt %d: %d delivered, %d pending; the receiver refused both", attempt, n, len(pending))
		}
		first, last := pending[0].NextAt, pending[0].NextAt
		for _, p := range pending {
			if p.NextAt.Before(first) {
				first = p.NextAt
			}
			if p.NextAt.After(last) {
				last = p.NextAt
			}
		}
		waits = append(waits, first.Sub(sim.Now()))
		sim.JumpTo(last) // both due again
	}
	if len(waits) != 2 || waits[0] < 10*time.Second || waits[1] <= waits[0] {
		t.Errorf("backoff waits %v: want ≥ 10 s, then longer", waits)
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if len(rc.got) != 2 || rc.refused != 0 {
		t.Fatalf("receiver got %d deliveries (%d refused), want 2 (call.ended and debtor.outcome once each)", len(rc.got), rc.refused)
	}
	keys := map[string]bool{}
	for _, h := range rc.got {
		keys[h.Get("Idempotency-Key")] = true
	}
	if !keys["c1:call.ended"] || !keys["c1:debtor.outcome"] {
		t.Errorf("idempotency keys %v", keys)
	}
	// The receiver's own check refuses a tampered copy of a real delivery.
	tampered := append([]byte(nil), rc.bodies[0]...)
	tampered[len(tampered)-2] ^= 1
	if err := Verify(rc.got[0].Get(SignatureHeader), tampered, time.Now(), Tolerance, "whsec-1"); !errors.Is(err, ErrBadSignature) {
		t.Errorf("a tampered delivery verified: %v", err)
	}
	if logs.Count("whsec") != 0 {
		t.Errorf("a secret reached the log:\n%s", logs.String())
	}
}

// TestDeadLetters: a receiver that never accepts is given up after
// MaxAttempts and its delivery listed as dead.
func TestDeadLetters(t *testing.T) {
	ctx := context.Background()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusGone) }))
	defer srv.Close()
	db := openStore(t, filepath.Join(t.TempDir(), "dozvon.db"))
	defer db.Close()
	if _, err := db.AddWebhookEndpoint(ctx, store.WebhookEndpoint{Owner: "crm", URL: srv.URL, Secrets: []string{"s"}, Events: []string{CallEnded}}); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 12, 9, 9, 0, 0, 0, time.UTC)
	src := NewSource(db, nil)
	src.CallEvent(callflow.Event{Kind: callflow.Outcome, CallID: "c2", DebtorID: "d2", At: at, Outcome: "refused"}) // not subscribed
	src.CallEvent(callflow.Event{Kind: callflow.Ended, CallID: "c2", At: at, Result: "answered"})
	sim := clock.NewSim(at)
	var states []string
	d := NewDeliverer(db, Config{Clock: sim, MaxAttempts: 3, OnAttempt: func(s string) { states = append(states, s) }})
	for range 3 {
		if _, err := d.Once(ctx); err != nil {
			t.Fatal(err)
		}
		sim.JumpTo(sim.Now().Add(3 * time.Hour))
	}
	dead, err := db.WebhooksIn(ctx, store.WebhookDead, 10)
	if err != nil || len(dead) != 1 || dead[0].Attempts != 3 || dead[0].Event != CallEnded || dead[0].LastError == "" {
		t.Fatalf("dead letters %+v, %v: want the one call.ended after 3 attempts", dead, err)
	}
	if pending, _ := db.WebhooksIn(ctx, store.WebhookPending, 10); len(pending) != 0 {
		t.Errorf("%d still pending", len(pending))
	}
	if got := strings.Join(states, ","); got != "pending,pending,dead" {
		t.Errorf("attempts heard as %q, want pending,pending,dead", got)
	}
}
