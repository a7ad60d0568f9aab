package robot

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"time"

	"github.com/dozvon/dozvon/scripts"
)

// CallConfig is everything needed to run a script on one answered call.
type CallConfig struct {
	Script         *scripts.Script
	Vars           map[string]any
	Now            func() time.Time
	Location       *time.Location
	TransferTarget string
	// Voice configures the audio side; its Segmenter is made per call by NewSegmenter.
	Voice        VoiceConfig
	NewSegmenter func() (Segmenter, error)
	Log          *slog.Logger
}

// CallResult is the dialogue's result plus the call's audio counters.
type CallResult struct {
	Result
	Audio AudioStats
}

// RunCall runs cfg.Script on an answered call through a VoiceConversation
// and hangs up at the end. A panic anywhere in the conversation ends this
// call as "failed"; it never reaches the caller's goroutine.
func RunCall(ctx context.Context, call Call, cfg CallConfig) (res CallResult, err error) {
	log := cfg.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	defer func() {
		if p := recover(); p != nil {
			log.Error("robot call panic", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			res.Outcome = scripts.OutcomeFailed
			res.Reason = fmt.Sprintf("panic: %v", p)
			err = fmt.Errorf("robot call: panic: %v", p)
			hctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 3*time.Second)
			_ = call.Hangup(hctx)
			cancel()
		}
	}()
	fail := func(e error) (CallResult, error) {
		hctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 3*time.Second)
		_ = call.Hangup(hctx)
		cancel()
		return CallResult{Result: Result{Outcome: scripts.OutcomeFailed, Reason: e.Error()}}, e
	}
	if cfg.NewSegmenter == nil {
		return fail(fmt.Errorf("robot call: no VAD configured"))
	}
	seg, err := cfg.NewSegmenter()
	if err != nil {
		return fail(fmt.Errorf("robot call: vad: %w", err))
	}
	vc := cfg.Voice
	vc.Segmenter = seg
	if vc.Log == nil {
		vc.Log = log
	}
	conv, err := NewVoiceConversation(ctx, call, vc)
	if err != nil {
		return fail(err)
	}
	defer conv.Close()
	sess := Session{
		Script: cfg.Script, Vars: cfg.Vars, Now: cfg.Now, Location: cfg.Location,
		Conv: conv, Log: log, TransferTarget: cfg.TransferTarget,
	}
	r, err := sess.Run(ctx)
	hctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 3*time.Second)
	_ = conv.Hangup(hctx)
	cancel()
	return CallResult{Result: r, Audio: conv.Stats()}, err
}
