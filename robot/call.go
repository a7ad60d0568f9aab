package robot

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/dozvon/dozvon/clock"
	"github.com/dozvon/dozvon/detect"
	"github.com/dozvon/dozvon/internal/safe"
	"github.com/dozvon/dozvon/scripts"
	"github.com/dozvon/dozvon/telephony"
)

// CallConfig is everything needed to run a script on one answered call.
type CallConfig struct {
	Script         *scripts.Script
	Vars           map[string]any
	Clock          clock.Clock // the dialogue's clock (nil: the wall clock)
	Location       *time.Location
	TransferTarget string
	// HandOff, when set, runs transfer nodes as a warm hand-off (Session.HandOff).
	HandOff HandOff
	// Voice configures the audio side; its Segmenter is made per call by NewSegmenter.
	Voice        VoiceConfig
	NewSegmenter func() (Segmenter, error)
	Log          *slog.Logger
	// FirstPhrase configures first-phrase detection (on unless Disabled; on
	// inbound calls it only observes and never stops the dialogue).
	FirstPhrase FirstPhraseConfig
	// OnNonHuman is the campaign's reaction when the first phrase is not a
	// person; the zero value hangs up on every non-human class.
	OnNonHuman NonHumanPolicy
	// RecordDir is where the first seconds of received audio go when the
	// call has no recording of its own to sit next to ("" and no recording:
	// not written).
	RecordDir string
	// OnTurn and OnVerdict, when set, see each transcript turn and each
	// first-phrase verdict (a provisional one, then its settled class) as
	// they happen; they must return quickly.
	OnTurn    func(Turn)
	OnVerdict func(detect.Decision)
}

// CallResult is the dialogue's result plus the call's audio counters.
type CallResult struct {
	Result
	Audio AudioStats
	// Detection is the first-phrase verdict (nil: detection off, or no
	// verdict before the call ended). Its evidence has names and long
	// numbers masked.
	Detection *detect.Decision
	// FirstAudioPath is the WAV of the first seconds of received audio
	// ("" when not written).
	FirstAudioPath string
}

