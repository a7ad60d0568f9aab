package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/dozvon/dozvon/clock"
	"github.com/dozvon/dozvon/config"

	"github.com/dozvon/dozvon/asr"
	"github.com/dozvon/dozvon/asr/vosk"
	"github.com/dozvon/dozvon/callflow"
	"github.com/dozvon/dozvon/compliance"
	"github.com/dozvon/dozvon/robot"
	"github.com/dozvon/dozvon/store"
	"github.com/dozvon/dozvon/telephony"
	"github.com/dozvon/dozvon/testcalls"
	"github.com/dozvon/dozvon/tts"
)

// runtime is the wired product: voice, recognizer, store, guard (wire adds
// the UA and the call path).
type runtime struct {
	cfg   config.Config
	log   *slog.Logger
	voice tts.Synthesizer
	files *tts.AudioFiles
	model *vosk.Model // nil unless asr.engine is vosk and a model loaded
	db    *store.DB
	guard *compliance.Guard
	clk   clock.Clock // the ledger's clock: calls are stamped on it too
}

// newRuntime wires the parts the config names. asrEngine overrides the
// config ("" keeps it). A missing or broken Vosk model is an error here,
// before any call starts.
func newRuntime(ctx context.Context, cfg config.Config, log *slog.Logger, clk clock.Clock, onDecision func(compliance.Decision)) (*runtime, error) {
	rt := &runtime{cfg: cfg, log: log, files: tts.NewAudioFiles(), clk: clock.Or(clk)}
	v, err := tts.NewVoice(cfg.TTS.Engine)
	if err != nil {
		return nil, fmt.Errorf("tts: %w", err)
	}
	rt.voice = tts.NewCache(cfg.TTS.CacheDir, v, v.Key(), tts.WithCacheLogger(log))
	if cfg.ASR.Engine == "vosk" {
		dir := cfg.ASR.Model
		if dir == "" {
			dir, err = vosk.FindModel()
			if err != nil {
				return nil, fmt.Errorf("asr: no Vosk model (%v): set VOSK_MODEL, run `make model`, or use --asr dtmf", err)
			}
		}
		m, err := vosk.LoadModel(dir, vosk.Options{LibraryPath: cfg.ASR.Library})
		if err != nil {
			return nil, fmt.Errorf("asr: %w", err)
		}
		rt.model = m
	}
	db, err := store.Open(ctx, cfg.Store.DSN)
	if err != nil {
		rt.close()
		return nil, fmt.Errorf("store: %w", err)
	}
	rt.db = db
	g, err := compliance.NewGuard(compliance.Config{Ledger: db, Clock: clk, Logger: log, OnDecision: onDecision})
	if err != nil {
		rt.close()
		return nil, fmt.Errorf("compliance: %w", err)
	}
	rt.guard = g
	if _, err := g.ExpireStale(ctx); err != nil {
		log.Warn("expire stale reservations", "err", err)
	}
	return rt, nil
}

func (rt *runtime) close() {
	if rt.model != nil {
		_ = rt.model.Close()
	}
	if rt.db != nil {
		_ = rt.db.Close()
	}
}

// recognizer returns the recognizer for one call: Vosk when loaded, the
// given stand-in (the demo's scripted recognizer) otherwise, nil for keypad-only.
func (rt *runtime) recognizer(standIn asr.Recognizer) asr.Recognizer {
	switch {
	case rt.cfg.ASR.Engine == "dtmf":
		return nil
	case rt.model != nil:
		return rt.model
	default:
		return standIn
	}
}

// voiceConfig is the robot's voice side of every call.
func (rt *runtime) voiceConfig() robot.VoiceConfig {
	return robot.VoiceConfig{Voice: rt.voice, LoadAudio: rt.files.Load, BargeInAfter: rt.cfg.Robot.BargeInAfter}
}

