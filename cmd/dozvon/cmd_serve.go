package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"time"

	"github.com/dozvon/dozvon/clock"
	"github.com/dozvon/dozvon/config"
	"github.com/dozvon/dozvon/internal/memtrim"
	"github.com/dozvon/dozvon/phonenum"

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
	scriptPath := fs.String("script", "scripts/verify_contact.yaml", "dialogue script for inbound calls (reloaded for new calls when the file changes)")
	cfgPath := fs.String("config", "", "config file (default dozvon.yaml if present)")
	asrEngine := fs.String("asr", "", "recognizer: vosk or dtmf")
	tz := fs.String("tz", "Europe/Moscow", "time zone for dates in the dialogue")
	verbose := fs.Bool("v", false, "debug logging")
	debugAddr := fs.String("debug-addr", "", "serve Go runtime profiles (pprof) on this loopback address, e.g. 127.0.0.1:6060")
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
	loc, err := time.LoadLocation(*tz)
	if err != nil {
		return fail(fmt.Errorf("--tz %q: %v", *tz, err))
	}
	log := newLogger(e.stderr, logLevel(*verbose, slog.LevelInfo))
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
	rt, ua, flow, err := wire(ctx, cfg, log, clock.System{}, nil)
	if err != nil {
		return fail(err)
	}
	defer rt.close()
	// Between waves of calls, give their memory back (see internal/memtrim).
	go memtrim.Run(ctx, memtrim.Config{Busy: flow.InFlight, Log: log})
	err = ua.Serve(ctx, func(cctx context.Context, in *telephony.Inbound) {
		rep, err := flow.Answer(ctx, cctx, in, callflow.AnswerRequest{Script: *scriptPath, Location: loc})
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
	fmt.Fprintf(e.stdout, "dozvon serve: answering on %s with %s (asr %s); Ctrl-C to stop\n", ua.Addr(), *scriptPath, cfg.ASR.Engine)
	sec := ua.Guard().Config()
	fmt.Fprintf(e.stdout, "dozvon serve: sip.security: trusted %v and %d trunk(s); %d local user(s) (none: any); %d digest user(s); at most %d inbound calls; see SECURITY.md\n",
		sec.Allow, len(sec.TrunkSources), len(sec.LocalUsers), len(sec.Users), sec.MaxInboundCalls)
	if len(sec.LocalUsers) == 0 && exposed(cfg.SIP.Listen) {
		log.Warn("listening beyond loopback with no sip.security.local_users: trusted sources may call any user; list your numbers")
	}
	<-ctx.Done()
	ua.Wait()
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
