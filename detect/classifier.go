package detect

import (
	"fmt"
	"math"
	"strings"
	"time"
)

// Config tunes the timing heuristics. The zero value gives the defaults noted
// on each field (the classic AMD figures, loosened for Russian greetings).
type Config struct {
	// MaxGreeting is the longest first phrase a human answer is taken to have
	// (default 2 s); more speech than that before a pause is a recording.
	MaxGreeting time.Duration
	// AfterGreetingSilence is the pause after a short greeting that marks a
	// human waiting for the caller (default 800 ms).
	AfterGreetingSilence time.Duration
	// HumanCueSilence replaces AfterGreetingSilence when the text already
	// sounds like a person answering ("алло", "слушаю"); default 500 ms.
	HumanCueSilence time.Duration
	// InitialSilence without any speech or tone ends as Silence (default
	// 2.5 s); only time while the robot is quiet counts.
	InitialSilence time.Duration
	// MaxAnalysis after the first sound (speech or a tone) forces a decision
	// from whatever is known (default 6 s:
	// slow synthetic greetings name themselves only after 4–5 s; a non-human
	// costs nothing while the robot waits, a human is decided long before).
	MaxAnalysis time.Duration
	// EarlyGreeting is how much speech, with nothing in its text that sounds
	// like a person answering the phone (or with an answering word outweighed
	// by a non-human cue of blockHuman or more), settles that no person answered
	// (default 1.5 s, the maximum_greeting of Asterisk's AMD). The robot acts
	// on that at once (it stops and says nothing more); the classifier keeps
	// listening until it knows which non-human class it is (Decision.Settled).
	EarlyGreeting time.Duration
	// GreetingOnset is how soon after answer the first speech must begin for
	// EarlyGreeting to apply (default 1.5 s). Recordings and assistants
	// start their greeting right away; speech that begins later, after the
	// robot has spoken, is a person's reply to it ("нет, вы ошиблись
	// номером"), and its length says nothing.
	GreetingOnset time.Duration
	// PersonDeadline is the time since answer by which a callee who has
	// begun to speak is taken for a person unless something non-human was
	// heard (default 2.4 s): a person taken for a machine costs the contact,
	// a machine taken for a person costs a few seconds of the robot's talk,
	// so the verdict does not wait for certainty that could only come later.
	PersonDeadline time.Duration
	// TentativePerson makes speech by PersonDeadline with no sign of a
	// recording a person even without a sign of a person (an answering word,
	// a pause), tentatively: the rules go on in the background while the
	// first phrase is watched and correct it late (Correction). For a caller
	// that acts on corrections (the robot's call path): its first verdict —
	// the one that lets the robot speak — comes by the deadline.
	TentativePerson bool
	// Model is a learned model of the first phrase's text, consulted only
	// where the rules leave room (model.go); nil: the bundled one (package
	// detectstat), unless NoModel.
	Model TextModel
	// NoModel runs the rules alone.
	NoModel bool
	// ModelClassShare is the share of the non-person posterior the model's
	// class must have to replace the rules' class among non-persons
	// (default modelClassShare; above 1: never).
	ModelClassShare float64
	// ModelCorrection is the non-person posterior that corrects a person
	// verdict in a monologue (default modelCorrection; above 1: never).
	ModelCorrection float64
	// ModelMonologue is how long the nearest voice must have talked on
	// without a pause of latePause for ModelCorrection to apply (default
	// modelMonologue).
	ModelMonologue time.Duration
}

func (c Config) withDefaults() Config {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&c.MaxGreeting, 2*time.Second)
	def(&c.AfterGreetingSilence, 800*time.Millisecond)
	def(&c.HumanCueSilence, 500*time.Millisecond)
	def(&c.InitialSilence, 2500*time.Millisecond)
	def(&c.MaxAnalysis, 6*time.Second)
	def(&c.EarlyGreeting, 1500*time.Millisecond)
	def(&c.GreetingOnset, 1500*time.Millisecond)
	def(&c.PersonDeadline, 2400*time.Millisecond)
	def(&c.ModelMonologue, modelMonologue)
	if c.NoModel {
		c.Model = nil
	} else if c.Model == nil {
		c.Model = bundledModel()
	}
	if c.ModelClassShare <= 0 {
		c.ModelClassShare = modelClassShare
	}
	if c.ModelCorrection <= 0 {
		c.ModelCorrection = modelCorrection
	}
	return c
}

// Speech segmentation: voiced, non-tonal frames; a run must last minSpeechRun
// to count (clicks do not), and a gap of segmentGap ends a segment.
const (
	minSpeechRun = 60 * time.Millisecond
	segmentGap   = 300 * time.Millisecond
	// stretchGap ends a stretch of talk: shorter pauses are breaths and the
	// gaps between a recording's words, a longer one is a person waiting
	stretchGap     = 500 * time.Millisecond
	talkOverLimit  = 1500 * time.Millisecond
	earlyVoiceMin  = 1 * time.Second
	earlyVoiceCue  = 0.4
	clippedSITCue  = 0.6 // a lone SIT segment before the words (sitLikeLead)
	decisiveWeight = 1.0
	decisiveMargin = 0.5
	blockHuman     = 0.5 // a non-human cue this strong forbids a human verdict
	// a person's answer of at most this many recognised words, with a human
	// cue, may take up to maxHumanWordsSpeech to say
	maxHumanWords       = 4
	maxHumanWordsSpeech = 3 * time.Second
	// the length-only verdict needs two recognised words before longTalk:
	// a person may answer with a name first, the answering word after it
	// ("Сергей… слушает", said over the robot's echo that lengthens the
	// talk), or greet slowly ("Здравствуйте… слушаю"); one word, however
	// long it took, is no greeting of a recording yet — unless it went on
	// for longTalk outside the robot's playback (over it, the robot's echo
	// lengthens the talk)
	minEarlyWords = 2
	// Without any non-human cue, length and words alone settle "not a
	// person" only after more than a person's self-introduction: a name,
	// a title or a workplace ("Отдел кадров, Смирнова…", "Сергей
	// Викторович…", "Аптека на Садовой…") runs to three words before the
	// answering word comes, if it comes at all. Answering and person words
	// do not count ("здравствуйте" ends such an introduction).
	minUncuedWords = 4
	// …or two such words and the nearest voice talking on for
	// monologueTalk without a pause: a self-introduction with its
	// answering word is over by then, a recording's monologue is not
	monologueTalk = 2200 * time.Millisecond
	// …and that monologue must have brought three such words: a name and
	// patronymic or a workplace ("Ирина Петровна…", "Диспетчерская…") said
	// over a television or a room can run that long with one or two, while
	// a recording speaking for 2.2 s has said four or five. One word, however
	// long the talk around it, is never evidence on its own: the recognizer
	// found one word in it, the rest is someone else or the line.
	minMonologueWords = 3
	// two such words do it when the monologue runs on past longMonologueTalk
	// (chosen on the tuning sources: 2.2 s lost persons, 2.6 s none)
	longMonologueTalk = 2600 * time.Millisecond
	// Length is not evidence of a recording when the words are a person's
	// (personWords: "ну кто там опять звонит", "здравствуйте… секундочку"):
	// then it takes a non-human cue, or talk as long as longTalk.
	longTalk = 3 * time.Second
	// the shortest speech that greets: a clipped "да" is longer (a noisy
	// recorded "нет" measures just over it)
	minGreeting = 100 * time.Millisecond
)

