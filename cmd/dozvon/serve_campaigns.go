package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dozvon/dozvon/api"
	"github.com/dozvon/dozvon/callflow"
	"github.com/dozvon/dozvon/clock"
	"github.com/dozvon/dozvon/events"
	"github.com/dozvon/dozvon/scheduler"
	"github.com/dozvon/dozvon/store"
)

// campaignRunner is serve's scheduler: it dials the active campaigns (the
// API creates them) through the 230-FZ guard and callflow, and marks a
// campaign done when nothing is left to call.
type campaignRunner struct {
	db    *store.DB
	sched *scheduler.Scheduler
	lease *drainingStore
	log   *slog.Logger
	news  *campaignNews
	// onEvent, when set, sees every handled task after the runner (tests
	// wait on it).
	onEvent func(scheduler.Event)
}

// newCampaignRunner wires a scheduler on rt's store and guard with dialer.
// offer (nil: none) offers due callbacks to their collectors first.
func newCampaignRunner(rt *runtime, flow *callflow.Flow, dialer scheduler.Dialer, offer scheduler.Offerer, clk clock.Clock, channels int, lease time.Duration, log *slog.Logger) (*campaignRunner, error) {
	host, _ := os.Hostname()
	c := &campaignRunner{db: rt.db, lease: &drainingStore{Store: rt.db}, log: log, news: newCampaignNews(rt.db, clk, log)}
	var check func(scheduler.Config) error // nil flow: a test's dialer, with nothing of the flow's to check
	if flow != nil {
		check = flow.CheckCampaign
	}
	s, err := scheduler.New(scheduler.Options{Store: c.lease, Guard: rt.guard, Dialer: dialer, Clock: clk, Log: log, CheckConfig: check,
		Holder: fmt.Sprintf("%s:%d", host, os.Getpid()), Channels: channels, LeaseTTL: lease, OnEvent: c.event, Offer: offer})
	if err != nil {
		return nil, err
	}
	c.sched = s
	return c, nil
}

// Tell sends the campaigns' news to live (the event hub) and hooks (the
// webhook outbox); either may be nil. Call it before Run.
func (c *campaignRunner) Tell(live publisher, hooks doneHook) {
	c.news.live, c.news.hooks = live, hooks
}

// Store is the campaign store the API shares with the runner: a campaign
// the API marks done (resumed after its last call) is announced too.
func (c *campaignRunner) Store() api.CampaignStore { return announcingStore{DB: c.db, news: c.news} }

// Run dials until ctx ends (serve: the service's end, after the drain).
func (c *campaignRunner) Run(ctx context.Context) error {
	newsDone := make(chan struct{})
	go func() { defer close(newsDone); c.news.run(ctx) }()
	defer func() { <-newsDone }()
	if err := c.sched.Run(ctx, time.Time{}); err != nil && !errors.Is(err, context.Canceled) {
		return fmt.Errorf("campaigns: %w", err)
	}
	return nil
}

// Drain stops taking tasks: calls in flight go on and finish their tasks.
func (c *campaignRunner) Drain() { c.lease.draining.Store(true) }

// event marks the task's campaign done when it was its last, else tells
// of its progress.
func (c *campaignRunner) event(ev scheduler.Event) {
	// the task's own bookkeeping outlives a shutdown; so does this
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if done, err := c.news.markDone(ctx, c.db, ev.Campaign); err != nil {
		c.log.Warn("campaign done check", "campaign", ev.Campaign, "err", err)
	} else if done {
		c.log.Info("campaign done: nothing left to call", "campaign", ev.Campaign)
	} else {
		c.news.changed(ev.Campaign)
	}
	if c.onEvent != nil {
		c.onEvent(ev)
	}
}

// drainingStore is the scheduler's store that, once draining, leases no
// task: the scheduler has no "stop taking work" of its own short of ending
// its context, and that would end the calls in flight too.
type drainingStore struct {
	scheduler.Store
	draining atomic.Bool
}

func (d *drainingStore) LeaseTasks(ctx context.Context, campaignID string, now time.Time, n int, holder string, ttl time.Duration) ([]store.Task, error) {
	if d.draining.Load() {
		return nil, nil
	}
	return d.Store.LeaseTasks(ctx, campaignID, now, n, holder, ttl)
}

// Draining tells the scheduler to release the tasks it leased ahead of their
// CPS slots rather than start them (scheduler.Draining).
func (d *drainingStore) Draining() bool { return d.draining.Load() }

// checkServeCampaign is what the API checks of a new campaign: that the
// robot has a creditor to name (230-FZ art. 7; refused as a whole, not as
// a field of the request), then what the dialer checks (the script loads
// and lints, the non-human reaction).
func checkServeCampaign(flow *callflow.Flow, creditor string) func(scheduler.Config) error {
	return func(c scheduler.Config) error {
		if creditor == "" {
			return &api.Error{Status: http.StatusUnprocessableEntity, Code: "not_configured",
				Message: "no creditor configured: set creditor: in the service's config file (the robot must name the creditor)"}
		}
		return flow.CheckCampaign(c)
	}
}

// publisher takes ready live events (events.Hub).
type publisher interface{ Publish(events.Envelope) }

