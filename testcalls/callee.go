package testcalls

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"sync"
	"time"

	"github.com/dozvon/dozvon/telephony"
	"github.com/dozvon/dozvon/tts"
)

// Step is one thing the simulated callee does, in order.
type Step struct {
	// Say speaks after the robot's current prompt has ended.
	Say string `yaml:"say,omitempty"`
	// Interrupt speaks over the robot's next prompt, After into it (default 300 ms).
	Interrupt string        `yaml:"interrupt,omitempty"`
	After     time.Duration `yaml:"after,omitempty"`
	// Silence stays quiet this long after the robot's prompt has ended.
	Silence time.Duration `yaml:"silence,omitempty"`
	// DTMF sends keypad digits (RFC 2833) after the robot's prompt has ended.
	DTMF string `yaml:"dtmf,omitempty"`
	// Hangup hangs up after the robot's prompt has ended, or HangupAfter into
	// the robot's next prompt (hang-up mid-prompt).
	Hangup      bool          `yaml:"hangup,omitempty"`
	HangupAfter time.Duration `yaml:"hangup_after,omitempty"`
	// Pause waits this long after the robot's prompt ended before Say, DTMF
	// or Hangup.
	Pause time.Duration `yaml:"pause,omitempty"`
	// Noise adds white line noise to Say or Interrupt at this SNR in dB
	// (0: the behaviour's).
	Noise float64 `yaml:"noise,omitempty"`
}

// Behaviour is how one simulated phone acts when called.
type Behaviour struct {
	Ring       time.Duration // ringing before the answer (or the rejection)
	Reject     int           // reject with this SIP code (486 busy, 603 decline, 404…) instead of answering
	NoAnswer   bool          // ring until the caller gives up (CANCEL)
	EarlyMedia string        // announcement spoken in 183 Session Progress before Reject/answer
	EarlySIT   bool          // the three SIT tones (ITU-T E.180) in 183 before EarlyMedia
	Steps      []Step        // after the answer; when they run out the callee waits for the robot to hang up
	// Greeting is spoken right after the answer, before the robot says anything
	// ("алло", a voice assistant's or voicemail's greeting).
	Greeting string
	// GreetingAfter is the pause between the answer and Greeting (a person
	// lifting the phone to the ear).
	GreetingAfter time.Duration
	// GreetingAudio is played right after the answer instead of a spoken
	// Greeting (8 kHz recorded audio, e.g. a labelled detection file), and
	// GreetingText is what a recognizer hears in it: it is published on the
	// board over the span of the audio's speech.
	GreetingAudio []int16
	GreetingText  string
	// Voice speaks for this phone (nil: the exchange's voice), with white
	// line noise at Noise dB SNR (0: none).
	Voice Synthesizer
	Noise float64
	// PromptEnd is the quiet after the robot's audio that ends its prompt
	// and starts the caller's turn (default 600 ms). Longer waits out the
	// robot's pauses between phrases on a loaded machine.
	PromptEnd time.Duration
	// AcceptTransfer takes the robot's blind transfer (REFER) with 202
	// Accepted, as a trunk does; otherwise REFER is refused (406), as a
	// phone that cannot be transferred refuses it.
	AcceptTransfer bool
}

// voice is the synthesizer for one step of b.
func (c *Callee) voiceFor(b Behaviour, s Step) Synthesizer {
	v := b.Voice
	if v == nil {
		v = c.voice
	}
	noise := s.Noise
	if noise == 0 {
		noise = b.Noise
	}
	return WithNoise(v, noise)
}

// Synthesizer is the voice the simulated callee speaks with.
type Synthesizer interface {
	Synthesize(ctx context.Context, text string) (tts.Audio, error)
}

// CalleeReport is what one simulated phone observed on one call.
type CalleeReport struct {
	CallID      string
	Phone       string
	Answered    bool
	Prompts     int             // robot prompts heard (speech bursts)
	BargeIn     []time.Duration // per interruption: our first speech frame sent → the robot's audio went silent (as received)
	Said        []string
	HungUp      bool // we hung up
	Media       telephony.MediaStats
	RobotSpeech time.Duration // robot audio heard above the speech threshold
}