// Classifier decides who answered from the first phrase. Drive it from one
// goroutine: EarlyMedia before 200 OK, then Frame for every 20 ms frame after
// answer, and Text whenever the recognizer has a partial or final result.
// Once Decision reports true the verdict no longer changes.
type Classifier struct {
	cfg   Config
	rules phraseRules

	an, earlyAn       *analyzer
	tones, earlyTones toneTracker

	t          time.Duration // audio since answer
	quiet      time.Duration // audio since answer while the robot was not playing
	firstSound time.Duration // when speech or a tone was first heard (valid once heard)
	heardSound bool
	earlyT     time.Duration // early media heard so far
	earlyVoice time.Duration

	speechRun    time.Duration // current run of speech frames
	runCounted   bool          // the run has lasted minSpeechRun and counts as speech
	inSpeech     bool
	segStart     time.Duration
	lastSpeech   time.Duration // end of the last speech frame
	lastTone     time.Duration // end of the last tonal frame
	heardSpeech  bool
	speechTotal  time.Duration
	longestSeg   time.Duration
	speechOnset  time.Duration // when the first speech began (valid once heardSpeech)
	stretchStart time.Duration // start of the current stretch of talk
	longestTalk  time.Duration // longest stretch of talk without a stretchGap pause
	talkOver     time.Duration
	near         foreground // the nearest voice's talk and pauses
	ref          echoRef    // the robot's playback, when the caller gives it (RobotFrame)
	refFed       bool       // RobotFrame was called for the coming frame
	echoFrames   int        // voiced frames taken for the robot's echo
	sawTone      bool
	beep, sit    *toneEvent
	// beepHeard: a beep waiting for beepQuiet without speech after it
	// (settleBeep) before it is c.beep
	beepHeard *toneEvent
	// beepSeries: beeps of one frequency in a row, none with beepQuiet after
	// it; deviceHz: the frequency of a series found to be a device's
	beepSeries    int
	deviceHz      float64
	fax           *toneEvent
	clippedSIT    bool // a lone SIT-band tone before any speech (sitLikeLead)
	committedText string
	words         int // recognised words so far
	partialText   string
	scores        textScores

	// unsure is voiced time (unsureFrames frames) taken for echo before the
	// echo's estimate stood (echoSettle): on a line that turns out to have
	// no echo it was the callee (settleUnsure). lastUnsure, its last frame,
	// is no pause after a greeting either.
	unsure, firstUnsure, lastUnsure time.Duration
	unsureFrames                    int

	// pitched is the time of the callee's speech frames with a voice's
	// pitch (voicePitch); unsurePitched, that of the unsure frames (below)
	pitched, unsurePitched time.Duration
	// wordHeard: the recognizer has given a word at some time (a partial
	// it took back included); pitch is measured only until then
	wordHeard bool

	evidence []string
	own      [][]string // the robot's prompts so far, as word stems
	echoed   bool       // the text so far mostly repeats the robot's words
	echoNote bool       // the echo was noted in the evidence
	early    *Decision  // "no person answered", class not settled yet
	decision *Decision  // the settled verdict

	// after a person verdict: a late correction, or the end of watching
	correction *Decision
	watchOver  bool
	// quoteWait: a decisive carrier's or voicemail's cue was heard while
	// the voice talked on; the correction waits for its pause (quotedBy)
	quoteWait bool
	// tentative: the person verdict was given at the deadline with no sign
	// of a person either; the rules go on in the background (shadow) and
	// their own verdict, if not a person, is the late correction
	tentative bool
	shadow    bool

	model modelMemo // the text model's last answer (model.go)
	// modelWait: the text model found no person in a monologue (why); the
	// correction waits for the voice's pause
	modelWait string
	// rulesPerson: the background rules found a person before the text
	// model found none; the model corrects no more
	rulesPerson bool
}

// New returns a classifier for one call.
func New(cfg Config) *Classifier {
	return &Classifier{
		cfg:     cfg.withDefaults(),
		rules:   compileRules(defaultRules()),
		an:      newAnalyzer(),
		earlyAn: newAnalyzer(),
		scores:  textScores{score: map[Class]float64{}},
	}
}

func frameDur(n int) time.Duration {
	return time.Duration(n) * time.Second / SampleRate
}

// EarlyMedia feeds audio heard before the call was answered (183 Session
// Progress with SDP). SIT tones there decide Announcement at once; a second or
// more of voice-like sound (not the 425 Hz ringback) is a weak announcement cue.
func (c *Classifier) EarlyMedia(frame []int16) {
	if c.decision != nil || len(frame) == 0 {
		return
	}
	step := frameDur(len(frame))
	fi := c.earlyAn.analyze(frame)
	c.earlyT += step
	if fi.voiced && !fi.tonal {
		c.earlyVoice += step
	}
	for _, ev := range c.earlyTones.push(fi, c.earlyT, step) {
		if ev.kind == toneSIT {
			c.decide(Announcement, 0.95, "SIT tones in early media")
			return
		}
	}
}

// Gap tells the classifier that n samples of time passed after answer with
// no audio from the far end (no packets yet, or a gap the jitter buffer
// filled). The time counts; the missing audio does not enter the noise
// floor, where its digital silence would make the line noise that follows
// pass for speech.
func (c *Classifier) Gap(n int, robotSpeaking bool) {
	if n <= 0 {
		return
	}
	step := frameDur(n)
	c.t += step
	if !robotSpeaking {
		c.quiet += step
	}
	c.settleBeep()
	c.evaluate()
}

// Frame feeds one frame (20 ms, 8 kHz mono) heard after answer. robotSpeaking
// says whether the robot was playing audio at the time. A live robot greets
// at once, so the callee's first phrase often overlaps the robot's greeting:
// speech over the robot counts as greeting speech like any other, and a
// callee that keeps talking over the robot (talkOverLimit) is not a person.
// Time while the robot speaks does not count towards InitialSilence: a
// callee listening to the robot is not a dead line.
func (c *Classifier) Frame(frame []int16, robotSpeaking bool) {
	if len(frame) == 0 {
		return
	}
	step := frameDur(len(frame))
	c.t += step
	if !robotSpeaking {
		c.quiet += step
	}
	if c.decision != nil && !c.watching() {
		return
	}
	if c.t == step && c.earlyVoice >= earlyVoiceMin {
		c.note("%.1fs of voice in early media (weak announcement cue)", c.earlyVoice.Seconds())
	}
	fi := c.an.analyze(frame)
	for _, ev := range c.tones.push(fi, c.t, step) {
		c.onTone(ev)
	}
	speech := fi.voiced && !fi.tonal
	if c.ref.on {
		if !c.refFed {
			c.ref.push(nil) // the robot played nothing in this frame's time
		}
		c.refFed = false
		if c.ref.echo(len(c.ref.robot)-1, fi.smooth) && speech {
			speech = false
			if !c.ref.estDone {
				if !c.wordHeard && voicePitch(frame) {
					c.unsurePitched += step
				}
				if c.unsure == 0 {
					c.firstUnsure = c.t - step
				}
				c.lastUnsure = c.t
				c.unsure += step
				c.unsureFrames++
			}
			c.echoFrames++
		}
	}
	if c.unsure > 0 && c.ref.estDone {
		c.settleUnsure()
	}
	if fi.tonal {
		c.lastTone = c.t
	}
	if speech && !c.wordHeard && voicePitch(frame) {
		c.pitched += step // only lineNoise needs it, and only before a word
	}
	if speech && robotSpeaking {
		c.talkOver += step
	}
	switch {
	case speech:
		// a run counts once it lasts minSpeechRun, inside a segment too:
		// single loud frames of line noise neither start nor extend speech
		c.speechRun += step
		switch {
		case c.runCounted:
			c.speechTotal += step
			c.lastSpeech = c.t
			c.near.push(c.t, step, fi.smooth)
		case c.speechRun >= minSpeechRun:
			c.runCounted = true
			if start := c.t - c.speechRun; !c.heardSpeech || start-c.lastSpeech >= stretchGap {
				c.stretchStart = start
			}
			if !c.inSpeech {
				if !c.heardSpeech {
					c.speechOnset = c.t - c.speechRun
					c.note("speech starts at %.2fs", c.speechOnset.Seconds())
				}
				c.inSpeech, c.heardSpeech = true, true
				c.segStart = c.t - c.speechRun
			}
			c.speechTotal += c.speechRun
			c.lastSpeech = c.t
			c.near.push(c.t, c.speechRun, fi.smooth)
		}
	default:
		c.speechRun, c.runCounted = 0, false
		if c.inSpeech && c.t-c.lastSpeech >= segmentGap {
			c.inSpeech = false
			c.longestSeg = max(c.longestSeg, c.lastSpeech-c.segStart)
		}
	}
	if c.inSpeech {
		c.longestSeg = max(c.longestSeg, c.lastSpeech-c.segStart)
	}
	if c.heardSpeech {
		c.longestTalk = max(c.longestTalk, c.lastSpeech-c.stretchStart)
	}
	c.settleBeep()
	c.evaluate()
}