func (rt *runtime) vadConfig() asr.VADConfig {
	c := asr.DefaultVADConfig()
	v := rt.cfg.VAD
	for dst, set := range map[*time.Duration]time.Duration{&c.StartVoiced: v.StartAfter, &c.EndSilence: v.TrailingSilence, &c.MaxUtterance: v.MaxUtterance, &c.PreRoll: v.PreRoll} {
		if set > 0 {
			*dst = set
		}
	}
	return c
}

// wire makes the runtime, the command's UA on cfg.SIP and the call path on
// it: every call dozvon places or takes goes through that flow. limits: the
// trunks' channel limits for pricing and failover (nil: no trunk book, the
// UA's own order).
func wire(ctx context.Context, cfg config.Config, log *slog.Logger, clk clock.Clock, limits map[string]int, events ...callflow.Subscriber) (*runtime, *telephony.UA, *callflow.Flow, error) {
	// A subscriber that also counts the guard's decisions (the service's
	// metrics) hears them from the guard itself: the one choke point.
	var onDecision func(compliance.Decision)
	for _, ev := range events {
		if o, ok := ev.(interface {
			GuardDecision(allowed bool, reason string)
		}); ok {
			onDecision = func(d compliance.Decision) { o.GuardDecision(d.Allowed, d.Reason) }
		}
	}
	rt, err := newRuntime(ctx, cfg, log, clk, onDecision)
	if err != nil {
		return nil, nil, nil, err
	}
	var trunks *callflow.Trunks
	if limits != nil {
		trunks = callflow.TrunkBook(cfg.SIP.Trunks, limits, rt.clk)
	}
	var rec callflow.Recorder // a recorder that fails stops new calls
	if h := recorderHealth(cfg, log); h != nil {
		cfg.SIP.RecorderFault, rec = h.Fault, h
	}
	ua, err := telephony.New(ctx, cfg.SIP, log)
	var flow *callflow.Flow
	if err == nil {
		flow, err = callflow.New(callflow.Config{
			UA: ua, Guard: rt.guard, Calls: rt.db, Clock: rt.clk, Log: rt.log,
			Voice:        rt.voiceConfig(),
			Recognizer:   func(string) asr.Recognizer { return rt.recognizer(nil) },
			NewSegmenter: func() (robot.Segmenter, error) { return asr.NewSegmenter(rt.vadConfig()) },
			Trunks:       trunks, RecordDir: cfg.SIP.RecordDir, TransferTo: cfg.Robot.TransferTo, NonHuman: cfg.Robot.NonHuman,
			Recorder: rec, Events: subscribers(events),
		})
	}
	if err != nil {
		rt.close()
		return nil, nil, nil, err
	}
	return rt, ua, flow, nil
}

// subscribers is events as one subscriber (nil: none).
func subscribers(events []callflow.Subscriber) callflow.Subscriber {
	if len(events) == 0 {
		return nil
	}
	return callflow.Subscribers(events)
}

// standIn is the per-call recognizer override for simulated phones: their
// board's labelled text, unless a Vosk model (or keypad-only) takes its place.
func (rt *runtime) standIn(phones *testcalls.Callee) func(string) asr.Recognizer {
	return func(callID string) asr.Recognizer { return rt.recognizer(phones.Board().Recognizer(callID)) }
}

// logLevel is debug with -v, else quiet.
func logLevel(verbose bool, quiet slog.Level) slog.Level {
	if verbose {
		return slog.LevelDebug
	}
	return quiet
}

// newLogger logs to w at level, masking phone numbers (slog attrs named
// phone, to, from are masked by the handler wrapper).
func newLogger(w io.Writer, level slog.Level) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: level, ReplaceAttr: compliance.MaskPhoneAttrs}))
}

// lateSubscriber is a call-event subscriber set after wiring, for one that
// needs what wire opens (the store): events before set are not for it.
type lateSubscriber struct {
	s atomic.Pointer[callflow.Subscriber]
}

func (l *lateSubscriber) set(s callflow.Subscriber) { l.s.Store(&s) }

// CallEvent implements callflow.Subscriber.
func (l *lateSubscriber) CallEvent(e callflow.Event) {
	if s := l.s.Load(); s != nil {
		(*s).CallEvent(e)
	}
}