// Callee is a SIP endpoint on loopback that plays simulated debtors: it
// answers after a ring time and, on cue, speaks synthesised utterances,
// interrupts, stays silent, sends DTMF, hangs up, or rejects the call. What
// it says is published on its Board so a ScriptedRecognizer can stand in for
// speech recognition on the robot's side.
type Callee struct {
	ua    *telephony.UA
	voice Synthesizer
	board *Board
	log   *slog.Logger

	mu         sync.Mutex
	behaviours map[string]Behaviour
	reports    map[string]*CalleeReport
	wg         sync.WaitGroup
}

// NewCallee starts a simulated phone exchange on cfg's listeners.
func NewCallee(ctx context.Context, cfg telephony.Config, voice Synthesizer, log *slog.Logger) (*Callee, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	ua, err := telephony.New(ctx, cfg, log)
	if err != nil {
		return nil, fmt.Errorf("callee: %w", err)
	}
	c := &Callee{ua: ua, voice: voice, board: NewBoard(), log: log,
		behaviours: map[string]Behaviour{}, reports: map[string]*CalleeReport{}}
	if err := ua.Serve(ctx, c.handle); err != nil {
		return nil, fmt.Errorf("callee: %w", err)
	}
	return c, nil
}

// Phone registers a simulated phone and returns its SIP URI.
func (c *Callee) Phone(user string, b Behaviour) string {
	c.mu.Lock()
	c.behaviours[user] = b
	c.mu.Unlock()
	return c.ua.URI(user)
}

// Board is where the callee publishes what it says.
func (c *Callee) Board() *Board { return c.board }

// Report returns what the phone observed on the call with this SIP Call-ID;
// it is complete once the call has ended on the callee's side (Wait).
func (c *Callee) Report(callID string) (CalleeReport, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	r, ok := c.reports[callID]
	if !ok {
		return CalleeReport{}, false
	}
	return *r, true
}

// Reports returns every call's report.
func (c *Callee) Reports() []CalleeReport {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]CalleeReport, 0, len(c.reports))
	for _, r := range c.reports {
		out = append(out, *r)
	}
	return out
}

// Wait blocks until every call handler has finished.
func (c *Callee) Wait() { c.ua.Wait() }

const (
	speechRMS  = 300.0 // robot audio above this is speech (its silence is digital zero)
	silenceRMS = 100.0
)

func frameRMS(f []int16) float64 {
	var s float64
	for _, v := range f {
		s += float64(v) * float64(v)
	}
	return math.Sqrt(s / float64(len(f)))
}

// promptTracker turns the robot's frames into prompt start/end events.
type promptTracker struct {
	speaking   bool
	quietSince time.Duration
	started    chan struct{} // signalled at each prompt start
	ended      chan struct{} // signalled at each prompt end (≥ 600 ms quiet)
	prompts    int
	speech     time.Duration
	endAfter   time.Duration // quiet that ends a prompt
}

func (p *promptTracker) frame(f []int16, at time.Duration) {
	loud := frameRMS(f) > speechRMS
	if loud {
		p.speech += telephony.FrameDuration
		if !p.speaking {
			p.speaking = true
			p.prompts++
			signal(p.started)
		}
		p.quietSince = -1
		return
	}
	if p.speaking {
		if p.quietSince < 0 {
			p.quietSince = at
		}
		if at-p.quietSince >= p.endAfter {
			p.speaking = false
			signal(p.ended)
		}
	}
}

func signal(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}