// personOverTone reports a person's greeting — an answering word, no
// non-human cue at all, and no stretch of talk longer than a person's
// greeting (EarlyGreeting) — that a tone alone (a beep, a lone SIT-band
// tone) does not outweigh. A recording that closes with a beep names itself
// in words ("оставьте сообщение", "вы позвонили") or talks on; a person
// says "алло, да" and waits, and the beep was a device behind them (a
// person taken for a machine costs a contact, the reverse a few seconds).
func (c *Classifier) personOverTone() bool {
	sc := c.scoresNotFromRobot()
	if sc.score[Human] <= 0 || c.near.longest >= c.cfg.EarlyGreeting {
		return false
	}
	for cls, v := range sc.score {
		if cls != Human && v > 0 {
			return false
		}
	}
	return true
}

// beepQuiet is how long the line must stay without speech after a beep for
// it to be a voicemail's: a recording's beep invites the caller to speak and
// is followed by silence, while a sound in a pause between a person's words
// (a siren, a bell, a kettle: rounds 15-17) has the person talking on right
// after it. Any such sound a tone check has not yet met is caught here. A
// tone held for longBeepDur is a beep at once (no pause holds a sound that
// steady that long).
const beepQuiet = 300 * time.Millisecond

// A voicemail beeps once, twice or in a few pips of rising pitch; a device
// behind the callee — an alarm, a microwave, a washing machine done, a
// reversing lorry — beeps deviceSeries times or more at one frequency
// (within seriesHzTol), each beep as clean as a voicemail's.
const (
	deviceSeries = 3
	seriesHzTol  = 30.0
)

// settleBeep makes a heard beep the classifier's beep once beepQuiet has
// passed without speech or a tone, and forgets it when speech came first.
func (c *Classifier) settleBeep() {
	b := c.beepHeard
	switch {
	case b == nil:
	case c.heardSpeech && c.lastSpeech > b.at:
		c.beepHeard = nil
		c.note("%s, then speech %.2fs after it: a sound in a pause between words, not a voicemail beep", b, (c.lastSpeech - b.at).Seconds())
	case c.t-max(b.at, c.lastTone) >= beepQuiet:
		c.beepHeard = nil
		c.beep = b
		c.note("%s", b)
	}
}

// settleUnsure acts on the frames taken for echo before the estimate stood:
// a line that follows the robot had echo there; on one that does not, they
// were the callee talking over the robot, and count as that speech.
func (c *Classifier) settleUnsure() {
	t, n, p := c.unsure, c.unsureFrames, c.unsurePitched
	c.unsure, c.unsureFrames, c.unsurePitched = 0, 0, 0
	if c.ref.estOK {
		return
	}
	c.speechTotal += t
	c.talkOver += t
	c.echoFrames -= n
	c.pitched += p
	if !c.heardSpeech {
		c.heardSpeech = true
		c.speechOnset, c.segStart, c.stretchStart = c.firstUnsure, c.firstUnsure, c.firstUnsure
		c.note("speech starts at %.2fs (taken for echo until the line proved to have none)", c.speechOnset.Seconds())
	}
	c.lastSpeech = max(c.lastSpeech, c.lastUnsure)
	c.longestTalk = max(c.longestTalk, c.lastSpeech-c.stretchStart)
}

// RobotFrame feeds what the robot played in the time of the next Frame (20 ms
// of its outgoing audio, or nil while it plays nothing). With it the
// classifier tells the robot's echo from the callee's speech (echoRef): echo
// neither greets nor breaks a silence. Once called, a Frame without it counts
// as a frame the robot was silent in.
func (c *Classifier) RobotFrame(frame []int16) {
	if c.refFed {
		return // one reference frame per line frame
	}
	c.ref.push(frame)
	c.refFed = true
}

func (c *Classifier) onTone(ev toneEvent) {
	c.sawTone = true
	switch ev.kind {
	case toneSIT:
		if c.sit == nil {
			c.sit = &ev
			c.note("%s", ev)
		}
	case toneBeep:
		if c.beep == nil && c.sitLikeLead(ev) {
			c.clippedSIT = true
			c.note("%s before any speech, in a SIT band and no longer than a SIT segment: a SIT sequence clipped by the line, not a voicemail beep (announcement cue)", ev)
			return
		}
		switch {
		case c.beep != nil:
		case c.deviceHz > 0 && math.Abs(ev.freq-c.deviceHz) <= seriesHzTol:
			// the device beeping behind the callee again
		case c.beepHeard != nil:
			// another beep before the quiet after the last: a voicemail's
			// pips end in the last, a device's series is no voicemail's
			if math.Abs(ev.freq-c.beepHeard.freq) <= seriesHzTol {
				c.beepSeries++
			} else {
				c.beepSeries = 1
			}
			c.beepHeard = &ev
			if c.beepSeries >= deviceSeries {
				c.beepHeard, c.deviceHz = nil, ev.freq
				c.note("%d beeps of %.0f Hz in a row: a device beeping behind the callee, not a voicemail beep", c.beepSeries, ev.freq)
			}
		case ev.dur >= longBeepDur:
			// held half a second, steady and from nothing: a beep
			// while it still sounds
			c.beep = &ev
			c.note("%s", ev)
		default:
			c.beepHeard, c.beepSeries = &ev, 1
		}
	case toneFax:
		if c.fax == nil {
			c.fax = &ev
			c.note("%s", ev)
		}
	case toneCallProgress:
		c.note("%s (not a beep)", ev)
	}
}

// sitLikeLead reports a "beep" heard before the callee's first speech whose
// frequency lies in a SIT band and whose length fits a SIT segment. Voicemail
// beeps come after the greeting they close; carrier messages put SIT tones in
// front of the words, and under packet loss one segment may survive alone.
func (c *Classifier) sitLikeLead(ev toneEvent) bool {
	return !c.heardSpeech && sitBand(ev.freq) >= 0 && ev.dur <= sitSegMax
}

// Text feeds the recognizer's text for the callee's first phrase: partial
// results replace each other, final results accumulate.
func (c *Classifier) Text(partialOrFinal string, final bool) {
	if c.decision != nil && !c.watching() {
		return
	}
	if final {
		c.committedText = strings.TrimSpace(c.committedText + " " + partialOrFinal)
		c.partialText = ""
	} else {
		c.partialText = partialOrFinal
	}
	all := c.committedText + " " + c.partialText
	c.scores = c.rules.score(all)
	c.words = len(strings.Fields(normalize(all)))
	c.wordHeard = c.wordHeard || c.words > 0
	c.echoed = c.echoLike(all)
	c.evaluate()
}

// Keypad tells the classifier a key was pressed on the line (DTMF). Voice
// assistants, voicemail and IVRs answer with sound, not keys: a key is a
// person answering with the keypad, who may say nothing at all (a keypad
// campaign). Without it such a caller was taken for silence once the robot
// had been quiet InitialSilence. A verdict already given stands.
func (c *Classifier) Keypad() {
	if c.decision != nil || c.early != nil {
		return
	}
	c.decide(Human, 0.9, "a key pressed on the keypad → human")
}

