package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/dozvon/dozvon/api"
	"github.com/dozvon/dozvon/auth"
	"github.com/dozvon/dozvon/callflow"
	"github.com/dozvon/dozvon/clock"
	"github.com/dozvon/dozvon/config"
	"github.com/dozvon/dozvon/events"
	"github.com/dozvon/dozvon/loadtest"
	"github.com/dozvon/dozvon/telephony"
)

// benchAPI wires serve's parts (user agent, call path, event hub and
// stream, auth, API) in this process on a scratch store, with a supervisor
// and a token made through package auth, and lets loadtest.APIBench drive
// sipp calls, WebSocket clients and API requests at it.
func benchAPI(ctx context.Context, e env, args []string) int {
	o, err := loadtest.ParseAPIArgs(args, e.stderr)
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintf(e.stderr, "dozvon: %v\n", err)
		}
		return 2
	}
	fail := e.fail("bench api", 1)
	cfg, err := config.Load(o.Config, e.getenv)
	if err != nil {
		return fail(err)
	}
	scratch, err := os.MkdirTemp("", "dozvon-apibench-")
	if err != nil {
		return fail(err)
	}
	defer os.RemoveAll(scratch)
	cfg.SIP.Listen = []telephony.Listen{{Transport: "udp", Host: "127.0.0.1"}}
	cfg.SIP.RecordDir = filepath.Join(scratch, "recordings")
	cfg.Store.DSN = "sqlite:" + filepath.Join(scratch, "dozvon.db")
	cfg.ASR.Engine = "dtmf" // no model needed; the figure is the service's, not ASR's
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
	err = ua.Serve(svc, func(cctx context.Context, in *telephony.Inbound) {
		rep, err := flow.Answer(svc, cctx, in, callflow.AnswerRequest{Script: o.Script, Location: loc})
		bench.Observe(in.To(), rep, err)
	})
	if err != nil {
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

// benchSupervisor adds a supervisor to the scratch store and returns a
// bearer token for it and the auth service.
func benchSupervisor(ctx context.Context, rt *runtime) (string, *auth.Service, error) {
	users, err := auth.New(rt.db, clock.System{}, auth.Options{Logger: rt.log})
	if err != nil {
		return "", nil, err
	}
	if _, err := users.AddUser(ctx, "bench", auth.Supervisor, "bench-password-not-secret", false); err != nil {
		return "", nil, err
	}
	token, _, err := users.CreateToken(ctx, "bench", "bench api", time.Hour)
	return token, users, err
}
