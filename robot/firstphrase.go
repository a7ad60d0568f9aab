package robot

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/dozvon/dozvon/compliance"
	"github.com/dozvon/dozvon/detect"
)

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
	// NoEchoReference stops feeding what the robot sends to the classifier
	// as the echo reference (detect.Classifier.RobotFrame), which is on by
	// default: the classifier tells the robot's echo from the callee by it,
	// and on a line with no echo it takes nothing out (round 9: the loss must
	// follow the robot's envelope, and frames taken for echo before that is
	// known are given back).
	NoEchoReference bool

	keypadOnly bool // the call has no recognizer (RunCall sets it)
}

// liveInitialSilence is the default silence verdict on a live call: 6 s of
// robot-quiet time with no sound from the callee, not detect's 2.5 s. The
// robot greets first, and a person who listened in silence may take a few
// seconds to answer its first question (the ask's own no-input timeout).
const liveInitialSilence = 6 * time.Second

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

	robotOut []int16 // the frame the robot sent this tick (sent): the echo reference
	refWired bool    // the call reports what it sends

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

	// After a person verdict the classifier watches the same first phrase
	// for a late correction (detect.Classifier.Correction): frames and text
	// go on to it until watching ends, and a correction stops the dialogue
	// as the corrected class — unless the robot has begun a sensitive prompt
	// (disclosed), after which nothing is corrected: the first phrase only.
	disclosed bool
	watchOver bool
	watchEnd  chan struct{} // closed when watching ends (or never began)

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
	keepN := int(keep * detect.SampleRate / time.Second)
	limit := cfg.LoopLimit
	if limit <= 0 {
		limit = 3
	}
	dc := cfg.Detect
	if dc.InitialSilence <= 0 {
		dc.InitialSilence = liveInitialSilence
	}
	// the call path acts on late corrections, so an uncertain callee is a
	// person by the deadline and the robot speaks on (nothing sensitive
	// while the classifier watches). Not on a keypad-only line: with no
	// words ever, no correction could rest on a cue, and timing alone (a
	// greeting long past a person's, as Asterisk's AMD) has to decide first
	dc.TentativePerson = !cfg.keypadOnly
	return &firstPhrase{
		cls:     detect.New(dc),
		guard:   detect.NewLoopGuard(limit),
		minConf: policy.minConfidence(),
		keep:    keepN,
		// the keep at once (up to 10 s; a longer one grows): grown by
		// appends, 1.25× a step, it allocated ~380 KB a call for the
		// default's 80 KB, in the media loop
		audio:   make([]int16, 0, min(keepN, 10*detect.SampleRate)),
		mask:    compliance.ConfidentialFromVars(vars).Mask,
		log:     log,
		settled: make(chan struct{}),
		cancel:  cancel,

		classReady:  make(chan struct{}),
		maxAnalysis: cmp.Or(dc.MaxAnalysis, 6*time.Second),
		beeps:       detect.NewBeepDetector(),
		watchEnd:    make(chan struct{}),
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

// sent is the call's SentHandler (media loop goroutine, just before frame):
// what the robot sent in the tick whose received frame comes next.
func (f *firstPhrase) sent(out []int16) {
	f.mu.Lock()
	f.robotOut = append(f.robotOut[:0], out...)
	f.refWired = true
	f.mu.Unlock()
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
	if !f.feeding() {
		f.watchDone()
		return
	}
	if !f.signal && f.audioStarted != nil && !f.audioStarted() {
		// no audio from the far end yet: the frame is the silence of
		// waiting for its first packets — time, not the line's level
		f.cls.Gap(len(in), robotSpeaking)
	} else {
		f.signal = true
		if f.refWired {
			f.cls.RobotFrame(f.robotOut)
		}
		f.cls.Frame(in, robotSpeaking)
	}
	f.check()
}

// classKnown reports a settled verdict (the classifier needs no more
// input). Called with mu held.
func (f *firstPhrase) classKnown() bool {
	return f.dec != nil && f.dec.Settled
}

// feeding reports that the classifier still wants frames and text: no
// settled verdict yet, or a person verdict whose first phrase it watches.
// Called with mu held.
func (f *firstPhrase) feeding() bool {
	return !f.over && (!f.classKnown() || f.watching())
}

// watching reports a person verdict still open to a late correction: the
// classifier watches, nothing stopped the call and the robot has said
// nothing sensitive yet. Called with mu held.
func (f *firstPhrase) watching() bool {
	return f.dec != nil && f.dec.Class == detect.Human && !f.watchOver && f.stop == nil && !f.disclosed && f.cls.Watching()
}

// endWatch ends the watch of a person verdict once. Without a correction
// the beep detector goes too: a person's call has no beep to wait for.
// Called with mu held.
func (f *firstPhrase) endWatch() {
	if f.watchOver {
		return
	}
	f.watchOver = true
	close(f.watchEnd)
	if f.stop == nil {
		f.beeps = nil
	}
}

// watchDone ends the watch of a person verdict once the classifier no
// longer watches (the callee paused, the analysis time ran out). Called
// with mu held.
func (f *firstPhrase) watchDone() {
	if f.dec != nil && f.dec.Class == detect.Human && !f.watchOver {
		f.checkCorrection()
		f.endWatch()
	}
}

// checkCorrection acts on the classifier's late correction of a person
// verdict: the dialogue stops and the call ends as the corrected class, as
// if that had been the first verdict. Called with mu held.
func (f *firstPhrase) checkCorrection() {
	if f.dec == nil || f.dec.Class != detect.Human || f.watchOver {
		return
	}
	c, ok := f.cls.Correction()
	if !ok {
		if !f.watching() {
			f.endWatch()
		}
		return
	}
	if f.stop != nil || f.disclosed || c.Confidence < f.minConf {
		f.log.Info("first phrase: late correction not acted on", "class", c.Class, "at", c.At, "disclosed", f.disclosed)
		f.endWatch()
		return
	}
	for i, e := range c.Evidence {
		c.Evidence[i] = f.mask(e)
	}
	person := f.dec.At
	f.dec = &c
	if f.onVerdict != nil {
		f.onVerdict(c)
	}
	f.log.Info("first phrase: person verdict corrected", "class", c.Class, "confidence", c.Confidence, "person_at", person, "at", c.At)
	reason := fmt.Sprintf("first phrase: a person at %.2fs, corrected to %s (confidence %.2f) at %.2fs", person.Seconds(), c.Class, c.Confidence, c.At.Seconds())
	f.stopWith(stopCause{class: c.Class, reason: reason, detected: true})
	f.endWatch()
}

// disclose marks the start of a sensitive prompt: from now on no late
// correction ends the call (the robot has told the callee something only a
// person may hear; the call goes on as a person's).
func (f *firstPhrase) disclose() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.disclosed {
		return
	}
	if f.dec != nil && f.dec.Class == detect.Human {
		f.checkCorrection() // a correction already made is taken first
	}
	f.disclosed = true
	if f.dec != nil && f.dec.Class == detect.Human {
		f.endWatch()
	}
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
	if f.feeding() {
		f.cls.Text(text, final)
		f.check()
	} else {
		f.watchDone()
	}
}

