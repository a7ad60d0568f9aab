package robot

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/go-audio/audio"
	"github.com/go-audio/wav"

	"github.com/dozvon/dozvon/asr"
	"github.com/dozvon/dozvon/detect"
	"github.com/dozvon/dozvon/scripts"
)

// NonHumanAction is what the robot does when the first phrase shows that no
// person answered.
type NonHumanAction string

// Non-human actions.
const (
	// NonHumanHangup ends the call at once (the default for every class).
	NonHumanHangup NonHumanAction = "hangup"
	// NonHumanMessage says NonHumanPolicy.Message once, then hangs up.
	NonHumanMessage NonHumanAction = "message"
)

// DefaultNeutralMessage is said for NonHumanMessage when the policy has no
// text of its own.
//
// It names no one and nothing: an assistant or a voicemail box is a third
// party (the message may be heard by family or stored by an operator), and
// 230-FZ art. 6 part 5 forbids disclosing the debt, its terms or the debtor's
// relation to a creditor to third parties. Naming the debtor ("это сообщение
// для Ивана") or the creditor already tells a listener who owes whom, so the
// only thing left to say is a plain request to call back.
const DefaultNeutralMessage = "Здравствуйте. Это автоматическое сообщение. Пожалуйста, перезвоните по номеру, с которого вам звонили. Спасибо."

// NonHumanPolicy is the campaign's reaction to a first phrase that is not a
// person (voice_assistant, machine, announcement, silence, ivr, fax) and to a
// bot-to-bot loop.
type NonHumanPolicy struct {
	// Actions per class; a class not listed hangs up.
	Actions map[detect.Class]NonHumanAction `json:"actions,omitempty" yaml:"actions,omitempty"`
	// Message is the neutral phrase for NonHumanMessage ("" means
	// DefaultNeutralMessage). It must not mention the debt, the creditor or
	// the debtor, and it may not use variables: Validate checks.
	Message string `json:"message,omitempty" yaml:"message,omitempty"`
	// MinConfidence: a non-human verdict below it does not stop the dialogue
	// (0 means 0.5).
	MinConfidence float64 `json:"min_confidence,omitempty" yaml:"min_confidence,omitempty"`
}

func (p NonHumanPolicy) action(c detect.Class) NonHumanAction {
	if a, ok := p.Actions[c]; ok && a != "" {
		return a
	}
	return NonHumanHangup
}

func (p NonHumanPolicy) message() string {
	if strings.TrimSpace(p.Message) == "" {
		return DefaultNeutralMessage
	}
	return p.Message
}

func (p NonHumanPolicy) minConfidence() float64 {
	if p.MinConfidence <= 0 {
		return 0.5
	}
	return p.MinConfidence
}

// Validate checks the policy against the call's variables: known classes and
// actions, a confidence in [0,1], and a message that discloses nothing.
func (p NonHumanPolicy) Validate(vars map[string]any) error {
	for c, a := range p.Actions {
		if _, err := detect.ParseClass(string(c)); err != nil {
			return fmt.Errorf("non-human policy: actions: %w", err)
		}
		if c == detect.Human {
			return fmt.Errorf("non-human policy: actions: class %q is not a non-human class", c)
		}
		if a != NonHumanHangup && a != NonHumanMessage && a != "" {
			return fmt.Errorf("non-human policy: actions[%s]: unknown action %q (want hangup or message)", c, a)
		}
	}
	if p.MinConfidence < 0 || p.MinConfidence > 1 {
		return fmt.Errorf("non-human policy: min_confidence %v: want 0..1", p.MinConfidence)
	}
	msg := p.message()
	if len(scripts.Refs(msg)) > 0 || strings.ContainsAny(msg, "{}") {
		return fmt.Errorf("non-human policy: message %q: variables are not allowed (nothing about the debtor may be said to a machine)", msg)
	}
	if (&scripts.Phrase{Text: msg}).MentionsDebt() {
		return fmt.Errorf("non-human policy: message %q mentions the debt (230-FZ: no disclosure to third parties)", msg)
	}
	low := strings.ToLower(msg)
	for _, s := range append(varStrings(vars, "creditor"), varStrings(vars, "debtor")...) {
		for _, w := range strings.Fields(strings.ToLower(s)) {
			if len([]rune(w)) >= 3 && strings.Contains(low, w) {
				return fmt.Errorf("non-human policy: message %q names the creditor or the debtor (%q)", msg, w)
			}
		}
	}
	return nil
}

