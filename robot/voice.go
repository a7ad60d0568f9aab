package robot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/dozvon/dozvon/asr"
	"github.com/dozvon/dozvon/internal/safe"
	"github.com/dozvon/dozvon/telephony"
	"github.com/dozvon/dozvon/tts"
)

// Call is what a voice conversation needs from a telephony call.
type Call interface {
	SetHandler(h telephony.FrameHandler)
	Play(pcm []int16) *telephony.Playback
	StopPlayback()
	DTMF() <-chan rune
	Done() <-chan struct{}
	Hangup(ctx context.Context) error
	Transfer(ctx context.Context, target string) error
}

// Synthesizer turns prompt text into 8 kHz audio.
type Synthesizer interface {
	Synthesize(ctx context.Context, text string) (tts.Audio, error)
}

// Segmenter is the VAD/endpointer run on every received frame.
type Segmenter interface {
	Push(frame []int16) (asr.Event, [][]int16)
	Stats() (received, fed time.Duration)
}

// FrameObserver sees every received frame on the media loop (first-phrase
// detection). It must be quick.
type FrameObserver func(frame []int16, at time.Duration, robotSpeaking bool)

// VoiceConfig configures a voice conversation.
type VoiceConfig struct {
	// Recognizer turns speech segments into text; nil means keypad-only (DTMF) mode.
	Recognizer asr.Recognizer
	// Segmenter is this call's VAD (required).
	Segmenter Segmenter
	// Voice synthesises prompts; LoadAudio reads recorded phrase files.
	Voice     Synthesizer
	LoadAudio func(path string) (tts.Audio, error)
	// BargeInAfter is how much caller speech, counted from the VAD's speech
	// start, stops a prompt that allows barge-in (default 0: at speech start).
	BargeInAfter time.Duration
	// InterDigit ends DTMF collection after this gap (default 3 s).
	InterDigit time.Duration
	// Observer, when set, sees every received frame.
	Observer FrameObserver
	// TextObserver, when set, sees every final recognition result (including
	// empty ones) on the recognizer goroutine — first-phrase detection uses it.
	TextObserver func(text string, final bool)
	// KeyObserver, when set, hears every key the caller presses (on the
	// DTMF goroutine) — first-phrase detection takes it for a person.
	KeyObserver func()
	Log         *slog.Logger
}

// VoiceConversation is the audio implementation of Conversation on a live
// call: prompts are synthesised and played with barge-in; the caller's audio
// goes through the VAD, only speech (with pre-roll) is fed to the recognizer
// on a separate goroutine, and DTMF digits are collected.
type VoiceConversation struct {
	call Call
	cfg  VoiceConfig
	log  *slog.Logger

	stream asr.Stream
	feed   chan feedItem // media loop → recognizer goroutine
	events chan Input    // recognised turns and digits, in order

	mu       sync.Mutex
	bargeIn  bool // the current prompt allows barge-in
	bargedIn bool // it was interrupted
	speaking bool // a caller utterance is in progress
	// recognising counts the caller's ended utterances the recognizer has
	// not answered for yet: Listen's no-input timer waits for them as it
	// waits for an utterance in progress
	recognising  int
	speechFrames int
	segStart     time.Time
	feedDropped  int

	ended bool // a hang-up was delivered by Listen

	// fault is why the conversation broke under the dialogue (a recovered
	// panic in its recognizer or DTMF loop, a media fault on the call);
	// faulted is closed when it is set.
	fault     error
	faulted   chan struct{}
	faultOnce sync.Once

	wg     sync.WaitGroup
	closed chan struct{}
	once   sync.Once
}

type feedItem struct {
	pcm        []int16
	end        bool
	start, fin time.Time
}

