package callflow_test

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dozvon/dozvon/asr"
	"github.com/dozvon/dozvon/callflow"
	"github.com/dozvon/dozvon/clock"
	"github.com/dozvon/dozvon/recordings"
	"github.com/dozvon/dozvon/robot"
	"github.com/dozvon/dozvon/telephony"
	"github.com/dozvon/dozvon/testcalls"
)

// rejectOnly is a test double inbound call that records how it was turned
// away; answering it is a test failure.
type rejectOnly struct {
	mu       sync.Mutex
	code     int
	answered bool
}

func (r *rejectOnly) From() string { return "sip:caller@127.0.0.1" }
func (r *rejectOnly) To() string   { return "sip:dozvon@127.0.0.1" }
func (r *rejectOnly) Reject(code int, _ string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.code = code
	return nil
}
func (r *rejectOnly) Answer(context.Context) (*telephony.Call, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.answered = true
	return nil, errors.New("rejectOnly: answered")
}

// loopback starts simulated phones and dozvon's UA (cfg, on loopback).
func loopback(t *testing.T, cfg telephony.Config) (*testcalls.Callee, *telephony.UA) {
	t.Helper()
	loop := []telephony.Listen{{Transport: "udp", Host: "127.0.0.1"}}
	phones, perr := testcalls.NewCallee(t.Context(), telephony.Config{Name: "phones", Listen: loop}, nil, nil)
	cfg.Name, cfg.Listen = "dozvon", loop
	ua, uerr := telephony.New(t.Context(), cfg, nil)
	if err := errors.Join(perr, uerr); err != nil {
		t.Fatal(err)
	}
	return phones, ua
}

// TestRecorderDownRefusesNewCalls: while the recorder is down — a recording
// failed, or the disk is below its floor — Place refuses before the 230-FZ
// guard is asked or anything is dialed (ErrRecorderDown; no ledger entry, no
// call record), and Answer turns the caller away with 503. Once the
// recorder is back, the next call is placed (here to a busy line).
func TestRecorderDownRefusesNewCalls(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	script := copyScript(t)
	db, guard := openLedger(t, clock.Fixed(time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC)), slog.New(slog.DiscardHandler))
	phones, ua := loopback(t, telephony.Config{})
	busy := phones.Phone("+79160000031", testcalls.Behaviour{Reject: 486})
	var free atomic.Uint64
	free.Store(10 << 30)
	sim := clock.NewSim(time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC))
	health := recordings.NewHealth(recordings.HealthConfig{Dir: t.TempDir(), MinFreeBytes: 1 << 30, Clock: sim,
		FreeBytes: func(string) (uint64, error) { return free.Load(), nil }})
	flow, err := callflow.New(callflow.Config{UA: ua, Guard: guard, Calls: db, Recorder: health,
		NewSegmenter: func() (robot.Segmenter, error) { return asr.NewSegmenter(asr.DefaultVADConfig()) }})
	if err != nil {
		t.Fatal(err)
	}
	req := callflow.Request{To: busy, Script: script, Region: "г. Москва", DebtorID: "d-31"}
	for _, down := range []struct {
		name  string
		trip  func()
		clear func()
	}{
		{"a recording failed", func() { health.Fault(errors.New("write wav: no space left on device")) },
			func() { sim.JumpTo(sim.Now().Add(time.Minute)) }},
		{"disk below the floor", func() { free.Store(100 << 20) }, func() { free.Store(10 << 30) }},
	} {
		down.trip()
		rep, err := flow.Place(ctx, req)
		if !errors.Is(err, callflow.ErrRecorderDown) || !errors.Is(err, recordings.ErrDown) {
			t.Fatalf("%s: Place: %v, want ErrRecorderDown", down.name, err)
		}
		if rep.Decision != nil || rep.ID != "" {
			t.Errorf("%s: the refused call got as far as %+v", down.name, rep)
		}
		in := &rejectOnly{}
		if _, err := flow.Answer(ctx, ctx, in, callflow.AnswerRequest{Script: script}); !errors.Is(err, callflow.ErrRecorderDown) || in.code != 503 || in.answered {
			t.Errorf("%s: Answer: %v, rejected with %d, answered %v; want ErrRecorderDown and 503", down.name, err, in.code, in.answered)
		}
		if e, err := db.LedgerEntries(ctx, "d-31"); err != nil || len(e) != 0 {
			t.Errorf("%s: ledger %v %v, want nothing reserved", down.name, e, err)
		}
		down.clear()
	}
	rep, err := flow.Place(ctx, req)
	if err != nil || rep.Record.Result != string(telephony.Busy) {
		t.Fatalf("recorder back: %v, result %q; want a placed (busy) call", err, rep.Record.Result)
	}
	if e, err := db.LedgerEntries(ctx, "d-31"); err != nil || len(e) != 1 {
		t.Errorf("ledger after the placed call: %v %v, want its one entry", e, err)
	}
}

// TestRecorderFaultOverSIPStopsTheNextCall wires the parts as the service
// does (telephony's RecorderFault → recordings.Health → the flow's Recorder)
// with a real failure and no double: the recordings folder cannot be made
// (it would sit under a regular file). The first call is answered and fails
// for want of a recording; the second is refused before the guard.
func TestRecorderFaultOverSIPStopsTheNextCall(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	script := copyScript(t)
	blocked := filepath.Join(t.TempDir(), "not-a-folder")
	if err := os.WriteFile(blocked, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	health := recordings.NewHealth(recordings.HealthConfig{Dir: filepath.Join(blocked, "rec")})
	phones, ua := loopback(t, telephony.Config{RecordDir: filepath.Join(blocked, "rec"), RecorderFault: health.Fault})
	db, guard := openLedger(t, clock.Fixed(time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC)), slog.New(slog.DiscardHandler))
	flow, err := callflow.New(callflow.Config{UA: ua, Guard: guard, Calls: db, Recorder: health,
		NewSegmenter: func() (robot.Segmenter, error) { return asr.NewSegmenter(asr.DefaultVADConfig()) }})
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range []struct {
		phone, debtor string
		want          error
	}{{"+79160000040", "d-40", nil}, {"+79160000041", "d-41", callflow.ErrRecorderDown}} {
		to := phones.Phone(c.phone, testcalls.Behaviour{})
		if _, err := flow.Place(ctx, callflow.Request{To: to, Script: script, Region: "г. Москва", DebtorID: c.debtor}); !errors.Is(err, c.want) {
			t.Fatalf("call %d: %v, want %v", i+1, err, c.want)
		}
	}
	if e, err := db.LedgerEntries(ctx, "d-41"); err != nil || len(e) != 0 {
		t.Errorf("the refused call reached the ledger: %v %v", e, err)
	}
}