func (c *Callee) handle(ctx context.Context, in *telephony.Inbound) {
	c.wg.Add(1)
	defer c.wg.Done()
	c.mu.Lock()
	b, ok := c.behaviours[in.To()]
	rep := &CalleeReport{CallID: in.CallID(), Phone: in.To()}
	c.reports[in.CallID()] = rep
	c.mu.Unlock()
	if !ok {
		_ = in.Reject(404, "Not Found")
		return
	}
	_ = in.Ringing()
	if b.EarlyMedia != "" || b.EarlySIT {
		if call, err := in.Progress(ctx); err == nil {
			if b.EarlySIT {
				pb := call.Play(sitTones())
				select {
				case <-pb.Done():
				case <-ctx.Done():
				}
			}
			if b.EarlyMedia != "" {
				_, _ = c.say(ctx, in.CallID(), call, c.voiceFor(b, Step{}), b.EarlyMedia)
			}
		}
	}
	if b.NoAnswer {
		<-ctx.Done()
		return
	}
	if !wait(ctx, b.Ring) {
		return
	}
	if b.Reject != 0 {
		_ = in.Reject(b.Reject, reasonFor(b.Reject))
		return
	}
	if b.AcceptTransfer {
		in.AcceptRefer()
	}
	call, err := in.Answer(ctx)
	if err != nil {
		c.log.Warn("callee answer failed", "err", err)
		return
	}
	c.converse(ctx, in.CallID(), call, b, rep)
}

// Dial makes the simulated phone call uri (a debtor calling back) and play
// b's greeting and steps once answered; it returns when the call has ended.
// Its words go on the Board under the call's SIP Call-ID, as on calls it answers.
func (c *Callee) Dial(ctx context.Context, uri string, b Behaviour) (CalleeReport, error) {
	return c.DialAs(ctx, uri, "", b)
}

// DialAs is Dial from the number from (the From user): a debtor calling the
// agency from their own phone ("": the user agent's name).
func (c *Callee) DialAs(ctx context.Context, uri, from string, b Behaviour) (CalleeReport, error) {
	call, _, err := c.ua.Dial(ctx, telephony.DialRequest{To: uri, CallerID: from})
	if err != nil {
		return CalleeReport{}, fmt.Errorf("callee: dial: %w", err)
	}
	rep := &CalleeReport{CallID: call.CallID(), Phone: uri}
	c.mu.Lock()
	c.reports[call.CallID()] = rep
	c.mu.Unlock()
	c.converse(ctx, call.CallID(), call, b, rep)
	return *rep, nil
}

// converse plays b on an answered call until it ends, filling rep.
func (c *Callee) converse(ctx context.Context, callID string, call *telephony.Call, b Behaviour, rep *CalleeReport) {
	c.mu.Lock()
	rep.Answered = true
	c.mu.Unlock()

	endAfter := b.PromptEnd
	if endAfter <= 0 {
		endAfter = 600 * time.Millisecond
	}
	tr := &promptTracker{quietSince: -1, endAfter: endAfter, started: make(chan struct{}, 1), ended: make(chan struct{}, 1)}
	var trMu sync.Mutex
	call.SetHandler(func(f []int16, at time.Duration, _ bool) {
		trMu.Lock()
		tr.frame(f, at)
		trMu.Unlock()
	})
	// Barge-in timing: after we start speaking over a prompt, the robot's
	// playback has stopped at the first silent packet that begins a run of
	// 500 ms of silence (shorter gaps are pauses between words).
	var bargeMu sync.Mutex
	var bargeFrom, quietFrom time.Time
	quietRun := 0
	call.SetPacketObserver(func(arrival time.Time, pcm []int16) {
		bargeMu.Lock()
		defer bargeMu.Unlock()
		if bargeFrom.IsZero() || !arrival.After(bargeFrom) {
			return
		}
		if frameRMS(pcm) >= silenceRMS {
			quietRun, quietFrom = 0, time.Time{}
			return
		}
		if quietRun == 0 {
			quietFrom = arrival
		}
		quietRun += len(pcm)
		if quietRun >= 4000 { // 500 ms at 8 kHz
			c.mu.Lock()
			rep.BargeIn = append(rep.BargeIn, quietFrom.Sub(bargeFrom))
			c.mu.Unlock()
			bargeFrom, quietRun = time.Time{}, 0
		}
	})

	if b.Greeting != "" && wait(ctx, b.GreetingAfter) {
		if _, err := c.say(ctx, callID, call, c.voiceFor(b, Step{}), b.Greeting); err != nil {
			c.log.Warn("callee greeting", "err", err)
		}
	}
	if len(b.GreetingAudio) > 0 {
		c.playRecorded(ctx, callID, call, b.GreetingAudio, b.GreetingText)
	}
	c.runSteps(ctx, callID, call, b, tr, rep, func(started time.Time) {
		bargeMu.Lock()
		bargeFrom = started
		bargeMu.Unlock()
	})
	select {
	case <-call.Done():
	case <-ctx.Done():
	}
	trMu.Lock()
	prompts, speech := tr.prompts, tr.speech
	trMu.Unlock()
	c.mu.Lock()
	rep.Prompts, rep.RobotSpeech = prompts, speech
	rep.Media = call.Stats()
	c.mu.Unlock()
}