// RunCall runs cfg.Script on an answered call through a VoiceConversation
// and hangs up at the end. A panic anywhere in the conversation ends this
// call as "failed"; it never reaches the caller's goroutine.
func RunCall(ctx context.Context, call Call, cfg CallConfig) (res CallResult, err error) {
	log := cfg.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	defer safe.Recover(log, "robot call", func(p *safe.Panic) {
		res.Outcome = scripts.OutcomeFailed
		res.Reason = p.Error()
		err = fmt.Errorf("robot call: %w", p)
		hctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 3*time.Second)
		_ = call.Hangup(hctx)
		cancel()
	})
	fail := func(e error) (CallResult, error) {
		hctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 3*time.Second)
		_ = call.Hangup(hctx)
		cancel()
		return CallResult{Result: Result{Outcome: scripts.OutcomeFailed, Reason: e.Error()}}, e
	}
	if cfg.NewSegmenter == nil {
		return fail(fmt.Errorf("robot call: no VAD configured"))
	}
	if err := cfg.OnNonHuman.Validate(cfg.Vars); err != nil {
		return fail(fmt.Errorf("robot call: %w", err))
	}
	seg, err := cfg.NewSegmenter()
	if err != nil {
		return fail(fmt.Errorf("robot call: vad: %w", err))
	}
	// The session runs under its own context: first-phrase detection cancels
	// it (cause errStopped) to stop the dialogue wherever it is.
	sctx, stopSession := context.WithCancelCause(ctx)
	defer stopSession(nil)
	vc := cfg.Voice
	vc.Segmenter = seg
	if vc.Log == nil {
		vc.Log = log
	}
	var fp *firstPhrase
	if !cfg.FirstPhrase.Disabled {
		fpc := cfg.FirstPhrase
		fpc.keypadOnly = vc.Recognizer == nil
		fp = newFirstPhrase(fpc, cfg.OnNonHuman, cfg.Vars, func() { stopSession(errStopped) }, log)
		fp.onVerdict = cfg.OnVerdict
		fp.observeOnly = inbound(call)
		if em, ok := call.(interface{ EarlyMedia() []int16 }); ok {
			fp.earlyMedia(em.EarlyMedia())
		}
		if as, ok := call.(interface{ AudioStarted() bool }); ok {
			fp.audioStarted = as.AudioStarted
		}
		if ss, ok := call.(interface{ SetSentHandler(telephony.SentHandler) }); ok && !fpc.NoEchoReference {
			// what the robot sends is the echo reference: the detector
			// tells the robot's echo from the callee's own voice
			ss.SetSentHandler(fp.sent)
			defer ss.SetSentHandler(nil)
		}
		vc.Observer = chainFrames(vc.Observer, fp.frame)
		vc.TextObserver = chainTexts(vc.TextObserver, fp.text)
		if key := vc.KeyObserver; key != nil {
			vc.KeyObserver = func() { key(); fp.keypad() }
		} else {
			vc.KeyObserver = fp.keypad
		}
		if vc.Recognizer != nil {
			vc.Recognizer = partialRecognizer{Recognizer: vc.Recognizer, fp: fp}
		}
	}
	conv, err := NewVoiceConversation(ctx, call, vc)
	if err != nil {
		return fail(err)
	}
	// Close once: it also closes the recognizer stream
	closeConv := sync.OnceValue(conv.Close)
	defer closeConv()
	var sconv Conversation = conv
	if fp != nil && !fp.observeOnly {
		limit := cfg.FirstPhrase.Detect.MaxAnalysis
		if limit <= 0 {
			limit = 6 * time.Second
		}
		sconv = &gatedConversation{Conversation: conv, fp: fp, sensitive: sensitivePrompts(cfg.Script, cfg.Vars),
			hungUp: call.Done(), limit: limit + 2*time.Second}
	}
	sess := Session{
		Script: cfg.Script, Vars: cfg.Vars, Clock: cfg.Clock, Location: cfg.Location,
		Conv: sconv, Log: log, TransferTarget: cfg.TransferTarget, HandOff: cfg.HandOff, OnTurn: cfg.OnTurn,
	}
	r, err := sess.Run(sctx)
	res = CallResult{Result: r}
	if fp != nil {
		// a verdict that came before its class: the robot is silent now;
		// listen on until the class (and so the campaign's reaction) is known
		fp.awaitClass(ctx, call.Done(), fp.maxAnalysis+2*time.Second)
		if r2, ok, err2 := resumeAsPerson(ctx, call, fp, &sess, res); ok {
			res, err = r2, err2
		}
		stop, dec, cut := fp.finish()
		res.Detection = dec
		if stop != nil && err != nil && ctx.Err() == nil {
			// the dialogue was stopped by detection, not by its own end
			err = nil
			res.Outcome = OutcomeFor(stop.class)
			res.Reason = stop.reason
			if res.Slots == nil {
				res.Slots = map[string]string{}
			}
			res.Slots[SlotDetectedClass] = string(stop.class)
			node := ""
			if len(res.Path) > 0 {
				node = res.Path[len(res.Path)-1]
			}
			for _, t := range cut {
				t.Node = node
				res.Turns = append(res.Turns, t)
			}
			if cfg.OnNonHuman.action(stop.class) == NonHumanMessage {
				// say it into the pause after the greeting (and the beep)
				fp.awaitMessageCue(ctx, call.Done(), stop.class)
				res.Turns = append(res.Turns, sayNeutral(ctx, conv, cfg.OnNonHuman.message(), log))
			}
			for i := range res.Turns {
				res.Turns[i].Seq = i + 1
			}
			log.Info("dialogue stopped by first-phrase detection", "class", stop.class, "outcome", res.Outcome)
		}
	}
	if ferr := conv.Fault(); ferr != nil {
		// the conversation broke under the dialogue (a recovered panic in
		// one of its loops, a media fault): whatever the dialogue made of
		// the silence that followed, the call failed
		res.Outcome, res.Reason, err = scripts.OutcomeFailed, ferr.Error(), ferr
	}
	hctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 3*time.Second)
	_ = conv.Hangup(hctx)
	cancel()
	_ = closeConv() // detaches the observers before the kept audio is read
	res.Audio = conv.Stats()
	if fp != nil {
		if path := firstAudioPath(call, cfg.RecordDir); path != "" {
			if werr := writeMonoWAV(path, fp.firstAudio()); werr != nil {
				log.Warn("first audio not kept", "err", werr)
			} else {
				res.FirstAudioPath = path
			}
		}
	}
	return res, err
}