// doneHook queues the campaign.done webhook (webhook.Source).
type doneHook interface {
	CampaignDone(ctx context.Context, campaign string, at time.Time, counters any) error
}

// newsStore is what the news reads of a campaign (store.DB).
type newsStore interface {
	Campaign(ctx context.Context, id string) (store.Campaign, error)
	CampaignCountersOf(ctx context.Context, id string) (store.CampaignCounters, error)
}

// campaignNews tells viewers and collection systems how the campaigns go:
// campaign.progress on the live stream, at most one per campaign per
// `every` however many tasks end meanwhile (a burst of 200 ending calls is
// one event, not 200 queries and events); and, when a campaign is marked
// done, campaign.done on the stream and in the webhook outbox.
type campaignNews struct {
	st    newsStore
	live  publisher // nil: no live stream
	hooks doneHook  // nil: no webhooks
	clk   clock.Clock
	log   *slog.Logger
	every time.Duration

	mu    sync.Mutex
	dirty map[string]bool // campaigns changed since their last progress event
	kick  chan struct{}
}

func newCampaignNews(st newsStore, clk clock.Clock, log *slog.Logger) *campaignNews {
	return &campaignNews{st: st, clk: clock.Or(clk), log: log, every: time.Second, dirty: map[string]bool{}, kick: make(chan struct{}, 1)}
}

// changed notes that a campaign's counters moved; it never blocks.
func (n *campaignNews) changed(campaign string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.dirty[campaign] = true
	if len(n.kick) == 0 { // kick is sent only here, under mu: this send cannot block
		n.kick <- struct{}{}
	}
}

// run sends the progress of the changed campaigns, then rests for `every`
// (what changes meanwhile goes in the next round), until ctx ends.
func (n *campaignNews) run(ctx context.Context) {
	rest := time.NewTimer(n.every)
	defer rest.Stop()
	for waitFor(ctx, n.kick) {
		n.flush(ctx)
		rest.Reset(n.every)
		if !waitFor(ctx, rest.C) {
			return
		}
	}
}

// waitFor waits for a value on c or the end of ctx, and reports false at
// the end.
func waitFor[T any](ctx context.Context, c <-chan T) bool {
	select {
	case <-ctx.Done():
		return false
	case <-c:
		return true
	}
}

func (n *campaignNews) flush(ctx context.Context) {
	n.mu.Lock()
	ids := make([]string, 0, len(n.dirty))
	for id := range n.dirty {
		ids = append(ids, id)
	}
	clear(n.dirty)
	n.mu.Unlock()
	if n.live == nil {
		return
	}
	for _, id := range ids {
		if env, _, err := n.progress(ctx, id, false); err != nil {
			n.log.Warn("campaign progress", "campaign", id, "err", err)
		} else {
			n.live.Publish(env)
		}
	}
}

// progress is campaign id's progress event (done: campaign.done) with the
// data it carries.
func (n *campaignNews) progress(ctx context.Context, id string, done bool) (events.Envelope, events.ProgressData, error) {
	c, err := n.st.Campaign(ctx, id)
	if err != nil {
		return events.Envelope{}, events.ProgressData{}, err
	}
	counters, err := n.st.CampaignCountersOf(ctx, id)
	if err != nil {
		return events.Envelope{}, events.ProgressData{}, err
	}
	d := events.Progress(c.State, counters)
	env, err := d.Envelope(id, done, n.clk.Now())
	return env, d, err
}

// markDone marks campaign id done when nothing is left to call and, when
// this call did it, announces it: campaign.done on the stream and in the
// webhook outbox (its idempotency key makes a repeat harmless). The store's
// conditional update marks a campaign once, so it is announced once.
func (n *campaignNews) markDone(ctx context.Context, st interface {
	MarkCampaignDone(ctx context.Context, id string) (bool, error)
}, id string) (bool, error) {
	done, err := st.MarkCampaignDone(ctx, id)
	if err != nil || !done {
		return done, err
	}
	n.mu.Lock()
	delete(n.dirty, id) // campaign.done carries the final counters
	n.mu.Unlock()
	env, data, err := n.progress(ctx, id, true)
	if err != nil {
		n.log.Error("campaign done not announced", "campaign", id, "err", err)
		return true, nil
	}
	if n.hooks != nil {
		if err := n.hooks.CampaignDone(ctx, id, env.At, data); err != nil {
			n.log.Error("campaign done webhook not queued", "campaign", id, "err", err)
		}
	}
	if n.live != nil {
		n.live.Publish(env)
	}
	return true, nil
}

// announcingStore is the store whose MarkCampaignDone announces the
// campaigns it marks, whoever asks (the runner, the API).
type announcingStore struct {
	*store.DB
	news *campaignNews
}

func (s announcingStore) MarkCampaignDone(ctx context.Context, id string) (bool, error) {
	return s.news.markDone(ctx, s.DB, id)
}

// SetCampaignState announces a pause, resume or stop (the API's) with the
// campaign's next progress.
func (s announcingStore) SetCampaignState(ctx context.Context, id string, from []string, to string) (store.Campaign, error) {
	c, err := s.DB.SetCampaignState(ctx, id, from, to)
	if err == nil {
		s.news.changed(id)
	}
	return c, err
}