func (c *Callee) runSteps(ctx context.Context, callID string, call *telephony.Call, b Behaviour,
	tr *promptTracker, rep *CalleeReport, bargeStart func(time.Time)) {
	waitEnd := func() bool {
		select {
		case <-tr.ended:
			return true
		case <-call.Done():
			return false
		case <-ctx.Done():
			return false
		}
	}
	waitStart := func() bool {
		select {
		case <-tr.started:
			return true
		case <-call.Done():
			return false
		case <-ctx.Done():
			return false
		}
	}
	drain := func(ch chan struct{}) {
		select {
		case <-ch:
		default:
		}
	}
	for _, s := range b.Steps {
		switch {
		case s.Interrupt != "":
			if !waitStart() {
				return
			}
			after := s.After
			if after == 0 {
				after = 300 * time.Millisecond
			}
			if !wait(ctx, after) {
				return
			}
			pb, err := c.startSaying(ctx, callID, call, c.voiceFor(b, s), s.Interrupt)
			if err != nil {
				c.log.Warn("callee interrupt", "err", err)
				return
			}
			go func() {
				// the first speech frame leaves on the next media tick
				for {
					if _, started, _ := pb.Result(); !started.IsZero() {
						bargeStart(started)
						return
					}
					select {
					case <-pb.Done():
						return
					case <-time.After(5 * time.Millisecond):
					}
				}
			}()
			c.record(rep, s.Interrupt)
			<-pb.Done()
			drain(tr.ended)
		case s.HangupAfter > 0:
			if !waitStart() || !wait(ctx, s.HangupAfter) {
				return
			}
			c.hangup(call, rep)
			return
		default:
			if !waitEnd() || !wait(ctx, s.Pause) {
				return
			}
			switch {
			case s.Say != "":
				if _, err := c.say(ctx, callID, call, c.voiceFor(b, s), s.Say); err != nil {
					c.log.Warn("callee say", "err", err)
					return
				}
				c.record(rep, s.Say)
			case s.DTMF != "":
				for _, d := range s.DTMF {
					if err := call.SendDTMF(d); err != nil {
						c.log.Warn("callee dtmf", "err", err)
					}
				}
				c.record(rep, "dtmf:"+s.DTMF)
			case s.Silence > 0:
				if !wait(ctx, s.Silence) {
					return
				}
			case s.Hangup:
				c.hangup(call, rep)
				return
			}
			drain(tr.started)
			// the next step answers the robot's next prompt: a prompt end
			// seen while we spoke (a stall in the robot's audio on a slow
			// machine) is not it
			drain(tr.ended)
		}
	}
}

func (c *Callee) record(rep *CalleeReport, text string) {
	c.mu.Lock()
	rep.Said = append(rep.Said, text)
	c.mu.Unlock()
}

func (c *Callee) hangup(call *telephony.Call, rep *CalleeReport) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	_ = call.Hangup(ctx)
	c.mu.Lock()
	rep.HungUp = true
	c.mu.Unlock()
}