// FirstPhraseConfig configures first-phrase detection on a live call.
type FirstPhraseConfig struct {
	// Disabled turns detection off: the dialogue runs as if a person answered.
	Disabled bool
	// Detect tunes the classifier (zero value: the detect package defaults,
	// except InitialSilence: liveInitialSilence).
	Detect detect.Config
	// LoopLimit is how many times the callee may repeat one prompt before the
	// call ends as a bot-to-bot loop (default 3).
	LoopLimit int
	// KeepAudio is how much received audio after the answer is kept with the
	// call (default 5 s).
	KeepAudio time.Duration
}

// liveInitialSilence is the default silence verdict on a live call: 6 s of
// robot-quiet time with no sound from the callee, not detect's 2.5 s. The
// robot greets first, and a person who listened in silence may take a few
// seconds to answer its first question (the ask's own no-input timeout).
const liveInitialSilence = 6 * time.Second

// SlotDetectedClass is the Result slot holding the first-phrase class that
// ended the call (announcement and silence have no outcome of their own).
const SlotDetectedClass = "detected_class"

// OutcomeFor is the call outcome for a non-human first phrase. Announcements
// ("аппарат абонента выключен") are machine: no conversation took place and
// the number is retried later, as for voicemail; the slot detected_class
// keeps them apart. Silence is no_input.
func OutcomeFor(c detect.Class) scripts.Outcome {
	switch c {
	case detect.VoiceAssistant:
		return scripts.OutcomeAssistant
	case detect.Machine, detect.Fax, detect.IVR, detect.Announcement:
		return scripts.OutcomeMachine
	case detect.Silence:
		return scripts.OutcomeNoInput
	default:
		return scripts.OutcomeUnrecognized
	}
}

// stopCause is why detection stopped the dialogue.
type stopCause struct {
	class    detect.Class
	reason   string
	detected bool // by the classifier (its class may still be settled later)
}

// firstPhrase runs one call's first-phrase detection: it is fed from the
// media loop (frames) and the recognizer goroutine (final texts), so all
// state sits behind mu. When a non-human verdict is confident enough, or the
// loop guard trips, it cancels the session's context.
type firstPhrase struct {
	mu      sync.Mutex
	cls     *detect.Classifier
	guard   *detect.LoopGuard
	minConf float64
	keep    int // samples of received audio to keep
	audio   []int16
	mask    func(string) string
	log     *slog.Logger

	dec     *detect.Decision
	stop    *stopCause
	over    bool          // the session has returned: no more stops
	settled chan struct{} // closed at the verdict or the stop
	// classReady is closed when the classifier's class is settled
	classReady  chan struct{}
	maxAnalysis time.Duration // the classifier's analysis time
	cancel      context.CancelFunc
	cut         []Turn // robot prompts cut short by the stop

	// beeps runs until a person is heard or the message cue has passed, so
	// a voicemail beep that comes after a verdict from words is not missed
	beeps     *detect.BeepDetector
	beepHeard bool
	beepReady chan struct{} // closed when beepHeard turns true while awaited

	signal       bool          // audio from the far end has begun
	audioStarted func() bool   // nil: every frame is taken as the far end's audio
	sinceLoud    int           // frames since the far end last made a sound
	quietWant    int           // frames of quiet awaitQuiet waits for
	quietReady   chan struct{} // closed when sinceLoud reaches quietWant

	onVerdict func(detect.Decision) // nil: nobody listens
	// observeOnly classifies without ever stopping the dialogue: an inbound
	// call, whose caller is taken to be a person, still keeps its verdict.
	observeOnly bool
}

func newFirstPhrase(cfg FirstPhraseConfig, policy NonHumanPolicy, vars map[string]any, cancel context.CancelFunc, log *slog.Logger) *firstPhrase {
	keep := cfg.KeepAudio
	if keep <= 0 {
		keep = 5 * time.Second
	}
	limit := cfg.LoopLimit
	if limit <= 0 {
		limit = 3
	}
	dc := cfg.Detect
	if dc.InitialSilence <= 0 {
		dc.InitialSilence = liveInitialSilence
	}
	return &firstPhrase{
		cls:     detect.New(dc),
		guard:   detect.NewLoopGuard(limit),
		minConf: policy.minConfidence(),
		keep:    int(keep * detect.SampleRate / time.Second),
		mask:    newMasker(vars),
		log:     log,
		settled: make(chan struct{}),
		cancel:  cancel,

		classReady:  make(chan struct{}),
		maxAnalysis: cmp.Or(dc.MaxAnalysis, 6*time.Second),
		beeps:       detect.NewBeepDetector(),
	}
}