// RobotSays tells the classifier what the robot is saying. On a line
// without echo cancellation the robot's own voice comes back and is
// recognised as the callee's: text that repeats the robot's words — a run of
// echoRun of them in the robot's order, and most of what was recognised —
// is taken for that echo and gives no length-only verdict (a person may be
// behind it, listening). Cues in it still count.
func (c *Classifier) RobotSays(text string) {
	var stems []string
	for _, t := range tokenize(text) {
		stems = append(stems, t.stem)
	}
	if len(stems) == 0 {
		return
	}
	c.own = append(c.own, stems)
	if all := c.committedText + " " + c.partialText; strings.TrimSpace(all) != "" {
		c.echoed = c.echoLike(all)
	}
}

// Echo test: echoRun words in the order of one robot prompt, and at least
// echoShare of the recognised words said by the robot. Single shared words
// ("здравствуйте", "это") are not enough: assistants greet with them too.
const (
	echoRun   = 3
	echoShare = 0.5
)

// echoLike reports text that repeats the robot's own prompts. Text shorter
// than echoRun that sits, in order, inside one prompt cannot be told from
// the start of an echo yet and counts as one until more words come.
func (c *Classifier) echoLike(text string) bool {
	toks := tokenize(text)
	if len(toks) == 0 || len(c.own) == 0 {
		return false
	}
	if len(toks) < echoRun {
		return c.inOrder(toks, 0, len(toks))
	}
	said := map[string]bool{}
	for _, p := range c.own {
		for _, st := range p {
			said[st] = true
		}
	}
	n := 0
	for _, t := range toks {
		if said[t.stem] {
			n++
		}
	}
	if float64(n) < echoShare*float64(len(toks)) {
		return false
	}
	for i := 0; i+echoRun <= len(toks); i++ {
		if c.inOrder(toks, i, echoRun) {
			return true
		}
	}
	return false
}

// inOrder reports that toks[i:i+n] occur consecutively in one robot prompt.
func (c *Classifier) inOrder(toks []token, i, n int) bool {
	for _, p := range c.own {
		for j := 0; j+n <= len(p); j++ {
			k := 0
			for k < n && toks[i+k].stem == p[j+k] {
				k++
			}
			if k == n {
				return true
			}
		}
	}
	return false
}

// Pending reports that the callee's first phrase has begun (speech or a tone
// was heard, or early media sounded like a voice) and its verdict is not
// settled: the robot should not say anything sensitive until it is. A
// verdict that no person answered whose class is still open is pending too
// (a campaign may ask for more confidence than it carries).
func (c *Classifier) Pending() bool {
	return c.decision == nil && (c.early != nil || c.heardSpeech || c.sawTone || c.speechRun > 0 || c.earlyVoice >= earlyVoiceMin)
}

// Decision returns the verdict and true once the classifier knows whether a
// person answered. A non-human verdict may come before its class is known
// (Settled false, Class the best guess so far); keep feeding the classifier
// until Settled to learn the class. A settled verdict no longer changes.
func (c *Classifier) Decision() (Decision, bool) {
	d := c.decision
	if d == nil {
		d = c.early
	}
	if d == nil {
		return Decision{}, false
	}
	out := *d
	out.Evidence = append([]string(nil), d.Evidence...)
	return out, true
}

func (c *Classifier) note(format string, args ...any) {
	c.evidence = append(c.evidence, fmt.Sprintf(format, args...))
}

// decide settles the verdict. After an early non-human verdict it only
// settles the class: the time the robot learnt that no person answered
// stays the early one.
func (c *Classifier) decide(cls Class, conf float64, why string, args ...any) {
	c.note(why, args...)
	if m, why := c.modelClass(cls); m != cls && !c.shadow {
		// in the background of a tentative person the rules' own class
		// goes to safeCorrection first (tentativeWatch)
		cls = m
		c.note("%s", why)
	}
	d := &Decision{Class: cls, Confidence: conf, Evidence: c.evidence, At: c.t, Settled: true, SettledAt: c.t}
	if c.early != nil {
		d.At, d.Provisional = c.early.At, c.early.Class
	}
	c.decision = d
}

// answerOnly reports text made only of answering the phone — answering
// cues, greetings, pronouns, fillers ("да да алло говорите я слушаю") — with
// at least one answering cue: a person still talking such words (over a
// relative in the room, or slowly) needs no pause to be greeted as one. A
// word outside them ("это", a name) leaves it to the other rules: recordings
// open with "Алло, это автоответчик".
func (c *Classifier) answerOnly() bool {
	if c.scores.score[Human] <= 0 {
		return false
	}
	ws := strings.Fields(normalize(c.committedText + " " + c.partialText))
	for _, w := range ws {
		if !answerWord(w) && !personWord(w) {
			return false
		}
	}
	return len(ws) > 0
}

// blipsOnly reports that what passed for speech is too short to be a word
// and nothing was recognised: a click, a burst of line noise, a syllable of
// the robot's own echo. It greets no person and does not break a silence.
func (c *Classifier) blipsOnly() bool {
	return c.heardSpeech && c.speechTotal < minGreeting && c.words == 0
}

// echoBitsOnly reports that all that passed for speech came while the robot
// was speaking, that the robot's words are known (RobotSays) and that nothing
// was recognised: on a line without echo cancellation that is the robot's
// own voice coming back, not a callee greeting (a person's "да" over the
// robot is recognised). It does not break a silence either.
func (c *Classifier) echoBitsOnly() bool {
	// With the robot's audio as a reference the echo is no speech already
	// (echoRef): what passed the test while the robot spoke is the callee,
	// who gets the tentative person at PersonDeadline. Keeping the guess on
	// lines with no echo measured made noisy silent lines right but held
	// persons talking over the robot to the analysis time (round 9).
	return !c.ref.on && c.heardSpeech && c.words == 0 && len(c.own) > 0 && c.speechTotal > 0 && c.talkOver >= c.speechTotal
}

// echoOnly reports that, with the robot's audio as a reference, all that was
// heard is its echo and nothing was recognised.
func (c *Classifier) echoOnly() bool {
	return c.ref.on && !c.heardSpeech && c.words == 0 && c.echoFrames > 0
}

// contentWords counts recognised words that are neither answering words
// nor person words: what a self-introduction or a recording says.
func (c *Classifier) contentWords() int {
	n := 0
	for _, w := range strings.Fields(normalize(c.committedText + " " + c.partialText)) {
		if !answerWord(w) && !personWord(w) {
			n++
		}
	}
	return n
}

// onePhrase reports that the nearest voice said one stretch of talk and has
// been quiet since for stretchGap: a phrase and a pause, not a voice that
// talked on after pausing.
func (c *Classifier) onePhrase() bool {
	return c.near.stretches == 1 && c.nearPaused()
}

// nearPaused reports that the nearest voice has been quiet for stretchGap
// (others may still talk under it, fainter by faintDrop).
func (c *Classifier) nearPaused() bool {
	return c.near.heard && c.t-max(c.near.last, c.lastTone) >= stretchGap
}

// personTalk reports a recognised word that people say on the phone and
// greetings of recordings do not open with (personWords).
func (c *Classifier) personTalk() bool {
	for _, w := range strings.Fields(normalize(c.committedText + " " + c.partialText)) {
		if personWord(w) {
			return true
		}
	}
	return false
}

// decideNotHuman records the early verdict that no person answered; the
// class is the best text cue so far, or machine (the same fallback as at the
// end of the analysis time) without one.
func (c *Classifier) decideNotHuman(why string, args ...any) {
	c.note(why, args...)
	cls := Machine
	if g, top, margin := c.scores.best(); top > 0 && margin > 0 {
		cls = c.speakerClass(g)
	}
	c.early = &Decision{Class: cls, Confidence: 0.7, Evidence: append([]string(nil), c.evidence...), At: c.t, Provisional: cls}
}

