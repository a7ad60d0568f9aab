package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/dozvon/dozvon/clock"
	"github.com/dozvon/dozvon/compliance"
	"github.com/dozvon/dozvon/events"
	"github.com/dozvon/dozvon/scheduler"
	"github.com/dozvon/dozvon/store"
	"github.com/dozvon/dozvon/webhook"
)

// publishedForTests stands in for the event hub: it keeps what is published.
type publishedForTests chan events.Envelope

func (p publishedForTests) Publish(e events.Envelope) { p <- e }

// reachingDialerForTests stands in for callflow: every call is answered by
// the debtor, who is identified.
type reachingDialerForTests struct{}

func (d *reachingDialerForTests) Dial(_ context.Context, c scheduler.Call) (scheduler.Attempt, error) {
	return scheduler.Attempt{Result: scheduler.ResultAnswered, Disposition: scheduler.Reached, Outcome: "identified",
		Kind: compliance.Conversation, CallID: fmt.Sprintf("call-%d", c.Task.ID)}, nil
}

// signedReceiverForTests is a collection system's webhook endpoint: it
// verifies each delivery's signature and keeps what verified.
type signedReceiverForTests struct {
	secret string
	mu     sync.Mutex
	bodies [][]byte
	keys   []string
	bad    int
}

func (rc *signedReceiverForTests) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if err := webhook.Verify(r.Header.Get(webhook.SignatureHeader), body, time.Now(), webhook.Tolerance, rc.secret); err != nil {
		rc.bad++
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	rc.bodies, rc.keys = append(rc.bodies, body), append(rc.keys, r.Header.Get("Idempotency-Key"))
}