// earlyMedia feeds the audio heard before the answer in 20 ms frames.
func (f *firstPhrase) earlyMedia(pcm []int16) {
	const frame = detect.SampleRate / 50
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := 0; i+frame <= len(pcm); i += frame {
		f.cls.EarlyMedia(pcm[i : i+frame])
	}
	f.check()
}

// frame is the VoiceConversation's FrameObserver (media loop goroutine).
func (f *firstPhrase) frame(in []int16, _ time.Duration, robotSpeaking bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if n := min(len(in), f.keep-len(f.audio)); n > 0 {
		f.audio = append(f.audio, in[:n]...)
	}
	if loud(in) {
		f.sinceLoud = 0
	} else {
		f.sinceLoud++
	}
	if f.beeps != nil && !f.beepHeard && f.beeps.Frame(in) {
		f.beepHeard = true
		if f.beepReady != nil {
			close(f.beepReady)
			f.beepReady = nil
		}
	}
	if f.quietReady != nil && f.sinceLoud >= f.quietWant {
		close(f.quietReady)
		f.quietReady = nil
	}
	if f.classKnown() || f.over {
		return
	}
	if !f.signal && f.audioStarted != nil && !f.audioStarted() {
		// no audio from the far end yet: the frame is the silence of
		// waiting for its first packets — time, not the line's level
		f.cls.Gap(len(in), robotSpeaking)
	} else {
		f.signal = true
		f.cls.Frame(in, robotSpeaking)
	}
	f.check()
}

// classKnown reports a settled verdict (the classifier needs no more
// input). Called with mu held.
func (f *firstPhrase) classKnown() bool {
	return f.dec != nil && f.dec.Settled
}

// text is the VoiceConversation's TextObserver (recognizer goroutine).
func (f *firstPhrase) text(text string, final bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.over {
		return
	}
	if final && f.guard.Observe(text) {
		f.stopWith(stopCause{class: detect.Machine, reason: "bot-to-bot loop: the callee repeats the same prompt"})
		return
	}
	if !f.classKnown() {
		f.cls.Text(text, final)
		f.check()
	}
}

// check takes the classifier's verdict once it exists, and its class once
// that is settled. Called with mu held.
//
// A verdict that no person answered may come before its class (a greeting
// too long for a person, the word that names it not heard yet): the
// dialogue stops at once — nothing more is said to a machine — and the
// class, which picks the campaign's reaction, is awaited by awaitClass.
func (f *firstPhrase) check() {
	if f.classKnown() {
		return
	}
	d, ok := f.cls.Decision()
	if !ok || (f.dec != nil && !d.Settled) {
		return
	}
	for i, e := range d.Evidence {
		d.Evidence[i] = f.mask(e)
	}
	first := f.dec == nil
	f.dec = &d
	if f.onVerdict != nil {
		f.onVerdict(d)
	}
	if d.Settled {
		close(f.classReady)
	}
	switch {
	case first && d.Settled:
		f.log.Info("first phrase decided", "class", d.Class, "confidence", d.Confidence, "at", d.At)
	case first:
		f.log.Info("first phrase: not a person, class pending", "guess", d.Class, "confidence", d.Confidence, "at", d.At)
	default:
		f.log.Info("first phrase class settled", "class", d.Class, "confidence", d.Confidence, "at", d.SettledAt)
	}
	if d.Class == detect.Human {
		f.beeps = nil // a person: no beep to wait for
		f.settle()
		return
	}
	reason := fmt.Sprintf("first phrase: %s (confidence %.2f at %.2fs)", d.Class, d.Confidence, d.At.Seconds())
	if d.Provisional != "" {
		reason = fmt.Sprintf("first phrase: not a person at %.2fs, %s (confidence %.2f) at %.2fs", d.At.Seconds(), d.Class, d.Confidence, d.SettledAt.Seconds())
	}
	switch {
	case f.stop != nil && f.stop.detected:
		f.stop.class, f.stop.reason = d.Class, reason // the class, settled after the stop
	case f.stop == nil && d.Confidence >= f.minConf:
		f.stopWith(stopCause{class: d.Class, reason: reason, detected: true})
	case d.Settled:
		f.settle() // a non-human verdict too weak to act on: the dialogue goes on
	}
}

// robotSays tells the classifier the words the robot is about to say, so
// their echo on the line is not taken for the callee's greeting.
func (f *firstPhrase) robotSays(text string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.classKnown() && !f.over {
		f.cls.RobotSays(text)
	}
}