// NewVoiceConversation attaches to an answered call. Close it when the
// dialogue is over.
func NewVoiceConversation(ctx context.Context, call Call, cfg VoiceConfig) (*VoiceConversation, error) {
	if cfg.Segmenter == nil {
		return nil, errors.New("voice conversation: a VAD segmenter is required")
	}
	if cfg.Voice == nil {
		return nil, errors.New("voice conversation: a voice (synthesizer) is required")
	}
	if cfg.InterDigit <= 0 {
		cfg.InterDigit = 3 * time.Second
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	v := &VoiceConversation{
		call:    call,
		cfg:     cfg,
		log:     cfg.Log,
		feed:    make(chan feedItem, 512),
		events:  make(chan Input, 64),
		closed:  make(chan struct{}),
		faulted: make(chan struct{}),
	}
	if cfg.Recognizer != nil {
		s, err := cfg.Recognizer.NewStream(ctx, asr.StreamConfig{SampleRate: 8000})
		if err != nil {
			return nil, fmt.Errorf("voice conversation: recognizer: %w", err)
		}
		v.stream = s
	}
	v.wg.Add(2)
	go v.recognize()
	go v.collectDTMF()
	call.SetHandler(v.onFrame)
	return v, nil
}

// onFrame runs on the call's media loop every 20 ms.
func (v *VoiceConversation) onFrame(in []int16, at time.Duration, playing bool) {
	if v.cfg.Observer != nil {
		v.cfg.Observer(in, at, playing)
	}
	ev, feed := v.cfg.Segmenter.Push(in)
	now := time.Now()
	v.mu.Lock()
	switch ev {
	case asr.SpeechStart:
		v.speaking, v.speechFrames = true, 0
		v.segStart = now.Add(-v.cfg.BargeInAfter)
	case asr.SpeechEnd, asr.MaxLength:
		v.speaking = false
	}
	if v.speaking {
		v.speechFrames++
	}
	stop := v.speaking && playing && v.bargeIn && !v.bargedIn &&
		time.Duration(v.speechFrames)*telephony.FrameDuration >= v.cfg.BargeInAfter
	if stop {
		v.bargedIn = true
	}
	segStart := v.segStart
	v.mu.Unlock()
	if stop {
		v.call.StopPlayback()
	}
	for _, f := range feed {
		v.push(feedItem{pcm: append([]int16(nil), f...)})
	}
	if ev == asr.SpeechEnd || ev == asr.MaxLength {
		v.mu.Lock()
		v.recognising++ // before the push: the recognizer may answer at once
		v.mu.Unlock()
		if !v.push(feedItem{end: true, start: segStart, fin: now}) {
			v.recognised()
		}
	}
}

// recognised says the recognizer is done with one ended utterance.
func (v *VoiceConversation) recognised() {
	v.mu.Lock()
	v.recognising--
	v.mu.Unlock()
}

func (v *VoiceConversation) push(it feedItem) bool {
	select {
	case v.feed <- it:
		return true
	default:
		// The recognizer is more than 10 s behind: drop rather than stall the media loop.
		v.mu.Lock()
		v.feedDropped++
		v.mu.Unlock()
		return false
	}
}

// errMediaFault is the fault of a call whose media path broke under it.
var errMediaFault = errors.New("voice conversation: the call's media failed")

// fail records the conversation's first fault: Listen returns it from now
// on, and RunCall ends the call as failed.
func (v *VoiceConversation) fail(err error) {
	v.faultOnce.Do(func() {
		v.mu.Lock()
		v.fault = err
		v.mu.Unlock()
		close(v.faulted)
	})
}

func (v *VoiceConversation) failPanic(p *safe.Panic) { v.fail(p) }

// Fault is why the conversation broke under the dialogue (nil: it did not).
// A call that ended on a media fault counts even before the DTMF loop has
// seen it end: the call says so before it says it is done.
func (v *VoiceConversation) Fault() error {
	v.mu.Lock()
	f := v.fault
	v.mu.Unlock()
	if f == nil && mediaFault(v.call) {
		return errMediaFault
	}
	return f
}

// mediaFault reports a call that has ended on a fault of its media path
// (telephony's end reason "media": a recovered panic in its loops).
func mediaFault(call Call) bool {
	select {
	case <-call.Done():
	default:
		return false
	}
	r, ok := call.(interface{ EndReason() string })
	return ok && r.EndReason() == "media"
}

// recognize feeds speech to the recognizer and turns each segment's final
// result into an Input. Empty results (noise, coughs) are dropped. A panic
// (in the recognizer, say) ends this call as failed, not the process.
func (v *VoiceConversation) recognize() {
	defer v.wg.Done()
	defer safe.Recover(v.log, "robot recognizer", v.failPanic)
	for {
		select {
		case <-v.closed:
			return
		case it := <-v.feed:
			if v.stream == nil {
				continue
			}
			if !it.end {
				if err := v.stream.Accept(it.pcm); err != nil {
					v.log.Warn("recognizer accept", "err", err)
				}
				continue
			}
			v.final(it)
		}
	}
}

// final turns the recognizer's answer for an ended utterance into an Input;
// only then does Listen's no-input timer stop waiting for it.
func (v *VoiceConversation) final(it feedItem) {
	defer v.recognised()
	res, err := v.stream.Final()
	if err != nil {
		v.log.Warn("recognizer final", "err", err)
		return
	}
	if v.cfg.TextObserver != nil {
		v.cfg.TextObserver(res.Text, true)
	}
	if res.Text == "" {
		return
	}
	v.emit(Input{Kind: InputSpeech, Text: res.Text, Confidence: res.Confidence, Start: it.start, End: it.fin})
}

// collectDTMF turns the call's digits into Inputs and its end into a
// hang-up; a panic here, or a call that ended on a media fault, ends the
// conversation as failed.
func (v *VoiceConversation) collectDTMF() {
	defer v.wg.Done()
	defer safe.Recover(v.log, "robot dtmf loop", v.failPanic)
	for {
		select {
		case <-v.closed:
			return
		case <-v.call.Done():
			if mediaFault(v.call) {
				v.fail(errMediaFault)
			}
			v.emit(Input{Kind: InputHangup, Start: time.Now(), End: time.Now()})
			return
		case d := <-v.call.DTMF():
			if v.cfg.KeyObserver != nil {
				v.cfg.KeyObserver()
			}
			now := time.Now()
			v.emit(Input{Kind: InputDTMF, Digits: string(d), Start: now, End: now})
		}
	}
}

func (v *VoiceConversation) emit(in Input) {
	select {
	case v.events <- in:
	case <-v.closed:
	}
}

// Say implements Conversation.
func (v *VoiceConversation) Say(ctx context.Context, p Prompt) (SayResult, error) {
	var audio tts.Audio
	var err error
	if p.Audio != "" && v.cfg.LoadAudio != nil {
		audio, err = v.cfg.LoadAudio(p.Audio)
		if err != nil {
			v.log.Warn("recorded phrase unusable, synthesising its text", "phrase", p.ID, "err", err)
		}
	}
	if len(audio.PCM) == 0 {
		// playing only reads the prompt (telephony.Call.Play), so a cache
		// that can serve its own copy saves one per prompt and call
		if s, ok := v.cfg.Voice.(tts.SharedSynthesizer); ok {
			audio, err = s.SynthesizeShared(ctx, p.Text)
		} else {
			audio, err = v.cfg.Voice.Synthesize(ctx, p.Text)
		}
		if err != nil {
			return SayResult{}, fmt.Errorf("say %s: %w", p.ID, err)
		}
	}
	if audio.Rate != 8000 {
		return SayResult{}, fmt.Errorf("say %s: audio at %d Hz, want 8000", p.ID, audio.Rate)
	}
	v.mu.Lock()
	v.bargeIn, v.bargedIn = p.BargeIn, false
	v.mu.Unlock()
	pb := v.call.Play(audio.PCM)
	select {
	case <-pb.Done():
	case <-v.call.Done():
	case <-ctx.Done():
		v.call.StopPlayback()
		<-pb.Done()
	}
	stopped, started, finished := pb.Result()
	v.mu.Lock()
	barged := v.bargedIn && stopped
	v.bargeIn = false
	v.mu.Unlock()
	res := SayResult{Start: started, End: finished, BargedIn: barged}
	select {
	case <-v.call.Done():
		res.HungUp = true
	default:
	}
	if err := ctx.Err(); err != nil {
		return res, err
	}
	return res, nil
}

// Listen implements Conversation.
func (v *VoiceConversation) Listen(ctx context.Context, o ListenOptions) (Input, error) {
	noInput := o.NoInputTimeout
	if noInput <= 0 {
		noInput = 5 * time.Second
	}
	maxUtt := o.MaxUtterance
	if maxUtt <= 0 {
		maxUtt = 15 * time.Second
	}
	want := o.DTMFDigits
	if want <= 0 {
		want = 1
	}
	start := time.Now()
	v.mu.Lock()
	ended := v.ended
	v.mu.Unlock()
	if ended {
		return Input{Kind: InputHangup, Start: start, End: start}, nil
	}
	v.applyGrammar(o.Grammar)
	deadline := time.NewTimer(noInput)
	defer deadline.Stop()
	var digits string
	var digitTimer <-chan time.Time
	for {
		select {
		case <-ctx.Done():
			return Input{}, ctx.Err()
		case <-v.faulted:
			return Input{}, v.Fault()
		case in := <-v.events:
			switch in.Kind {
			case InputDTMF:
				digits += in.Digits
				if len(digits) >= want || in.Digits == "#" {
					in.Digits = digits
					return in, nil
				}
				digitTimer = time.After(v.cfg.InterDigit)
			case InputHangup:
				v.mu.Lock()
				v.ended = true
				v.mu.Unlock()
				if digits != "" {
					return Input{Kind: InputDTMF, Digits: digits, Start: start, End: time.Now()}, nil
				}
				return in, nil
			default:
				if digits != "" { // speech after partial digits: hand over the digits first
					v.requeue(in)
					return Input{Kind: InputDTMF, Digits: digits, Start: start, End: time.Now()}, nil
				}
				return in, nil
			}
		case <-digitTimer:
			return Input{Kind: InputDTMF, Digits: digits, Start: start, End: time.Now()}, nil
		case <-deadline.C:
			v.mu.Lock()
			busy := v.speaking || v.recognising > 0
			v.mu.Unlock()
			if busy && time.Since(start) < noInput+maxUtt {
				// the caller is mid-utterance, or its words are still with
				// the recognizer (a busy box, a slow model): wait for them
				deadline.Reset(200 * time.Millisecond)
				continue
			}
			if digits != "" {
				return Input{Kind: InputDTMF, Digits: digits, Start: start, End: time.Now()}, nil
			}
			return Input{Kind: InputNoInput, Start: start, End: time.Now()}, nil
		}
	}
}

// applyGrammar hands the step's recognition hints to the stream (from the caller's next
// utterance on; none means free speech). Hints only narrow recognition: a stream or model that
// cannot take them leaves the step on free speech, which still hears every answer.
func (v *VoiceConversation) applyGrammar(hints []string) {
	if v.stream == nil {
		return
	}
	err := asr.SetGrammar(v.stream, hints)
	if err == nil {
		return
	}
	if !errors.Is(err, asr.ErrNoGrammar) {
		v.log.Warn("listen: recognition hints not applied, free speech instead", "hints", len(hints), "err", err)
	}
	_ = asr.SetGrammar(v.stream, nil) // drop an earlier step's grammar
}

func (v *VoiceConversation) requeue(in Input) {
	go v.emit(in)
}

// Transfer implements Conversation.
func (v *VoiceConversation) Transfer(ctx context.Context, target string) error {
	return v.call.Transfer(ctx, target)
}

// Hangup implements Conversation.
func (v *VoiceConversation) Hangup(ctx context.Context) error {
	return v.call.Hangup(ctx)
}

// AudioStats reports how much audio the call received and how much of it was
// fed to the recognizer (speech plus pre-roll).
type AudioStats struct {
	Received, Fed time.Duration
	FeedDropped   int
}

// Stats returns the audio counters.
func (v *VoiceConversation) Stats() AudioStats {
	r, f := v.cfg.Segmenter.Stats()
	v.mu.Lock()
	defer v.mu.Unlock()
	return AudioStats{Received: r, Fed: f, FeedDropped: v.feedDropped}
}

// Close detaches from the call and releases the recognizer stream.
func (v *VoiceConversation) Close() error {
	v.once.Do(func() {
		v.call.SetHandler(nil)
		close(v.closed)
	})
	v.wg.Wait()
	if v.stream != nil {
		return v.stream.Close()
	}
	return nil
}