// quotedBy is the class of text whose best cue is cls (top, margin): an
// assistant may open with the carrier's words ("Абонент временно
// недоступен. Ваш звонок принял ассистент…") or a voicemail's ("Абонент
// занят, оставьте сообщение после сигнала… шучу, я его виртуальный
// секретарь", "говорит автоответчик с искусственным интеллектом,
// назовите себя"); a carrier never names an assistant, and no voicemail
// greeting in any source names one or asks who calls. Both decisive: the
// assistant. After SIT tones it is a carrier's for sure.
func (c *Classifier) quotedBy(ts textScores, cls Class, top, margin float64) (Class, float64, float64) {
	if ts.score[VoiceAssistant] >= decisiveWeight && c.sit == nil &&
		(ts.score[Announcement] >= decisiveWeight || ts.score[Machine] >= decisiveWeight) {
		return VoiceAssistant, ts.score[VoiceAssistant], decisiveMargin
	}
	return cls, top, margin
}

// talkingOn reports that the voice has not paused after its words yet (a
// stretchGap: shorter pauses are a recording's breaths between sentences)
// and the analysis time is not up: the class of its greeting waits for the
// rest of it (quotedBy). Until round 19 a carrier's message waited for
// AfterGreetingSilence; the shorter pause settled no class differently on
// any source and costs less time.
func (c *Classifier) talkingOn() bool {
	return c.heardSpeech && (c.inSpeech || c.speechRun > 0 || c.t-c.lastSpeech < stretchGap) &&
		c.t-c.speechOnset < c.cfg.MaxAnalysis
}

// speakerClass is the class of text whose best cue is cls: the carrier's
// words said by a voice that speaks of itself as "I" ("Вызываемый абонент
// не может принять звонок, говорите, я запишу и отправлю ему текстом") are an
// assistant's, which speaks for the subscriber — a carrier's message never
// says "I" (carrierWords rests on the same). Only the class among
// non-persons changes: no rule that decides whether a person answered looks
// at which of the two it is. Not on an echoed line (the robot's own "я"
// coming back) nor after SIT tones (a carrier's for sure).
func (c *Classifier) speakerClass(cls Class) Class {
	if cls == Announcement && c.sit == nil && !c.echoed && speaksAsI(c.committedText+" "+c.partialText) {
		return VoiceAssistant
	}
	return cls
}

func (c *Classifier) textEvidence(cls Class) string {
	if cls == VoiceAssistant && c.scores.score[VoiceAssistant] == 0 && c.speakerClass(Announcement) == VoiceAssistant {
		return fmt.Sprintf("text %q matches announcement cues %q but speaks as \"I\", which a carrier never does → an assistant speaking for the subscriber",
			strings.TrimSpace(c.committedText+" "+c.partialText), c.scores.cues(Announcement))
	}
	return fmt.Sprintf("text %q matches %s cues %q", strings.TrimSpace(c.committedText+" "+c.partialText), cls, c.scores.cues(cls))
}

// evaluate applies the rules in priority order.
func (c *Classifier) evaluate() {
	if c.decision != nil {
		c.watchLate()
		return
	}
	c.applyRules()
}