// awaitClass waits, after the dialogue was stopped by a verdict that came
// before its class, until the class is settled (the classifier's analysis
// time bounds it; limit is a backstop), the callee hangs up or ctx ends.
func (f *firstPhrase) awaitClass(ctx context.Context, hungUp <-chan struct{}, limit time.Duration) {
	f.mu.Lock()
	wait := f.stop != nil && f.stop.detected && !f.classKnown()
	f.mu.Unlock()
	if !wait {
		return
	}
	t := time.NewTimer(limit)
	defer t.Stop()
	select {
	case <-f.classReady:
	case <-ctx.Done():
	case <-hungUp:
	case <-t.C:
		f.log.Warn("first phrase: class not settled, acting on the guess", "waited", limit)
	}
}

func (f *firstPhrase) settle() {
	select {
	case <-f.settled:
	default:
		close(f.settled)
	}
}

// stopWith cancels the session once. Called with mu held.
func (f *firstPhrase) stopWith(c stopCause) {
	if f.observeOnly {
		f.settle()
		return
	}
	if f.stop != nil || f.over {
		return
	}
	f.stop = &c
	f.cancel()
	f.settle()
}

// undecided reports that the classifier still wants text: no settled
// verdict yet, and the call was not stopped for another reason.
func (f *firstPhrase) undecided() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return !f.classKnown() && (f.stop == nil || f.stop.detected) && !f.over
}

// partialEvery is how much speech passes between two looks at the
// recognizer's partial hypothesis while the first phrase is undecided.
const partialEvery = 200 * time.Millisecond

// partialRecognizer wraps the call's recognizer so that the first-phrase
// detector sees partial hypotheses as they form: VoiceConversation hands on
// final results only, which come 700 ms after the speech ends, while a
// keyword ("голосовой помощник") is decisive as soon as it is heard.
// Partials are asked for on the recognizer goroutine (the stream's own), only
// until the verdict.
type partialRecognizer struct {
	asr.Recognizer
	fp *firstPhrase
}

func (r partialRecognizer) NewStream(ctx context.Context, cfg asr.StreamConfig) (asr.Stream, error) {
	s, err := r.Recognizer.NewStream(ctx, cfg)
	if err != nil {
		return nil, err
	}
	rate := cfg.SampleRate
	if rate <= 0 {
		rate = 8000
	}
	return &partialStream{Stream: s, fp: r.fp, every: int(partialEvery * time.Duration(rate) / time.Second)}, nil
}

type partialStream struct {
	asr.Stream
	fp    *firstPhrase
	every int // samples between looks
	fed   int
	last  string
}

func (s *partialStream) Accept(pcm []int16) error {
	if err := s.Stream.Accept(pcm); err != nil {
		return err
	}
	s.fed += len(pcm)
	if s.fed < s.every || !s.fp.undecided() {
		return nil
	}
	s.fed = 0
	p, err := s.Stream.Partial()
	if err != nil {
		return nil // a failed look at the partial is not a failed Accept
	}
	if p == "" || p == s.last {
		return nil
	}
	s.last = p
	s.fp.text(p, false)
	return nil
}

func (s *partialStream) Final() (asr.Result, error) {
	s.fed, s.last = 0, ""
	return s.Stream.Final()
}

// awaitVerdict holds a sensitive prompt while the callee's first phrase is
// under way and undecided; it returns at once when nothing was heard yet (a
// silent listener is most likely a person: machines speak first).
func (f *firstPhrase) awaitVerdict(ctx context.Context, hungUp <-chan struct{}, limit time.Duration) error {
	f.mu.Lock()
	pending := f.cls.Pending() && f.stop == nil
	f.mu.Unlock()
	if pending {
		t := time.NewTimer(limit)
		defer t.Stop()
		select {
		case <-f.settled:
		case <-ctx.Done():
		case <-hungUp:
		case <-t.C:
			f.log.Warn("first phrase undecided: saying a sensitive prompt anyway", "waited", limit)
		}
	}
	return ctx.Err()
}

// finish marks the session as returned and reports why detection stopped it
// (nil when it did not).
func (f *firstPhrase) finish() (*stopCause, *detect.Decision, []Turn) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.over = true
	return f.stop, f.dec, f.cut
}

func (f *firstPhrase) stopped() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.stop != nil
}

