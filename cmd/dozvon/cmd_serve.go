package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"sync/atomic"
	"time"

	"github.com/dozvon/dozvon/api"
	"github.com/dozvon/dozvon/auth"
	"github.com/dozvon/dozvon/clock"
	"github.com/dozvon/dozvon/config"
	"github.com/dozvon/dozvon/events"
	"github.com/dozvon/dozvon/internal/memtrim"
	"github.com/dozvon/dozvon/phonenum"
	"github.com/dozvon/dozvon/webhook"

	"github.com/dozvon/dozvon/callbacks"
	"github.com/dozvon/dozvon/callflow"
	"github.com/dozvon/dozvon/scripts"
	"github.com/dozvon/dozvon/telephony"
)

// cmdServe answers inbound calls with a script. Calls the debtor places to
// us are not creditor-initiated interactions, so the 230-FZ frequency limits
// do not apply to them; they are recorded and stored like any other call.
func cmdServe(ctx context.Context, e env, args []string) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	scriptPath := fs.String("script", "scripts/inbound.yaml", "dialogue script for inbound calls no collector takes (reloaded for new calls when the file changes)")
	cfgPath := fs.String("config", "", "config file (default dozvon.yaml if present)")
	asrEngine := fs.String("asr", "", "recognizer: vosk or dtmf")
	tz := fs.String("tz", "Europe/Moscow", "time zone for dates in the dialogue")
	verbose := fs.Bool("v", false, "debug logging")
	debugAddr := fs.String("debug-addr", "", "serve Go runtime profiles (pprof) on this loopback address, e.g. 127.0.0.1:6060")
	httpAddr := fs.String("http", "", "the API's address (default: http.listen in the config, 127.0.0.1:8080)")
	drain := fs.Duration("drain", 60*time.Second, "on SIGTERM, how long calls in flight may go on before the service stops")
	channels := fs.Int("channels", 10, "simultaneous outbound calls of the API's campaigns")
	cluster := addClusterFlags(fs) // several nodes on one database (serve_cluster.go)
	if err := fs.Parse(args); err != nil {
		return 2
	}
	fail := e.fail("serve", 2)
	cfg, err := config.Load(*cfgPath, e.getenv)
	if err != nil {
		return fail(err)
	}
	if *asrEngine != "" {
		cfg.ASR.Engine = *asrEngine
	}
	if *httpAddr != "" {
		cfg.HTTP.Listen = *httpAddr
	}
	loc, err := time.LoadLocation(*tz)
	if err != nil {
		return fail(fmt.Errorf("--tz %q: %v", *tz, err))
	}
	log := cluster.logger(newLogger(e.stderr, logLevel(*verbose, slog.LevelInfo)))
	if _, err := scripts.Load(*scriptPath); err != nil {
		return fail(err)
	}
	if *debugAddr != "" {
		addr, err := startDebug(ctx, *debugAddr, log)
		if err != nil {
			return fail(err)
		}
		log.Info("runtime profiles served", "addr", "http://"+addr+"/debug/pprof/")
	}
	// The service runs on a context of its own: SIGTERM (ctx) starts the
	// drain, and only the drain's end stops what is left.
	svc, stopSvc := context.WithCancel(context.WithoutCancel(ctx))
	defer stopSvc()
	metrics := api.NewMetrics()
	// Webhooks go through an outbox written at the call's end; the store
	// is opened by wire, so the source reaches it through rt once it exists.
	hooks, live, sends := &lateSubscriber{}, &lateSubscriber{}, &lateSubscriber{}
	// One clock for the ledger, the scheduler and the API (a campaign's tasks
	// fall due on the clock the scheduler reads); sessions, tokens and
	// webhook signatures stay on the wall clock.
	clk := clock.Or(e.clock)
	rt, ua, flow, err := wire(svc, cfg, log, clk, nil, metrics, hooks, live, sends)
	if err != nil {
		return fail(err)
	}
	defer rt.close()
	source := webhook.NewSource(rt.db, log)
	hooks.set(source)
	msgs, err := serveMessages(svc, rt, log, sends) // SMS and e-mail: the API's and the scripts' (serve_messages.go)
	if err != nil {
		return fail(err)
	}
	hub, err := events.NewHub(events.HubConfig{Store: rt.db, Log: log, Follow: *cluster.follow})
	if err != nil {
		return fail(err)
	}
	// The hub stops after the last call, before the streams' context:
	// viewers get every event of the drain, then a "shutting down" close.
	hubCtx, stopHub := context.WithCancel(svc)
	hubDone := make(chan struct{})
	go func() { defer close(hubDone); hub.Run(hubCtx) }()
	defer func() { stopHub(); <-hubDone }() // what is queued is stored before exit
	live.set(hub)
	metrics.Watch("dozvon_websocket_clients", "Live event stream clients connected.", func() float64 { return float64(hub.Stats().Subscribers) })
	metrics.WatchDueTasks(rt.db.DueTaskCount, clock.System{})
	metrics.Watch("dozvon_events_dropped", "Call events dropped since start because the event queue was full.", func() float64 { return float64(hub.Stats().Dropped) })
	deliverer := webhook.NewDeliverer(rt.db, webhook.Config{Log: log, OnAttempt: metrics.WebhookAttempt})
	go deliverer.Run(svc)
	users, err := auth.New(rt.db, clock.System{}, auth.Options{Logger: log})
	if err != nil {
		return fail(err)
	}
	go users.PruneSessions(svc, time.Hour)
	// Between waves of calls, give their memory back (see internal/memtrim).
	go memtrim.Run(svc, memtrim.Config{Busy: flow.InFlight, Log: log})
	if sw, err := newSweeper(cfg, log); err == nil {
		go sw.Every(svc, cfg.Recordings.SweepEvery) // retention: archive, delete, narrow modes
	}
	caller, pages, err := serveHandOff(svc, rt, ua, flow, hub, cfg.Callbacks.Grace, log) // collectors' phones, warm hand-off, click-to-call, callbacks offered
	if err != nil {
		return fail(err)
	}
	// The API's campaigns are dialled here, on the system clock, through
	// the 230-FZ guard (the runner's scheduler asks it before every call).
	dialer := &callflow.Dialer{Flow: flow, Vars: callflow.TaskVars(cfg.Creditor), RingTimeout: 20 * time.Second}
	campaigns, err := newCampaignRunner(rt, flow, dialer, caller, clk, *channels, *cluster.lease, log)
	if err != nil {
		return fail(err)
	}
	campaigns.Tell(hub, source) // campaign.progress, campaign.done (stream and webhook)
	go callbacks.NewWatch(rt.db, hub, clk, log).Run(hubCtx)
	campaignsDone := make(chan struct{})
	go func() {
		defer close(campaignsDone)
		if err := campaigns.Run(svc); err != nil {
			log.Error("campaigns stopped", "err", err)
		}
	}()
	defer func() { stopSvc(); <-campaignsDone }() // calls in flight end and finish their tasks
	var draining atomic.Bool
	err = ua.Serve(svc, func(cctx context.Context, in *telephony.Inbound) {
		if draining.Load() {
			_ = in.Reject(503, "Service Unavailable (draining)") // the caller's carrier tries another node
			return
		}
		// A known debtor's number gives the call its debtor and variables
		// (the script still confirms identity before the debt is told).
		req, err := callflow.KnownCaller(cctx, rt.db, cfg.Creditor, in.From(), callflow.AnswerRequest{Script: *scriptPath, Location: loc})
		if err != nil {
			log.Warn("inbound caller not looked up: answered as unknown", "err", err)
		}
		rep, err := flow.Answer(svc, cctx, in, req)
		if err != nil {
			log.Warn("inbound call not taken", "err", err)
			return
		}
		peer := in.Peer()
		log.Info("inbound call done", "call", rep.ID, "from", phonenum.Mask(in.From()), "trunk", peer.Trunk, "user", peer.User, "outcome", rep.Result.Outcome)
	})
	if err != nil {
		return fail(err)
	}
	stream, err := events.NewHandler(events.HandlerConfig{Hub: hub, Visibility: api.DebtorScope{Store: rt.db}, Pages: pages, Log: log})
	if err != nil {
		return fail(err)
	}
	apiSrv := api.New(api.Config{Store: rt.db, Log: log, Clock: clk, Metrics: metrics, RecordDir: cfg.SIP.RecordDir, Ready: readiness(rt, ua, cfg),
		Auth: users, Login: users.LoginHandler(), Logout: users.LogoutHandler(), Events: stream,
		ScriptsDir:    filepath.Dir(*scriptPath), // PUT /scripts writes beside the inbound script; the flow's registry reloads it
		Guard:         rt.guard,
		CheckCampaign: checkServeCampaign(flow, cfg.Creditor),
		Messages:      msgs,
		Campaigns:     campaigns.Store(), // the API's pause/resume/stop and a campaign it marks done are announced too
		Caller:        caller,
	})
	site, err := withWeb(apiSrv, rt, users, "", *scriptPath, loc, clock.System{}, log) // the pages beside the API (serve_web.go)
	if err != nil {
		return fail(err)
	}
	hs, httpLn, err := listenHTTP(svc, cfg.HTTP.Listen, site, log)
	if err != nil {
		return fail(err)
	}
	fmt.Fprintf(e.stdout, "dozvon serve: answering on %s with %s (asr %s); Ctrl-C to stop\n", ua.Addr(), *scriptPath, cfg.ASR.Engine)
	fmt.Fprintf(e.stdout, "dozvon serve: API on http://%s/api/v1 (health /healthz, /readyz; metrics /metrics)\n", httpLn.Addr())
	fmt.Fprintf(e.stdout, "dozvon serve: pages on http://%s/login\n", httpLn.Addr())
	sec := ua.Guard().Config()
	fmt.Fprintf(e.stdout, "dozvon serve: sip.security: trusted %v and %d trunk(s); %d local user(s) (none: any); %d digest user(s); at most %d inbound calls; see SECURITY.md\n",
		sec.Allow, len(sec.TrunkSources), len(sec.LocalUsers), len(sec.Users), sec.MaxInboundCalls)
	if len(sec.LocalUsers) == 0 && exposed(cfg.SIP.Listen) {
		log.Warn("listening beyond loopback with no sip.security.local_users: trusted sources may call any user; list your numbers")
	}
	httpDone := make(chan error, 1)
	go func() { httpDone <- hs.Serve(httpLn) }()
	select {
	case <-ctx.Done():
	case err := <-httpDone:
		return fail(fmt.Errorf("http %s: %w", cfg.HTTP.Listen, err))
	}
	// Drain: no new inbound calls (503) or API mutations, calls in flight
	// finish (up to --drain), then the API shuts down and the UA stops.
	draining.Store(true)
	apiSrv.Drain()
	campaigns.Drain()
	fmt.Fprintf(e.stdout, "dozvon serve: draining: %d call(s) in flight, up to %v\n", flow.InFlight(), *drain)
	if n := waitIdle(flow.InFlight, *drain); n > 0 {
		log.Warn("drain timed out: ending the calls still in flight", "calls", n, "drain", *drain)
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	// The last calls' webhooks: one delivery round before stopping (what
	// fails stays in the outbox for the next start).
	if _, err := deliverer.Once(sctx); err != nil {
		log.Warn("webhooks at shutdown", "err", err)
	}
	stopHub()
	<-hubDone
	if err := hs.Shutdown(sctx); err != nil {
		log.Warn("http shutdown", "err", err)
	}
	stopSvc()
	ua.Wait()
	fmt.Fprintln(e.stdout, "dozvon serve: stopped")
	return 0
}