// applyRules applies the verdict rules in priority order (no verdict yet, or a
// tentative person's shadow run).
func (c *Classifier) applyRules() {
	cfg := c.cfg
	if c.sit != nil {
		c.decide(Announcement, 0.95, "SIT tones → announcement")
		return
	}
	if c.fax != nil {
		c.decide(Fax, 0.9, "fax tone → fax")
		return
	}
	cls, top, margin := c.scores.best()
	if c.personAsks(cls) {
		cls, top, margin = c.scoresWithoutAsks().best()
	}
	if c.earlyVoice >= earlyVoiceMin || c.clippedSIT {
		// voice during early media, or a clipped SIT sequence: weak
		// evidence of a carrier message
		alt := c.scores
		alt.score = map[Class]float64{}
		for k, v := range c.scores.score {
			alt.score[k] = v
		}
		if c.earlyVoice >= earlyVoiceMin {
			alt.score[Announcement] += earlyVoiceCue
		}
		if c.clippedSIT && !c.personOverTone() {
			alt.score[Announcement] += clippedSITCue
		}
		cls, top, margin = alt.best()
	}
	cls, top, margin = c.quotedBy(c.scores, cls, top, margin)
	cls = c.speakerClass(cls)
	if top >= decisiveWeight && margin >= decisiveMargin {
		if (cls == Announcement || cls == Machine) && c.talkingOn() {
			// A carrier's message is one sentence and then a pause (or its
			// repeat); a voice that talks on after the carrier's or a
			// voicemail's words may be an assistant quoting them
			// (quotedBy). No person either way: say so now, settle the
			// class at the pause.
			if c.early == nil {
				c.decideNotHuman("%s; class settled when the voice pauses", c.textEvidence(cls))
			}
			return
		}
		c.decide(cls, math.Min(0.98, 0.75+0.1*top), "%s", c.textEvidence(cls))
		return
	}
	if c.beep != nil && !c.personOverTone() {
		c.decide(Machine, 0.9, "beep → machine")
		return
	}
	// a tone still sounding (a beep not yet reported) is not the pause of a
	// person waiting for the caller
	silentFor := c.t - max(c.lastSpeech, c.lastTone, c.lastUnsure)
	need := cfg.AfterGreetingSilence
	humanCue := c.scores.score[Human] >= 0.5
	if humanCue {
		need = cfg.HumanCueSilence
	}
	// A greeting is short by its length, or — the classic AMD word count —
	// by being a few words of answering the phone ("алло, да, говорите"
	// said slowly), up to a hard limit.
	fewHumanWords := humanCue && c.words <= maxHumanWords && c.speechTotal <= maxHumanWordsSpeech
	short := c.speechTotal <= cfg.MaxGreeting || fewHumanWords
	if c.early == nil && c.heardSpeech && !c.blipsOnly() && !c.echoBitsOnly() && !c.inSpeech && c.speechRun == 0 && silentFor >= need &&
		short && top < blockHuman && c.talkOver < talkOverLimit && !(c.shadow && c.lineNoise()) {
		// (behind a tentative person, line noise that pauses is no
		// greeting: the end of the analysis time tells it, lineNoise)
		// early-media voice does not block this: music instead of ringback
		// ("Гудок") sounds the same and the person behind it must be greeted
		conf := 0.8
		if humanCue {
			conf = 0.9
		}
		c.decide(Human, conf, "short greeting %.2fs then %.2fs silence → human", c.speechTotal.Seconds(), silentFor.Seconds())
		return
	}
	longGreeting := c.speechTotal > cfg.MaxGreeting || c.talkOver >= talkOverLimit
	// weak cues settle the class only once the greeting has paused: the
	// next sentence may name another class ("Абонент занят. С вами говорит
	// его помощник…": an assistant, not the carrier)
	if longGreeting && top >= 0.6 && margin >= 0.3 && !c.inSpeech && silentFor >= cfg.AfterGreetingSilence {
		c.decide(cls, 0.7, "greeting longer than %.1fs and %s", cfg.MaxGreeting.Seconds(), c.textEvidence(cls))
		return
	}
	// Stage one: a greeting that began at once after answer, more speech
	// than a person's and no word of answering the phone in what was
	// recognised — no person answered. The
	// robot can stop now; the class is settled by the rules above or at the
	// end of the analysis time. Text is required: without it there is no
	// telling "алло, алло, слушаю" said in one breath from a recording.
	// the nearest voice's longest stretch: background talk under a short
	// answer does not lengthen it
	talk := c.near.longest
	if c.echoed && !c.echoNote && c.words >= echoRun {
		c.echoNote = true
		c.note("text %q repeats the robot's own words (line echo?): no verdict on its length", strings.TrimSpace(c.committedText+" "+c.partialText))
	}
	// An answering word keeps a person possible — unless a non-human cue as
	// strong as blockHuman came with it ("Алло, вы позвонили Екатерине…"):
	// such text can no longer end as a person (the human rules above need
	// top < blockHuman, and at the end of the analysis time the cue wins),
	// so waiting for the end of the analysis time only keeps the robot
	// talking to a recording.
	answerHeard := c.scores.score[Human] > 0 && top < blockHuman
	personTalk := c.personTalk()
	nonHumanSign := top > 0 || !personTalk || talk >= longTalk
	if c.early == nil && !c.echoed && c.heardSpeech && c.speechOnset <= cfg.GreetingOnset && c.words > 0 && !answerHeard &&
		(talk >= cfg.EarlyGreeting || c.talkOver >= talkOverLimit) && nonHumanSign &&
		(c.words >= minEarlyWords || top > 0 && talk-c.talkOver >= longTalk) &&
		(top > 0 || c.contentWords() >= minUncuedWords ||
			c.contentWords() >= minMonologueWords && talk-c.talkOver >= monologueTalk ||
			c.contentWords() >= minEarlyWords && talk-c.talkOver >= longMonologueTalk) {
		// (the second-word guard holds for talk over the robot too: on a
		// live call the robot greets at once, so a slow "Сергей… слушает"
		// is said over it)
		if c.scores.score[Human] > 0 {
			c.decideNotHuman("%.2fs of speech, longer than a person's greeting (%.1fs); the answering word in %q is outweighed by %s cues %q → not a person (class pending)",
				talk.Seconds(), cfg.EarlyGreeting.Seconds(), strings.TrimSpace(c.committedText+" "+c.partialText), cls, c.scores.cues(cls))
		} else {
			c.decideNotHuman("%.2fs of speech, longer than a person's greeting (%.1fs), and no answering word in %q → not a person (class pending)",
				talk.Seconds(), cfg.EarlyGreeting.Seconds(), strings.TrimSpace(c.committedText+" "+c.partialText))
		}
	}
	// A cue people never say, as strong as blockHuman (the robot's words,
	// requests and people's words left out, as for a late correction),
	// forbids a person verdict for good: by the deadline it is the verdict
	// that no person answered, not a wait for the greeting's length
	// ("Абонент занят. С вами говорит…" over a level change).
	if c.early == nil && !c.shadow && !c.echoed && c.heardSpeech && c.words > 0 && c.t >= cfg.PersonDeadline {
		if _, strict, _ := c.scoresWithoutRobot().best(); strict >= blockHuman && top >= blockHuman {
			c.decideNotHuman("by %.1fs %s, a cue people never say → not a person (class pending)", cfg.PersonDeadline.Seconds(), c.textEvidence(cls))
		}
	}
	paused := !c.inSpeech && c.speechRun == 0
	// Uncertainty resolves to a person: a callee who began to speak and by
	// the deadline has given no sign of a recording — no non-human cue of
	// blockHuman, no stage-one verdict — is greeted as a person.
	if c.early == nil && c.heardSpeech && c.words > 0 && c.t >= cfg.PersonDeadline && top < blockHuman &&
		(personTalk || c.answerOnly() || paused && c.longestTalk < cfg.EarlyGreeting && silentFor >= stretchGap ||
			c.nearPaused() && c.near.longest < cfg.EarlyGreeting) {
		c.decide(Human, 0.6, "no sign of a recording by %.1fs after answer (%.2fs of speech, longest stretch %.2fs, text %q) → person",
			cfg.PersonDeadline.Seconds(), c.speechTotal.Seconds(), c.longestTalk.Seconds(), strings.TrimSpace(c.committedText+" "+c.partialText))
		return
	}
	// Words the recognizer found where the level test heard no speech (a
	// clipped, band-limited or reverberant line defeats the test, not the
	// recognizer) are a callee speaking, never a silent line: with no sign
	// of a recording by the deadline they are a person.
	if c.early == nil && !c.heardSpeech && c.words > 0 && !c.echoed && c.t >= cfg.PersonDeadline && top < blockHuman && c.contentWords() < minUncuedWords {
		c.decide(Human, 0.6, "recognised %q where the level test heard no speech, no sign of a recording by %.1fs → person",
			strings.TrimSpace(c.committedText+" "+c.partialText), cfg.PersonDeadline.Seconds())
		return
	}
	// Speech by the deadline with no sign of a recording, but no sign of a
	// person either (no answering word or pause yet): a tentative person,
	// so the robot may speak on (nothing sensitive while it is watched); the
	// rules go on in the background and correct it late if they find no
	// person (tentativeWatch).
	// Sound that so far reads as the robot's echo or blips is no speech to
	// rest a person on: the line is left to the rules below.
	if cfg.TentativePerson && c.early == nil && c.heardSpeech && !c.shadow && c.t >= cfg.PersonDeadline && top < blockHuman &&
		!c.echoBitsOnly() && !c.blipsOnly() {
		c.decide(Human, 0.5, "speech by %.1fs with no sign of a recording (%.2fs of it, text %q) → person, tentatively",
			cfg.PersonDeadline.Seconds(), c.speechTotal.Seconds(), strings.TrimSpace(c.committedText+" "+c.partialText))
		c.tentative = true
		return
	}
	// A voiced blip (a run long enough to count, too short for a word) may
	// be a word a sender's VAD clipped ("ну…" before "чего молчите"): the
	// line is silent only after InitialSilence of quiet since it, as after
	// the answer. Echo bits under the robot's voice restart nothing.
	blipsOver := c.echoBitsOnly() || c.t-c.lastSpeech >= cfg.InitialSilence
	if c.early == nil && (!c.heardSpeech && (c.words == 0 || c.echoed) || (c.blipsOnly() || c.echoBitsOnly()) && blipsOver) && !c.sawTone && c.speechRun == 0 && c.quiet >= cfg.InitialSilence {
		c.decide(Silence, 0.8, "no speech for %.1fs (%.1fs of it while the robot was quiet) → silence", c.t.Seconds(), c.quiet.Seconds())
		return
	}
	if !c.heardSound {
		switch {
		case c.heardSpeech:
			c.heardSound, c.firstSound = true, c.segStart
		case c.sawTone, c.words > 0 && !c.echoed:
			c.heardSound, c.firstSound = true, c.t
		default:
			// nothing heard yet, or only the robot's echo: only the silence
			// rule above can decide (a callee listening to the robot's
			// greeting is not a verdict, and on an echoed line no sooner
			// than on a clean one)
			return
		}
	}
	if c.t-c.firstSound < cfg.MaxAnalysis && !c.greetingOver(top, margin, silentFor) {
		return
	}
	// The robot's echo alone is silence no sooner than a line with no echo
	// is (the quiet-time rule above): a callee who listens to the whole
	// greeting still has InitialSilence after it to answer.
	if c.early == nil && c.echoOnly() && top == 0 && c.quiet < cfg.InitialSilence {
		return
	}
	// (what ends the analysis, in the verdict's evidence)
	end := "analysis time up"
	if c.t-c.firstSound < cfg.MaxAnalysis {
		end = fmt.Sprintf("the greeting ended %.2fs ago", silentFor.Seconds())
	}
	switch {
	case top >= 0.5 && margin > 0:
		c.decide(cls, 0.6, "%s; best text cue: %s", end, c.textEvidence(cls))
	case c.early != nil && top > 0 && margin > 0:
		c.decide(cls, 0.5, "%s; only weak cues: %s", end, c.textEvidence(cls))
	case c.early != nil && carrierLike(c.committedText+" "+c.partialText):
		c.decide(Announcement, 0.5, "%s; %q speaks of the line in the third person and never as \"I\" → announcement", end, strings.TrimSpace(c.committedText+" "+c.partialText))
	case c.early != nil && top == 0 && c.onePhrase():
		// the uncued early verdict came as a phrase ended, before the pause
		// after it could be seen: a voice that said one phrase and then
		// waited to the end of the analysis time is a person waiting for the
		// caller ("не надо мне ничего" — four content words, 1.5-1.9 s), which
		// a recording without a cue does not do (round 10)
		c.decide(Human, 0.5, "%s; %q, one phrase (%.2fs) with no cue, then the voice waited %.2fs → person",
			end, strings.TrimSpace(c.committedText+" "+c.partialText), c.near.longest.Seconds(), (c.t - c.near.last).Seconds())
	case c.early != nil:
		c.decide(Machine, 0.5, "%s; greeting %.2fs long without a decisive cue → machine", end, c.speechTotal.Seconds())
	case humanCue && top < blockHuman:
		c.decide(Human, 0.6, "%s; %s", end, c.textEvidence(Human))
	case c.echoed && top < blockHuman:
		c.decide(Human, 0.5, "%s; what was heard repeats the robot (line echo) and nothing sounds like a machine → human", end)
	case c.words > 0 && top == 0:
		c.decide(Human, 0.5, "%s; %q names nothing non-human and was never long enough to be a recording → person", end, strings.TrimSpace(c.committedText+" "+c.partialText))
	case c.lineNoise() && top == 0:
		c.decide(Silence, 0.6, "%s; %.2fs of sound over the noise floor, %.2fs of it with a voice's pitch, and no word recognised → silence (line noise)",
			end, c.speechTotal.Seconds(), c.pitched.Seconds())
	case longGreeting && carrierLike(c.committedText+" "+c.partialText):
		c.decide(Announcement, 0.5, "%s; %q speaks of the line in the third person and never as \"I\" → announcement", end, strings.TrimSpace(c.committedText+" "+c.partialText))
	case longGreeting:
		c.decide(Machine, 0.5, "%s; greeting %.2fs long without a decisive cue → machine", end, c.speechTotal.Seconds())
	case c.blipsOnly() && top == 0:
		c.decide(Silence, 0.6, "%s; only blips (%.2fs) shorter than a word → silence", end, c.speechTotal.Seconds())
	case c.echoBitsOnly() && top == 0:
		c.decide(Silence, 0.6, "%s; only sound under the robot's own voice (%.2fs), nothing recognised → silence (line echo)", end, c.speechTotal.Seconds())
	case c.echoOnly() && top == 0:
		c.decide(Silence, 0.6, "%s; only the robot's echo (%d frames by its reference), nothing recognised → silence", end, c.echoFrames)
	case c.heardSpeech && top < blockHuman:
		c.decide(Human, 0.6, "%s; short speech %.2fs → human", end, c.speechTotal.Seconds())
	case c.heardSpeech:
		c.decide(cls, 0.5, "%s; %s", end, c.textEvidence(cls))
	default:
		c.decide(Silence, 0.7, "analysis time up without speech → silence")
	}
}