// newsRig is a store with three Moscow debtors, a guard on a weekday
// morning and a campaign runner around them.
func newsRig(t *testing.T) (context.Context, *store.DB, clock.Clock, *campaignRunner) {
	t.Helper()
	ctx, db := sqliteForTests(t)
	clk := frozenClockForTests{clock.NewSim(time.Date(2026, 11, 24, 8, 0, 0, 0, time.UTC))} // 11:00 in Moscow, a Tuesday
	log := slog.New(slog.DiscardHandler)
	guard, err := compliance.NewGuard(compliance.Config{Ledger: db, Clock: clk, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	runner, err := newCampaignRunner(&runtime{db: db, guard: guard, clk: clk, log: log}, nil, &reachingDialerForTests{}, nil, clk, 2, 0, log)
	if err != nil {
		t.Fatal(err)
	}
	return ctx, db, clk, runner
}

func createNewsCampaign(t *testing.T, ctx context.Context, db *store.DB, id string, debtors int, at time.Time) {
	t.Helper()
	var ds []store.Debtor
	for i := range debtors {
		d := store.Debtor{ID: fmt.Sprintf("%s-d%d", id, i), Name: "Иванов", Region: "г. Москва", Phones: []string{fmt.Sprintf("+7913123%04d", i)}}
		if err := db.UpsertDebtor(ctx, d); err != nil {
			t.Fatal(err)
		}
		ds = append(ds, d)
	}
	if _, err := scheduler.CreateCampaign(ctx, db, id, id, scheduler.Config{Script: "scripts/verify_contact.yaml"}, ds, at); err != nil {
		t.Fatal(err)
	}
}

// TestRunnerAnnouncesTheCampaignDone: a campaign run to its end by serve's
// runner is announced once: one campaign.done event with the final
// counters on the live stream, and exactly one campaign.done row in the
// webhook outbox (marking it done again adds none), delivered signed.
func TestRunnerAnnouncesTheCampaignDone(t *testing.T) {
	t.Parallel()
	ctx, db, clk, runner := newsRig(t)
	rc := &signedReceiverForTests{secret: "whsec-news"}
	srv := httptest.NewServer(rc)
	defer srv.Close()
	if _, err := db.AddWebhookEndpoint(ctx, store.WebhookEndpoint{Owner: "crm", URL: srv.URL, Secrets: []string{rc.secret}}); err != nil {
		t.Fatal(err)
	}
	live := make(publishedForTests, 64)
	runner.Tell(live, webhook.NewSource(db, slog.New(slog.DiscardHandler)))
	createNewsCampaign(t, ctx, db, "c1", 3, clk.Now())

	runCtx, stop := context.WithCancel(ctx)
	runDone := make(chan error, 1)
	go func() { runDone <- runner.Run(runCtx) }()
	defer func() { stop(); <-runDone }()
	deadline := time.After(20 * time.Second)
	var done events.Envelope
	for done.Type == "" {
		select {
		case e := <-live:
			if e.Campaign != "c1" || e.Debtor != "" {
				t.Fatalf("event %+v: want campaign c1 and no debtor", e)
			}
			if e.Type == events.TypeCampaignDone {
				done = e
			}
		case <-deadline:
			t.Fatal("no campaign.done before the deadline")
		}
	}
	var got events.ProgressData
	if err := json.Unmarshal(done.Data, &got); err != nil {
		t.Fatal(err)
	}
	if got.State != store.CampaignDone || got.Tasks != 3 || got.Done != 3 || got.Calls != 3 || got.Outcomes["identified"] != 3 {
		t.Fatalf("campaign.done data %+v: want done, 3 tasks done in 3 calls, 3 identified", got)
	}
	// The API resuming the campaign (its MarkCampaignDone) finds it done already: nothing more is queued.
	if again, err := runner.Store().MarkCampaignDone(ctx, "c1"); err != nil || again {
		t.Fatalf("marking done again: %v %v", again, err)
	}
	rows, err := db.WebhooksIn(ctx, store.WebhookPending, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0].Event != webhook.CampaignDone || rows[0].IdemKey != "c1:campaign.done" {
		t.Fatalf("outbox %+v: want one campaign.done of c1", rows)
	}
	if n, err := webhook.NewDeliverer(db, webhook.Config{Log: slog.New(slog.DiscardHandler)}).Once(ctx); err != nil || n != 1 {
		t.Fatalf("delivered %d (%v), want 1", n, err)
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if rc.bad != 0 || len(rc.bodies) != 1 || rc.keys[0] != "c1:campaign.done" {
		t.Fatalf("receiver: %d verified (keys %v), %d refused", len(rc.bodies), rc.keys, rc.bad)
	}
	var p struct {
		Event, Campaign string
		Data            events.ProgressData
	}
	if err := json.Unmarshal(rc.bodies[0], &p); err != nil || p.Event != webhook.CampaignDone || p.Campaign != "c1" || p.Data.Done != 3 {
		t.Fatalf("delivered body %s (%v)", rc.bodies[0], err)
	}
}

// TestProgressIsCoalesced: however many tasks of a campaign end between two
// rounds, its viewers get one campaign.progress with the counters as they
// are then (GET /campaigns/{id}'s numbers).
func TestProgressIsCoalesced(t *testing.T) {
	t.Parallel()
	ctx, db, clk, runner := newsRig(t)
	live := make(publishedForTests, 64)
	runner.Tell(live, nil)
	createNewsCampaign(t, ctx, db, "c1", 2, clk.Now())
	createNewsCampaign(t, ctx, db, "c2", 1, clk.Now())
	for range 100 {
		runner.news.changed("c1")
	}
	runner.news.changed("c2")
	runner.news.flush(ctx)
	close(live)
	by := map[string]int{}
	for e := range live {
		if e.Type != events.TypeCampaignProgress {
			t.Fatalf("event %+v", e)
		}
		by[e.Campaign]++
		var d events.ProgressData
		if err := json.Unmarshal(e.Data, &d); err != nil || d.State != store.CampaignActive || d.Due+d.Waiting == 0 {
			t.Fatalf("progress of %s: %s (%v)", e.Campaign, e.Data, err)
		}
	}
	if by["c1"] != 1 || by["c2"] != 1 {
		t.Fatalf("progress events by campaign %v: want one each", by)
	}
}

// sqliteForTests is a fresh SQLite store, closed at the test's end.
func sqliteForTests(t *testing.T) (context.Context, *store.DB) {
	t.Helper()
	db, err := store.Open(t.Context(), "sqlite:"+filepath.Join(t.TempDir(), "d.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return t.Context(), db
}

// TestStateChangesAreAnnounced: the API's pause (through the runner's
// store) reaches viewers as a campaign.progress with the new state.
func TestStateChangesAreAnnounced(t *testing.T) {
	t.Parallel()
	ctx, db, clk, runner := newsRig(t)
	live := make(publishedForTests, 8)
	runner.Tell(live, nil)
	createNewsCampaign(t, ctx, db, "c1", 1, clk.Now())
	if _, err := runner.Store().SetCampaignState(ctx, "c1", []string{store.CampaignActive}, store.CampaignPaused); err != nil {
		t.Fatal(err)
	}
	runner.news.flush(ctx)
	close(live)
	var states []string
	for e := range live {
		var d events.ProgressData
		if err := json.Unmarshal(e.Data, &d); err != nil || e.Type != events.TypeCampaignProgress {
			t.Fatalf("event %+v (%v)", e, err)
		}
		states = append(states, d.State)
	}
	if !slices.Equal(states, []string{store.CampaignPaused}) {
		t.Errorf("announced states %v, want [paused]", states)
	}
}