// exposed reports whether a listener binds beyond loopback.
func exposed(ls []telephony.Listen) bool {
	for _, l := range ls {
		ip := net.ParseIP(l.Host)
		if ip == nil || !ip.IsLoopback() {
			return true
		}
	}
	return false
}

// listenHTTP binds the API's address (port 0: any free port) and returns
// its server, with timeouts that keep a slow client from holding it.
//
// Requests live on base: Shutdown does not end hijacked connections (the
// WebSocket event streams), the end of base does.
func listenHTTP(base context.Context, addr string, h http.Handler, log *slog.Logger) (*http.Server, net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, nil, fmt.Errorf("http: %w", err)
	}
	hs := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute,
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn), BaseContext: func(net.Listener) context.Context { return base }}
	return hs, ln, nil
}

// readiness is what /readyz checks: the store answers, SIP listens, every
// trunk that registers is registered.
func readiness(rt *runtime, ua *telephony.UA, cfg config.Config) map[string]api.Check {
	return map[string]api.Check{
		"store": rt.db.Ping,
		"sip": func(context.Context) error {
			if ua.Addr() == "" {
				return errors.New("sip: not listening")
			}
			return nil
		},
		"trunks": func(context.Context) error {
			for _, t := range cfg.SIP.Trunks {
				if r := ua.Registration(t.Name); t.Register && !r.Registered {
					return fmt.Errorf("trunk %s: not registered", t.Name)
				}
			}
			return nil
		},
	}
}

// waitIdle waits until busy() is 0 or d has passed, and returns what is
// still busy. It polls: the flow counts calls but has no channel to wait
// on, and a tenth of a second is nothing against a call's length.
func waitIdle(busy func() int, d time.Duration) int {
	deadline := time.Now().Add(d)
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for busy() > 0 && time.Now().Before(deadline) {
		<-tick.C
	}
	return busy()
}