// settlePause is how long the voice of a non-person greeting must have been
// quiet for its text to be all it says: a voicemail's beep, a carrier's
// next sentence or an assistant's next phrase follow the previous one within
// it; a recording that has ended waits in silence (for the message, or for
// the caller to speak), so the end of the analysis time would find no more.
const settlePause = 1500 * time.Millisecond

// greetingOver reports that the class of a non-person verdict can be settled
// now rather than at the end of the analysis time: no person answered
// (c.early), the greeting has ended (settlePause of quiet, no tone
// sounding), and what the end of the analysis time decides from the text
// is a non-person class — a text cue, or words about the line in the third
// person. An uncued greeting still waits: one phrase then a long wait is a
// person's (applyRules), and the wait is the evidence.
func (c *Classifier) greetingOver(top, margin float64, silentFor time.Duration) bool {
	if c.early == nil || !c.heardSpeech || c.inSpeech || c.speechRun > 0 || silentFor < settlePause {
		return false
	}
	return top > 0 && margin > 0 || carrierLike(c.committedText+" "+c.partialText)
}

// A person verdict is given early on purpose (PersonDeadline); the first
// phrase may still turn out to be a recording: a greeting that never paused
// and then names itself ("…я цифровая помощница Павла") or ends in a beep.
// The classifier keeps listening to that same first phrase after a person
// verdict and reports a late correction (Correction) on strong evidence
// only: a decisive non-human cue or a beep, before the callee's first pause
// of latePause and within the analysis time. A person who answered and
// paused for the robot is no longer watched, so their later words ("я за
// рулём, не могу ответить, перезвоню") are never taken for a voicemail.
const latePause = time.Second

// watching reports that a person verdict was given and its first phrase is
// still being watched for a late correction.
func (c *Classifier) watching() bool {
	return c.decision != nil && c.decision.Class == Human && c.correction == nil && !c.watchOver
}

// watchLate looks for strong non-human evidence in the first phrase that
// went on after a person verdict.
func (c *Classifier) watchLate() {
	if !c.watching() {
		return
	}
	over := !c.tentative && (!c.heardSpeech || c.t-max(c.lastSpeech, c.lastTone) >= latePause || c.t-c.speechOnset >= c.cfg.MaxAnalysis)
	if over && !c.quoteWait && c.modelWait == "" {
		c.watchOver = true
		return
	}
	correct := func(cls Class, why string, args ...any) {
		ev := append(append([]string(nil), c.decision.Evidence...), fmt.Sprintf(why, args...))
		if m, why := c.modelClass(cls); m != cls {
			cls, ev = m, append(ev, why)
		}
		c.correction = &Decision{Class: cls, Confidence: 0.8, Evidence: ev, At: c.t, Settled: true, SettledAt: c.t, Provisional: Human}
	}
	// after a person verdict the robot talks: its echo must not correct the
	// verdict ("я виртуальный помощник компании…" coming back), so cues the
	// robot itself said do not count, nor does text that repeats it
	if ts := c.scoresWithoutRobot(); !c.echoed {
		cls, top, margin := ts.best()
		if cls, top, margin = c.quotedBy(ts, cls, top, margin); top >= decisiveWeight && margin >= decisiveMargin {
			cls = c.speakerClass(cls)
			if (cls == Announcement || cls == Machine) && !over && c.talkingOn() {
				// the rest of the greeting may name an assistant quoting
				// these words (quotedBy): corrected at the pause
				c.quoteWait = true
				return
			}
			correct(cls, "late correction: the first phrase went on without a pause and %s", c.textEvidence(cls))
			return
		}
	}
	if over {
		if c.modelWait != "" {
			correct(c.modelWaitClass(), "%s", c.modelWait)
			return
		}
		c.watchOver = true
		return
	}
	if c.beep != nil && c.beep.at > c.decision.At && !c.personOverTone() {
		correct(Machine, "late correction: the first phrase went on without a pause and ended in %s → machine", c.beep)
		return
	}
	if c.tentative {
		c.tentativeWatch()
	}
	if !c.watching() {
		return
	}
	if c.modelWait != "" {
		// the text model found no person; the class waits for the rest of
		// the greeting (a pause of latePause or the end of the analysis
		// time), and the rules above may still correct sooner
		if !c.heardSpeech || c.t-c.lastSpeech >= latePause || c.t-c.speechOnset >= c.cfg.MaxAnalysis {
			correct(c.modelWaitClass(), "%s", c.modelWait)
		}
		return
	}
	if why, ok := c.modelCorrects(); ok {
		c.modelWait = why
	}
}

