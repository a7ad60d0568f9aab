package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"time"

	"github.com/dozvon/dozvon/api"
	"github.com/dozvon/dozvon/callflow"
	"github.com/dozvon/dozvon/clock"
	"github.com/dozvon/dozvon/events"
	"github.com/dozvon/dozvon/loadtest"
	"github.com/dozvon/dozvon/telephony"
)

// apiBenchUser is the supervisor the bench's streams and requests act as.
const apiBenchUser = "bench"

// benchAPI wires serve's parts (user agent, call path, event hub and
// stream, auth, API) in this process on a scratch store, with a supervisor
// and a token made through package auth, and lets loadtest.APIBench drive
// sipp calls, WebSocket clients and API requests at it.
func benchAPI(ctx context.Context, e env, args []string) int {
	o, err := loadtest.ParseAPIArgs(args, e.stderr)
	switch {
	case errors.Is(err, flag.ErrHelp):
		return 2 // the flag package has printed the usage
	case err != nil:
		fmt.Fprintf(e.stderr, "dozvon: %v\n", err)
		return 2
	}
	fail := e.fail("bench api", 1)
	cfg, remove, err := scratchConfig(o.Config, e, "dozvon-apibench-")
	if err != nil {
		return fail(err)
	}
	defer remove()
	log := newLogger(e.stderr, slog.LevelError)
	// The system clock: an event's `at` is compared with the time it
	// arrives. Inbound calls are not limited by call hours.
	svc, stop := context.WithCancel(ctx)
	defer stop()
	live := &lateSubscriber{}
	rt, ua, flow, err := wire(svc, cfg, log, clock.System{}, nil, live)
	if err != nil {
		return fail(err)
	}
	defer rt.close()
	hub, err := events.NewHub(events.HubConfig{Store: rt.db, Log: log})
	if err != nil {
		return fail(err)
	}
	hubDone := make(chan struct{})
	go func() { defer close(hubDone); hub.Run(svc) }()
	defer func() { stop(); <-hubDone }()
	live.set(hub)
	token, users, err := benchSupervisor(svc, rt)
	if err != nil {
		return fail(err)
	}
	stream, err := events.NewHandler(events.HandlerConfig{Hub: hub, Visibility: api.DebtorScope{Store: rt.db}, Log: log})
	if err != nil {
		return fail(err)
	}
	handler := api.New(api.Config{Store: rt.db, Log: log, Metrics: api.NewMetrics(), RecordDir: cfg.SIP.RecordDir,
		Auth: users, Login: users.LoginHandler(), Logout: users.LogoutHandler(), Events: stream})
	hs, ln, err := listenHTTP(svc, "127.0.0.1:0", handler, log)
	if err != nil {
		return fail(err)
	}
	go hs.Serve(ln)
	defer hs.Close()
	loc, _ := time.LoadLocation("Europe/Moscow")
	bench := loadtest.NewAPIBench(o)
	answer := callflow.AnswerRequest{Script: o.Script, Location: loc}
	if err := ua.Serve(svc, func(cctx context.Context, in *telephony.Inbound) {
		rep, err := flow.Answer(svc, cctx, in, answer)
		bench.Observe(in.To(), rep, err)
	}); err != nil {
		return fail(err)
	}
	counters := func() (int64, int64) { s := hub.Stats(); return s.SlowDropped, s.Dropped }
	figs, err := bench.Run(svc, ua.Addr(), "http://"+ln.Addr().String(), token, counters)
	if werr := loadtest.WriteAPI(e.stdout, o, figs); werr != nil && err == nil {
		err = werr
	}
	if err != nil {
		return fail(err)
	}
	return 0
}
