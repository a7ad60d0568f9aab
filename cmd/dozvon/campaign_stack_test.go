package main

import (
	"context"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/dozvon/dozvon/callflow"
	"github.com/dozvon/dozvon/clock"
	"github.com/dozvon/dozvon/config"
	"github.com/dozvon/dozvon/internal/logsink"
	"github.com/dozvon/dozvon/loadtest"
	"github.com/dozvon/dozvon/portfolio"
	"github.com/dozvon/dozvon/testcalls"
)

// campaignStackForTests is serve's campaign stack over real loopback SIP:
// the runtime wired to simulated phones, n simulated debtors imported, and
// serve's campaign runner (not started: start runs it) dialling them
// through the 230-FZ guard and callflow, on a frozen weekday morning.
type campaignStackForTests struct {
	cfg    config.Config
	clk    clock.Clock
	logs   *logsink.Buffer
	log    *slog.Logger
	rt     *runtime
	flow   *callflow.Flow
	runner *campaignRunner
	sim    []testcalls.SimulatedDebtor
}

// newCampaignStackForTests builds the stack in dir; subs hear the flow's
// events (serve's events hub). The runtime closes with the test.
func newCampaignStackForTests(t *testing.T, ctx context.Context, dir string, n int, subs ...callflow.Subscriber) *campaignStackForTests {
	t.Helper()
	s := &campaignStackForTests{cfg: config.Default(), logs: &logsink.Buffer{}}
	if err := loopback(&s.cfg, filepath.Join(dir, "var")); err != nil {
		t.Fatal(err)
	}
	s.cfg.ASR.Engine, s.cfg.TTS.CacheDir, s.cfg.Creditor = "simulated", filepath.Join(dir, "tts"), "ООО «Тест»"
	// Tuesday 24 Nov 2026, 11:00 in Moscow: inside the 230-FZ window.
	s.clk = frozenClockForTests{clock.NewSim(time.Date(2026, 11, 24, 8, 0, 0, 0, time.UTC))}
	s.log = newLogger(s.logs, logLevel(false, 0))
	rt, _, flow, err := wire(ctx, s.cfg, s.log, s.clk, nil, subs...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(rt.close)
	s.rt, s.flow = rt, flow
	phones, err := rt.simPhones(ctx)
	if err != nil {
		t.Fatal(err)
	}
	s.sim = testcalls.SimulatedDebtors(n)
	debtors := make([]portfolio.Debtor, len(s.sim))
	for i, d := range s.sim {
		debtors[i] = d.Debtor
	}
	if err := portfolio.Save(ctx, rt.db, portfolio.Result{Debtors: debtors}, "simulated"); err != nil {
		t.Fatal(err)
	}
	dialer := &callflow.Dialer{Flow: flow, Vars: callflow.TaskVars(s.cfg.Creditor), RingTimeout: 3 * time.Second, Recognizer: rt.standIn(phones)}
	if dialer.Target, _, err = loadtest.SweepPhones(ctx, rt.db, phones, s.sim, s.clk.Now()); err != nil {
		t.Fatal(err)
	}
	if s.runner, err = newCampaignRunner(rt, flow, dialer, nil, s.clk, 4, 0, s.log); err != nil {
		t.Fatal(err)
	}
	return s
}

// start runs the campaign runner until the test ends.
func (s *campaignStackForTests) start(t *testing.T, ctx context.Context) {
	runCtx, stopRunner := context.WithCancel(ctx)
	runDone := make(chan error, 1)
	go func() { runDone <- s.runner.Run(runCtx) }()
	t.Cleanup(func() { stopRunner(); <-runDone })
}