// tentativeWatch runs the verdict rules in the background after a
// tentative person verdict: a non-person verdict of theirs is the late
// correction; a person verdict makes it an ordinary one, watched on until
// the callee's first pause.
func (c *Classifier) tentativeWatch() {
	d, early := c.decision, c.early
	c.decision, c.shadow = nil, true
	c.applyRules()
	got := c.decision
	c.decision, c.shadow = d, false
	if got == nil {
		return
	}
	c.early, c.tentative = early, false
	if got.Class == Human {
		c.rulesPerson = true
		return // a person by the rules too: watched on as any person verdict
	}
	if !c.safeCorrection(got.Class) {
		// a non-person verdict on length, weak or people's words, or no
		// speech after speech was heard: a person may give all of it (VAD
		// clipping, crosstalk, "я перезвоню"), so it is no correction; the
		// phrase is watched on as any person verdict's, for a beep or a
		// decisive self-naming until the callee's first pause
		return
	}
	c.watchOver = true
	{
		got.Provisional = Human
		got.Evidence = append(append([]string(nil), d.Evidence...), "late correction: "+got.Evidence[len(got.Evidence)-1])
		if m, why := c.modelClass(got.Class); m != got.Class {
			got.Class, got.Evidence = m, append(got.Evidence, why)
		}
		c.correction = got
	}
}

// safeCorrection reports whether the background rules' non-person verdict
// of cls rests on evidence a person cannot give: a beep or SIT tones, or
// a decisive non-human cue with the robot's words, requests and people's
// words left out; silence only if nothing said was ever recognised.
func (c *Classifier) safeCorrection(cls Class) bool {
	switch cls {
	case Human:
		return false
	case Silence:
		// the tentative person rests on speech heard; that the recognizer
		// made no word of it is no evidence alone (a keypad-only line has
		// no recognizer), and whoever spoke may be listening to the robot —
		// unless the sound had no voice's pitch either (lineNoise)
		return c.lineNoise()
	}
	if c.sit != nil || c.beep != nil && c.beep.at > c.decision.At {
		return true
	}
	if c.echoed {
		return false
	}
	// the rules' class may differ ("умный автоответчик" of an assistant):
	// that no person spoke is what the evidence must show. The rules have
	// already found no person; a cue as strong as blockHuman that people
	// never say ("вы позвонили Ивану") confirms it, and so does a carrier's
	// third-person "абонент" for an announcement.
	_, top, _ := c.scoresWithoutRobot().best()
	if top >= blockHuman {
		return true
	}
	if cls == Announcement && strings.Contains(c.committedText+" "+c.partialText, "абонент") {
		return true
	}
	// A carrier's message with no cue word ("Услуга связи приостановлена,
	// обратитесь к оператору"): text about the line in the third person
	// with two different words about it (carrierWords), no word of
	// answering the phone, and the nearest voice reading it out for
	// carrierMonologue without a pause. A person who says the number is
	// wrong ("вы ошиблись номером", "этот номер давно сменился") names one
	// such word, mostly in a short breath, and waits.
	if cls == Announcement && c.scores.score[Human] == 0 && c.near.longest >= carrierMonologue &&
		carrierWords(c.committedText+" "+c.partialText) >= minCarrierWords {
		return true
	}
	// People's words and requests ("перезвоню", "хозяин", a name, "что
	// передать") in a monologue: the nearest voice talked on for
	// monologueCorrection without a pause and without a word of answering
	// the phone. A person who says such words pauses for the caller well
	// before that; a recording does not.
	return c.scores.score[Human] == 0 && c.near.longest >= monologueCorrection && c.scoresNotFromRobot().score[cls] >= blockHuman
}

// noPitchShare bounds the pitched share of line noise: sound over the
// noise floor with less than 1/noPitchShare of its time pitched is no voice.
// Chosen on the tuning sources (round 12): the silent lines taken for
// persons on crackle, packet loss, wind and hiss had 0-1 % pitched; the
// persons with the least, on companded, clipped or muffled lines, 6.5 %.
const noPitchShare = 40

// lineNoise reports that what passed for the callee's speech was line
// noise: no word ever recognised in it and almost none of it with a voice's
// pitch (voicePitch). Both are needed: a recognizer may make nothing of a
// person on a bad line, and a distorted voice may lose most of its pitch.
func (c *Classifier) lineNoise() bool {
	return c.heardSpeech && !c.wordHeard && !c.sawTone && c.pitched*noPitchShare < c.speechTotal
}

// monologueCorrection is how long the nearest voice must talk on without a
// pause for people's words in it to correct a tentative person: beyond
// longTalk, the length at which talk counts even with a person's words
// (chosen on tuning sources: no person lost at 2.6 s either, the margin is
// for persons who talk on).
const monologueCorrection = 3500 * time.Millisecond

// A cueless carrier's message corrects a tentative person (safeCorrection)
// when it names minCarrierWords different words about the line and the
// nearest voice read it out for carrierMonologue without a pause. Chosen on
// the tuning sources (round 13) with every tuning person's audio given such
// a text and no answering word (the worst case): at 3.5 s 29 of 718 persons
// would be corrected, at 4.5 s 5; with one word about the line, none.
const (
	minCarrierWords  = 2
	carrierMonologue = 4500 * time.Millisecond
)

// scoresNotFromRobot is the text's cue scores without the cues whose words
// the robot itself said (its echo); requests and people's words are kept.
func (c *Classifier) scoresNotFromRobot() textScores {
	return c.scoresKept(func(rule) bool { return true })
}

// Watching reports that the classifier still watches a person verdict's
// first phrase for a late correction: the call path keeps feeding it frames
// and text until this turns false.
func (c *Classifier) Watching() bool { return c.watching() }

// Correction reports a late non-human verdict on a call already decided a
// person: the first phrase went on without a pause and named itself or ended
// in a beep (see latePause). The caller that acts on it ends the call as
// that class; the person verdict cost only the seconds until then.
func (c *Classifier) Correction() (Decision, bool) {
	if c.correction == nil {
		return Decision{}, false
	}
	out := *c.correction
	out.Evidence = append([]string(nil), c.correction.Evidence...)
	return out, true
}

// personAsks reports an assistant lead resting only on requests people
// make too ("Я вас слушаю, представьтесь"): with an answering word in the
// text those requests count for nothing (scoresWithoutAsks); the timing
// rules and the deadline decide (person safety first: an assistant that
// never names itself costs a few seconds, a person taken for an assistant
// a contact).
func (c *Classifier) personAsks(cls Class) bool {
	if cls != VoiceAssistant || c.scores.score[Human] <= 0 {
		return false
	}
	var own float64
	for _, r := range c.scores.matched {
		if r.class == VoiceAssistant && !r.asks {
			own += r.weight
		}
	}
	return own < decisiveWeight
}

// scoresWithoutAsks is the text's cue scores without the requests people
// make too (rule.asks).
func (c *Classifier) scoresWithoutAsks() textScores {
	out := textScores{score: map[Class]float64{}}
	for _, r := range c.scores.matched {
		if !r.asks {
			out.score[r.class] += r.weight
			out.matched = append(out.matched, r)
		}
	}
	return out
}

// scoresWithoutRobot is the text's cue scores for a late correction: without
// the cues whose words the robot itself said (RobotSays: on a line without
// echo cancellation they may be its own voice coming back), without
// requests people make too (rule.asks: "Я вас слушаю, представьтесь" is a
// person) and without other words a person may say (rule.people: "Алло,
// Серёж, я перезвоню").
func (c *Classifier) scoresWithoutRobot() textScores {
	return c.scoresKept(func(r rule) bool { return !r.asks && !r.people })
}

// scoresKept is the text's cue scores of the rules keep accepts, without
// those whose words the robot itself said (RobotSays).
func (c *Classifier) scoresKept(keep func(rule) bool) textScores {
	said := map[string]bool{}
	for _, p := range c.own {
		for _, st := range p {
			said[st] = true
		}
	}
	out := textScores{score: map[Class]float64{}}
	for _, r := range c.scores.matched {
		fromRobot := len(said) > 0
		for _, w := range r.words {
			fromRobot = fromRobot && said[w.stem]
		}
		if !fromRobot && keep(r) {
			out.score[r.class] += r.weight
			out.matched = append(out.matched, r)
		}
	}
	return out
}