// keypad is the VoiceConversation's KeyObserver (DTMF goroutine): a key
// pressed on the line is a person (detect.Classifier.Keypad).
func (f *firstPhrase) keypad() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.over {
		return
	}
	if f.classKnown() {
		if f.watching() {
			f.endWatch() // a key is a person's: nothing corrects the verdict after it
		}
		return
	}
	f.cls.Keypad()
	f.check()
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
		f.checkCorrection()
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
		// a person: the beep detector stays while the classifier watches
		// the first phrase (endWatch), a beep may still correct it
		f.settle()
		if f.observeOnly {
			f.endWatch()
		}
		f.checkCorrection()
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
	if f.feeding() {
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

// resume undoes the early stop when the class it was waiting for settled as
// a person: the verdict "not a person, class pending" came as a phrase
// ended, and the voice then waited for the caller to the end of the
// analysis time (detect, round 11). The session that was stopped is gone,
// so cancel is the next session's; the prompts cut by the stop are handed
// back for the transcript. It reports false, changing nothing, for any
// other stop, class or state.
func (f *firstPhrase) resume(cancel context.CancelFunc) ([]Turn, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.over || f.observeOnly || f.stop == nil || !f.stop.detected || !f.classKnown() || f.dec.Class != detect.Human {
		return nil, false
	}
	f.log.Info("first phrase: the pending class settled as a person; the dialogue starts again",
		"at", f.dec.At, "settled_at", f.dec.SettledAt)
	cut := f.cut
	f.stop, f.cut, f.cancel = nil, nil, cancel
	// the person's first phrase is over (the analysis time ran out): nothing
	// corrects it from now on, and there is no beep to wait for
	f.endWatch()
	f.beeps, f.beepReady = nil, nil
	return cut, true
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
	return f.feeding() && (f.stop == nil || f.stop.detected)
}

// awaitVerdict holds a sensitive prompt while the callee's first phrase is
// under way and undecided, and after a person verdict while the classifier
// still watches that phrase for a late correction (until the callee's first
// pause); it returns at once when nothing was heard yet (a silent listener
// is most likely a person: machines speak first).
func (f *firstPhrase) awaitVerdict(ctx context.Context, hungUp <-chan struct{}, limit time.Duration) error {
	t := time.NewTimer(limit)
	defer t.Stop()
	f.mu.Lock()
	pending := f.cls.Pending() && f.stop == nil
	f.mu.Unlock()
	if pending {
		select {
		case <-f.settled:
		case <-ctx.Done():
		case <-hungUp:
		case <-t.C:
			f.log.Warn("first phrase undecided: saying a sensitive prompt anyway", "waited", limit)
			return ctx.Err()
		}
	}
	f.mu.Lock()
	watching := f.watching()
	f.mu.Unlock()
	if watching {
		select {
		case <-f.watchEnd:
		case <-ctx.Done():
		case <-hungUp:
		case <-t.C:
			f.log.Warn("first phrase still watched: saying a sensitive prompt anyway", "waited", limit)
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

// firstAudio is the kept received audio, not a copy: frame only ever
// appends past its end (the capacity is cut there, so the caller's appends
// cannot reach what frame writes), and RunCall reads it after the observers
// are detached. Copying 80 KB a call was 0.6 % of the robot (bench calls
// --full profile).
func (f *firstPhrase) firstAudio() []int16 {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.audio[:len(f.audio):len(f.audio)]
}

// errStopped is the session error detection causes; RunCall replaces it by
// the non-human outcome.
var errStopped = errors.New("first phrase: not a person")