// resumeAsPerson runs the dialogue again when detection stopped it with "not
// a person, class pending" and the class then settled as a person (a phrase
// with no cue, then the callee waited for the caller): the call goes on as a
// person's — no non-human outcome, no voicemail message — from the script's
// start, with the prompts the first run played in full not played again
// (resumedConversation), the first run's turns and the prompts cut by the
// stop kept before the new ones. ok is false when there is nothing to resume (the callee hung
// up, ctx ended, or the stop stands).
func resumeAsPerson(ctx context.Context, call Call, fp *firstPhrase, sess *Session, first CallResult) (CallResult, bool, error) {
	select {
	case <-call.Done():
		return first, false, nil
	default:
	}
	if ctx.Err() != nil {
		return first, false, nil
	}
	rctx, stop := context.WithCancelCause(ctx)
	cut, ok := fp.resume(func() { stop(errStopped) })
	if !ok {
		stop(nil)
		return first, false, nil
	}
	defer stop(nil)
	// the greeting's prompts the person already heard in full are not
	// played again: the dialogue goes on from the prompt the stop cut
	rs := *sess
	conv := newResumedConversation(sess.Conv, first.Turns)
	rs.Conv = conv
	if onTurn := sess.OnTurn; onTurn != nil {
		skipped := 0
		rs.OnTurn = func(t Turn) {
			if t.Who == WhoRobot && t.Kind == TurnKindSay {
				conv.mu.Lock()
				n := conv.skipped
				conv.mu.Unlock()
				if skipped < n {
					skipped++
					return
				}
			}
			onTurn(t)
		}
	}
	r, err := rs.Run(rctx)
	r.Turns = conv.dropSkipped(r.Turns)
	node := ""
	if len(first.Path) > 0 {
		node = first.Path[len(first.Path)-1]
	}
	for i := range cut {
		cut[i].Node = node
	}
	turns := append(append([]Turn(nil), first.Turns...), cut...)
	r.Turns = append(turns, r.Turns...)
	for i := range r.Turns {
		r.Turns[i].Seq = i + 1
	}
	r.Path = append(append([]string(nil), first.Path...), r.Path...)
	return CallResult{Result: r}, true, err
}

// inbound reports a call the far end placed: whoever calls in is taken to be
// a person (their first phrase is a request, not a greeting to act on), so
// detection only observes: the verdict and the first audio are kept.
func inbound(call Call) bool {
	d, ok := call.(interface{ Direction() string })
	return ok && d.Direction() == "inbound"
}

// sayNeutral plays the non-human message and returns its transcript turn.
func sayNeutral(ctx context.Context, conv Conversation, text string, log *slog.Logger) Turn {
	mctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	r, err := conv.Say(mctx, Prompt{ID: "non_human_message", Text: text})
	if err != nil {
		log.Warn("non-human message", "err", err)
	}
	return Turn{Node: "non_human_message", Who: WhoRobot, Kind: TurnKindSay, Text: text, Start: r.Start, End: r.End}
}

func chainFrames(a, b FrameObserver) FrameObserver {
	if a == nil {
		return b
	}
	return func(f []int16, at time.Duration, playing bool) {
		a(f, at, playing)
		b(f, at, playing)
	}
}

func chainTexts(a, b func(string, bool)) func(string, bool) {
	if a == nil {
		return b
	}
	return func(t string, final bool) {
		a(t, final)
		b(t, final)
	}
}