func (f *firstPhrase) noteCut(p Prompt, r SayResult) {
	if r.Start.IsZero() {
		return // nothing of it was played
	}
	f.mu.Lock()
	f.cut = append(f.cut, Turn{Who: WhoRobot, Kind: TurnKindSay, Text: p.Text, Start: r.Start, End: r.End})
	f.mu.Unlock()
}

// loudRMS is the level above which a received frame is taken as sound
// (speech, a beep) when waiting for the far end to fall quiet.
const loudRMS = 300

func loud(frame []int16) bool {
	if len(frame) == 0 {
		return false
	}
	var sum float64
	for _, v := range frame {
		sum += float64(v) * float64(v)
	}
	return sum/float64(len(frame)) > loudRMS*loudRMS
}

// awaitMessageCue waits for the moment to say the neutral message: for a
// machine, its beep (at most beepWait; it may have sounded already), then a
// short pause; for anything else a pause after its words (an assistant
// waiting for an answer).
func (f *firstPhrase) awaitMessageCue(ctx context.Context, hungUp <-chan struct{}, class detect.Class) {
	const beepWait = 8 * time.Second
	quiet := 700 * time.Millisecond
	if class == detect.Machine {
		quiet = 300 * time.Millisecond
		f.mu.Lock()
		var ready chan struct{}
		if !f.beepHeard && f.beeps != nil {
			ready = make(chan struct{})
			f.beepReady = ready
		}
		f.mu.Unlock()
		if ready != nil {
			t := time.NewTimer(beepWait)
			select {
			case <-ready:
			case <-ctx.Done():
			case <-hungUp:
			case <-t.C:
				f.log.Info("no beep after the voicemail greeting: leaving the message after a pause")
			}
			t.Stop()
		}
	}
	f.awaitQuiet(ctx, hungUp, quiet, 5*time.Second)
	f.mu.Lock()
	f.beeps, f.beepReady = nil, nil
	f.mu.Unlock()
}

// awaitQuiet waits until the far end has been quiet for quiet (a voicemail
// greeting and its beep are over, an assistant waits for an answer), at most
// limit: the neutral message is said into that pause.
func (f *firstPhrase) awaitQuiet(ctx context.Context, hungUp <-chan struct{}, quiet, limit time.Duration) {
	want := int(quiet / (20 * time.Millisecond))
	f.mu.Lock()
	if f.sinceLoud >= want {
		f.mu.Unlock()
		return
	}
	ready := make(chan struct{})
	f.quietWant, f.quietReady = want, ready
	f.mu.Unlock()
	t := time.NewTimer(limit)
	defer t.Stop()
	select {
	case <-ready:
	case <-ctx.Done():
	case <-hungUp:
	case <-t.C:
	}
	f.mu.Lock()
	if f.quietReady == ready {
		f.quietReady = nil
	}
	f.mu.Unlock()
}

// firstAudio is the kept received audio.
func (f *firstPhrase) firstAudio() []int16 {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]int16(nil), f.audio...)
}

// gatedConversation is the Conversation the session sees while detection
// runs: prompts that would tell a third party something (the creditor, the
// debt, the debtor's name) wait for the first-phrase verdict when the callee
// is still speaking its first phrase; once detection stopped the call,
// nothing more is said and the session's hang-up is left to RunCall (which
// may say the neutral message first).
type gatedConversation struct {
	Conversation
	fp        *firstPhrase
	sensitive func(Prompt) bool
	hungUp    <-chan struct{}
	limit     time.Duration
}

func (g *gatedConversation) Say(ctx context.Context, p Prompt) (SayResult, error) {
	if g.sensitive(p) {
		if err := g.fp.awaitVerdict(ctx, g.hungUp, g.limit); err != nil {
			return SayResult{}, fmt.Errorf("say %s: %w", p.ID, err)
		}
	}
	if err := ctx.Err(); err != nil {
		return SayResult{}, fmt.Errorf("say %s: %w", p.ID, err)
	}
	g.fp.robotSays(p.Text)
	r, err := g.Conversation.Say(ctx, p)
	if err != nil && g.fp.stopped() {
		g.fp.noteCut(p, r)
	}
	return r, err
}

func (g *gatedConversation) Hangup(ctx context.Context) error {
	if g.fp.stopped() {
		return nil // RunCall hangs up after the non-human action
	}
	return g.Conversation.Hangup(ctx)
}

