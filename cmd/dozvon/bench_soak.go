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

	"github.com/dozvon/dozvon/callflow"
	"github.com/dozvon/dozvon/clock"
	"github.com/dozvon/dozvon/config"
	"github.com/dozvon/dozvon/internal/memtrim"
	"github.com/dozvon/dozvon/loadtest"
	"github.com/dozvon/dozvon/telephony"
)

// benchSoak runs the serve wiring (user agent, store, guard, call path) in
// this process on a scratch store and recordings folder, and lets
// loadtest.Soak drive waves of sipp calls at it.
func benchSoak(ctx context.Context, e env, args []string) int {
	o, err := loadtest.ParseSoakArgs(args, e.stderr)
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintf(e.stderr, "dozvon: %v\n", err)
		}
		return 2
	}
	fail := e.fail("bench soak", 1)
	cfg, err := config.Load(o.Config, e.getenv)
	if err != nil {
		return fail(err)
	}
	dir, err := os.MkdirTemp("", "dozvon-soak-robot-")
	if err != nil {
		return fail(err)
	}
	defer os.RemoveAll(dir)
	cfg.ASR.Engine = "dtmf" // as the serve run; no model needed
	cfg.Store.DSN = "sqlite:" + filepath.Join(dir, "dozvon.db")
	cfg.SIP.RecordDir = filepath.Join(dir, "recordings")
	cfg.SIP.Listen = []telephony.Listen{{Transport: "udp", Host: "127.0.0.1"}}
	log := newLogger(e.stderr, slog.LevelError) // thousands of calls: errors only
	// A working day's legal hour everywhere in Russia, standing still: the
	// soak measures memory, not call hours (each call has its own number).
	clk := clock.NewSim(time.Date(2026, 12, 9, 8, 30, 0, 0, time.UTC))
	rt, ua, flow, err := wire(ctx, cfg, log, clk, nil)
	if err != nil {
		return fail(err)
	}
	defer rt.close()
	// Between waves of calls, give their memory back (see internal/memtrim).
	go memtrim.Run(ctx, memtrim.Config{Busy: flow.InFlight, Log: log})
	loc, _ := time.LoadLocation("Europe/Moscow")
	template := callflow.Request{Script: o.Script, Vars: callflow.Vars(cfg.Creditor, "Иванов Иван Иванович", "Иван"), Location: loc}
	soak := loadtest.NewSoak(o, flow, template)
	err = ua.Serve(ctx, func(cctx context.Context, in *telephony.Inbound) {
		rep, err := flow.Answer(ctx, cctx, in, callflow.AnswerRequest{Script: o.Script, Location: loc})
		soak.Observe(in.To(), rep, err)
	})
	if err != nil {
		return fail(err)
	}
	waves, err := soak.Run(ctx, ua.Addr())
	if werr := loadtest.WriteSoak(e.stdout, o, waves); werr != nil && err == nil {
		err = werr
	}
	if err != nil {
		return fail(err)
	}
	return 0
}
