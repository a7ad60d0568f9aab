package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"sync/atomic"
	"time"

	"github.com/dozvon/dozvon/api"
	"github.com/dozvon/dozvon/callflow"
	"github.com/dozvon/dozvon/clock"
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
	// onEvent, when set, sees every handled task after the runner (tests
	// wait on it).
	onEvent func(scheduler.Event)
}

// newCampaignRunner wires a scheduler on rt's store and guard with dialer.
func newCampaignRunner(rt *runtime, flow *callflow.Flow, dialer scheduler.Dialer, clk clock.Clock, channels int, log *slog.Logger) (*campaignRunner, error) {
	host, _ := os.Hostname()
	c := &campaignRunner{db: rt.db, lease: &drainingStore{Store: rt.db}, log: log}
	s, err := scheduler.New(scheduler.Options{Store: c.lease, Guard: rt.guard, Dialer: dialer, Clock: clk, Log: log, CheckConfig: flow.CheckCampaign,
		Holder: fmt.Sprintf("%s:%d", host, os.Getpid()), Channels: channels, OnEvent: c.event})
	if err != nil {
		return nil, err
	}
	c.sched = s
	return c, nil
}

// Run dials until ctx ends (serve: the service's end, after the drain).
func (c *campaignRunner) Run(ctx context.Context) error {
	if err := c.sched.Run(ctx, time.Time{}); err != nil && !errors.Is(err, context.Canceled) {
		return fmt.Errorf("campaigns: %w", err)
	}
	return nil
}

// Drain stops taking tasks: calls in flight go on and finish their tasks.
func (c *campaignRunner) Drain() { c.lease.draining.Store(true) }

// event marks the task's campaign done when it was its last.
func (c *campaignRunner) event(ev scheduler.Event) {
	// the task's own bookkeeping outlives a shutdown; so does this
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if done, err := c.db.MarkCampaignDone(ctx, ev.Campaign); err != nil {
		c.log.Warn("campaign done check", "campaign", ev.Campaign, "err", err)
	} else if done {
		c.log.Info("campaign done: nothing left to call", "campaign", ev.Campaign)
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