// sensitivePrompts reports whether a prompt of s tells the listener anything
// a third party must not hear: a phrase tagged creditor or about the debt,
// one using debtor/creditor/debt variables, or text naming the creditor.
func sensitivePrompts(s *scripts.Script, vars map[string]any) func(Prompt) bool {
	var names []string
	for _, v := range varStrings(vars, "creditor") {
		if v = strings.ToLower(strings.TrimSpace(v)); len([]rune(v)) >= 3 {
			names = append(names, v)
		}
	}
	return func(p Prompt) bool {
		if ph, ok := s.Phrases[p.ID]; ok {
			if ph.HasTag(scripts.TagCreditor) || ph.MentionsDebt() {
				return true
			}
			for _, r := range scripts.Refs(ph.Text) {
				for _, pre := range []string{"debtor", "creditor", "debt"} {
					if r.Path == pre || strings.HasPrefix(r.Path, pre+".") {
						return true
					}
				}
			}
		}
		if (&scripts.Phrase{Text: p.Text}).MentionsDebt() {
			return true
		}
		low := strings.ToLower(p.Text)
		for _, n := range names {
			if strings.Contains(low, n) {
				return true
			}
		}
		return false
	}
}

// varStrings collects the string values under a top-level variable
// ("debtor" → debtor.name, debtor.first_name, …), nested or dotted.
func varStrings(vars map[string]any, top string) []string {
	var out []string
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case string:
			if strings.TrimSpace(x) != "" {
				out = append(out, x)
			}
		case map[string]any:
			for _, e := range x {
				walk(e)
			}
		case map[string]string:
			for _, e := range x {
				walk(e)
			}
		}
	}
	for k, v := range vars {
		if k == top || strings.HasPrefix(k, top+".") {
			walk(v)
		}
	}
	return out
}

var longDigits = regexp.MustCompile(`\d{4,}`)

// newMasker hides the debtor's names (any word starting like one of them,
// so inflected forms go too) and long digit runs (phone numbers, amounts)
// in evidence texts.
func newMasker(vars map[string]any) func(string) string {
	var stems []string
	for _, v := range varStrings(vars, "debtor") {
		for _, w := range strings.Fields(strings.ToLower(v)) {
			r := []rune(w)
			if len(r) < 3 {
				continue
			}
			stems = append(stems, string(r[:max(3, len(r)-2)]))
		}
	}
	word := regexp.MustCompile(`[\p{L}]+`)
	return func(s string) string {
		s = longDigits.ReplaceAllStringFunc(s, func(d string) string {
			return strings.Repeat("*", len(d)-2) + d[len(d)-2:]
		})
		if len(stems) == 0 {
			return s
		}
		return word.ReplaceAllStringFunc(s, func(w string) string {
			low := strings.ToLower(w)
			for _, st := range stems {
				if strings.HasPrefix(low, st) {
					return "***"
				}
			}
			return w
		})
	}
}

// firstAudioPath is where the kept audio goes: next to the call's recording
// when there is one, else in recordDir; "" when neither is known.
func firstAudioPath(call Call, recordDir string) string {
	if rp, ok := call.(interface{ RecordingPath() string }); ok && rp.RecordingPath() != "" {
		return strings.TrimSuffix(rp.RecordingPath(), filepath.Ext(rp.RecordingPath())) + ".first5s.wav"
	}
	if recordDir == "" {
		return ""
	}
	name := time.Now().UTC().Format("20060102T150405.000000000")
	if id, ok := call.(interface{ CallID() string }); ok && id.CallID() != "" {
		name = id.CallID()
	}
	return filepath.Join(recordDir, sanitizeFileName(name)+".first5s.wav")
}

func sanitizeFileName(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r == 0 || r == ':' {
			return '_'
		}
		return r
	}, s)
}

// writeMonoWAV writes 8 kHz 16-bit mono PCM.
func writeMonoWAV(path string, pcm []int16) (err error) {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("write first audio: %w", err)
	}
	defer func() {
		if cerr := f.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("write first audio: %w", cerr)
		}
	}()
	enc := wav.NewEncoder(f, detect.SampleRate, 16, 1, 1)
	data := make([]int, len(pcm))
	for i, v := range pcm {
		data[i] = int(v)
	}
	buf := &audio.IntBuffer{Data: data, Format: &audio.Format{NumChannels: 1, SampleRate: detect.SampleRate}, SourceBitDepth: 16}
	if err := enc.Write(buf); err != nil {
		return fmt.Errorf("write first audio %s: %w", path, err)
	}
	if err := enc.Close(); err != nil {
		return fmt.Errorf("write first audio %s: %w", path, err)
	}
	return nil
}

// errStopped is the session error detection causes; RunCall replaces it by
// the non-human outcome.
var errStopped = errors.New("first phrase: not a person")