// startSaying synthesises text, publishes it on the board and queues it.
func (c *Callee) startSaying(ctx context.Context, callID string, call *telephony.Call, voice Synthesizer, text string) (*telephony.Playback, error) {
	a, err := voice.Synthesize(ctx, text)
	if err != nil {
		return nil, fmt.Errorf("callee say %q: %w", text, err)
	}
	if a.Rate != 8000 {
		return nil, fmt.Errorf("callee say %q: voice gives %d Hz, want 8000", text, a.Rate)
	}
	now := time.Now()
	c.board.said(callID, text, now, now.Add(a.Duration()))
	return call.Play(a.PCM), nil
}

// playRecorded plays recorded audio and publishes text on the board over
// the span from its first to its last loud stretch (the speech, not the
// leading silence), then waits until it has been played.
func (c *Callee) playRecorded(ctx context.Context, callID string, call *telephony.Call, pcm []int16, text string) {
	now := time.Now()
	if text != "" {
		first, last := speechSpan(pcm)
		if last > first {
			at := func(n int) time.Time { return now.Add(time.Duration(n) * time.Second / 8000) }
			c.board.said(callID, text, at(first), at(last))
		}
	}
	pb := call.Play(pcm)
	select {
	case <-pb.Done():
	case <-ctx.Done():
	}
}

// speechSpan returns the sample offsets of the first and the end of the last
// 20 ms frame whose level is well above the quietest frames (a plain energy
// gate: line noise stays under it, speech and tones do not).
func speechSpan(pcm []int16) (first, last int) {
	const frame = 160
	n := len(pcm) / frame
	if n == 0 {
		return 0, 0
	}
	level := make([]float64, n)
	floor := math.Inf(1)
	for i := range n {
		var sum float64
		for _, v := range pcm[i*frame : (i+1)*frame] {
			sum += float64(v) * float64(v)
		}
		level[i] = sum / frame
		floor = math.Min(floor, level[i])
	}
	gate := math.Max(floor*10, 300*300) // 10 dB over the floor, and audible
	first, last = -1, -1
	for i, l := range level {
		if l > gate {
			if first < 0 {
				first = i * frame
			}
			last = (i + 1) * frame
		}
	}
	if first < 0 {
		return 0, 0
	}
	return first, last
}

// say speaks text and waits until it has been played.
func (c *Callee) say(ctx context.Context, callID string, call *telephony.Call, voice Synthesizer, text string) (*telephony.Playback, error) {
	pb, err := c.startSaying(ctx, callID, call, voice, text)
	if err != nil {
		return nil, err
	}
	select {
	case <-pb.Done():
	case <-ctx.Done():
	}
	return pb, nil
}

func wait(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

func reasonFor(code int) string {
	switch code {
	case 486:
		return "Busy Here"
	case 600:
		return "Busy Everywhere"
	case 603:
		return "Decline"
	case 404:
		return "Not Found"
	case 480:
		return "Temporarily Unavailable"
	case 503:
		return "Service Unavailable"
	default:
		return "Rejected"
	}
}

// sitTones is a quiet moment then the three special information tones a
// carrier plays before its message: 913.8, 1370.6 and 1776.7 Hz for 274, 274
// and 380 ms (ITU-T E.180), then a short pause.
func sitTones() []int16 {
	var out []int16
	pause := func(d time.Duration) { out = append(out, make([]int16, int(d*8000/time.Second))...) }
	tone := func(hz float64, d time.Duration) {
		for i := range int(d * 8000 / time.Second) {
			out = append(out, int16(6000*math.Sin(2*math.Pi*hz*float64(i)/8000)))
		}
	}
	pause(500 * time.Millisecond)
	tone(913.8, 274*time.Millisecond)
	tone(1370.6, 274*time.Millisecond)
	tone(1776.7, 380*time.Millisecond)
	pause(300 * time.Millisecond)
	return out
}
