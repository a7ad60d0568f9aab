package testcalls

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/dozvon/dozvon/asr"
	"github.com/dozvon/dozvon/callflow"
	"github.com/dozvon/dozvon/clock"
	"github.com/dozvon/dozvon/compliance"
	"github.com/dozvon/dozvon/internal/stats"
	"github.com/dozvon/dozvon/phonenum"
	"github.com/dozvon/dozvon/robot"
	"github.com/dozvon/dozvon/scripts"
	"github.com/dozvon/dozvon/store"
	"github.com/dozvon/dozvon/telephony"
)

// AudioConfig wires an audio-level run: each case becomes a real call over
// loopback SIP, placed through callflow with the 230-FZ guard on Ledger.
type AudioConfig struct {
	// Ledger is the guard's ledger and keeps the call records: a temporary
	// database, never a production one (required).
	Ledger *store.DB
	// Voice is the robot's voice (its Recognizer is not used).
	Voice robot.VoiceConfig
	// NewSegmenter makes the robot's VAD for one call (required).
	NewSegmenter func() (robot.Segmenter, error)
	// Recognizer is the robot's speech recognition for one call (Vosk); nil:
	// the labelled stand-in recognizer on the robot's VAD segments.
	Recognizer func(callID string) asr.Recognizer
	// Recognition names Recognizer for the report ("vosk (model …)").
	Recognition string
	// CallerVoices speak the simulated callers' lines (required).
	CallerVoices *CallerVoices
	// Dir holds the recordings (required); Keep, when set, gets a copy of
	// each failed case's recording.
	Dir, Keep string
	Parallel  int // calls at once (default 4)
	Log       *slog.Logger
}

// StandInRecognition is how a report names the labelled stand-in.
const StandInRecognition = "stand-in (no Vosk model: the simulated caller's planned text is returned for each speech segment the robot's VAD detects; set VOSK_MODEL for real recognition)"

// promptEnd is the quiet that ends a robot prompt for the simulated
// caller: longer than the default so a pause between the robot's phrases
// (synthesis on a loaded machine) is not taken for the caller's turn.
const promptEnd = 1200 * time.Millisecond

// pickupAfter is when a simulated callee says its pickup word: a person
// says "алло" with the phone at the ear, about half a second after answer.
// Said at the instant of answer it is clipped: the robot's media and
// listening start only once the answer is confirmed (measured on loopback:
// the robot's recording held the last 0.22–0.28 s of a 0.5 s "алло", and
// first-phrase detection took the line for silent).
const pickupAfter = 700 * time.Millisecond

// caseTimeout bounds one case's call, whatever the script's limits say.
const caseTimeout = 5 * time.Minute

// RunAudio runs every case of the files as a call against sc and reports as
// RunText does, plus turn gaps, transcripts of failures and their recordings.
func RunAudio(ctx context.Context, sc *scripts.Script, files []*CaseFile, cfg AudioConfig) (Report, error) {
	if cfg.Ledger == nil || cfg.NewSegmenter == nil || cfg.CallerVoices == nil || cfg.Dir == "" {
		return Report{}, errors.New("audio test: ledger, VAD, caller voices and a directory are required")
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	rig, err := newAudioRig(ctx, cfg)
	if err != nil {
		return Report{}, err
	}
	rep := Report{Level: "audio", Recognition: cfg.Recognition}
	if rep.Recognition == "" {
		rep.Recognition = StandInRecognition
	}
	type job struct {
		f *CaseFile
		c *Case
		i int
	}
	var jobs []job
	for _, f := range files {
		for i := range f.Cases {
			jobs = append(jobs, job{f, &f.Cases[i], len(jobs)})
		}
	}
	// synthesise every caller line and robot phrase before the first call,
	// two at a time: a slow engine (festival takes seconds per phrase on a
	// loaded machine) must neither leave a caller mute at its turn nor
	// stretch the robot's pause between phrases into the caller's turn
	warm := make(chan struct{}, 2)
	var wwg sync.WaitGroup
	for _, j := range jobs {
		wwg.Add(1)
		go func() {
			defer wwg.Done()
			warm <- struct{}{}
			defer func() { <-warm }()
			_ = rig.warm(ctx, sc, j.f, j.c) // an error fails the case when it runs
		}()
	}
	wwg.Wait()
	rep.Results = make([]CaseResult, len(jobs))
	gaps := make([][]time.Duration, len(jobs))
	sem := make(chan struct{}, max(1, cfg.Parallel))
	var wg sync.WaitGroup
	for _, j := range jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			rep.Results[j.i], gaps[j.i] = rig.run(ctx, sc, j.f, j.c, j.i)
		}()
	}
	wg.Wait()
	rig.close()
	var all []time.Duration
	for _, g := range gaps {
		all = append(all, g...)
	}
	sort.Slice(all, func(a, b int) bool { return all[a] < all[b] })
	if len(all) > 0 {
		rep.TurnGap = &TurnGap{N: len(all), P50: stats.Percentile(all, 50).Milliseconds(),
			P95: stats.Percentile(all, 95).Milliseconds(), Max: all[len(all)-1].Milliseconds()}
	}
	rep.finish(newCoverageCounter(sc))
	return rep, nil
}

// audioRig is the robot's UA and the simulated phones (one exchange per
// codec, so a case's codec is the call's), with one call path per clock.
type audioRig struct {
	cfg     AudioConfig
	ua      *telephony.UA
	callees map[string]*Callee
	mu      sync.Mutex
	flows   map[time.Time]*callflow.Flow
	voices  map[*Case]caseVoice
	cancel  context.CancelFunc
}

func newAudioRig(ctx context.Context, cfg AudioConfig) (*audioRig, error) {
	ctx, cancel := context.WithCancel(ctx)
	loop := []telephony.Listen{{Transport: "udp", Host: "127.0.0.1"}}
	r := &audioRig{cfg: cfg, callees: map[string]*Callee{}, flows: map[time.Time]*callflow.Flow{}, voices: map[*Case]caseVoice{}, cancel: cancel}
	ua, err := telephony.New(ctx, telephony.Config{Name: "dozvon-test", Listen: loop, RecordDir: filepath.Join(cfg.Dir, "recordings")}, cfg.Log)
	if err != nil {
		cancel()
		return nil, fmt.Errorf("audio test: robot UA: %w", err)
	}
	r.ua = ua
	for _, codec := range []string{"PCMU", "PCMA"} {
		c, err := NewCallee(ctx, telephony.Config{Name: "phones-" + strings.ToLower(codec), Listen: loop, Codecs: []string{codec}}, nil, cfg.Log)
		if err != nil {
			cancel()
			return nil, fmt.Errorf("audio test: simulated phones: %w", err)
		}
		r.callees[codec] = c
	}
	return r, nil
}

func (r *audioRig) close() {
	r.cancel()
	for _, c := range r.callees {
		c.Wait()
	}
	r.ua.Wait()
}

// flow is the production call path with a 230-FZ guard whose clock stands
// at now (the case's), on the run's ledger.
func (r *audioRig) flow(now time.Time) (*callflow.Flow, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if f, ok := r.flows[now]; ok {
		return f, nil
	}
	clk := clock.Fixed(now)
	g, err := compliance.NewGuard(compliance.Config{Ledger: r.cfg.Ledger, Clock: clk, Logger: r.cfg.Log})
	if err != nil {
		return nil, fmt.Errorf("audio test: guard: %w", err)
	}
	f, err := callflow.New(callflow.Config{UA: r.ua, Guard: g, Calls: r.cfg.Ledger, Clock: clk, Log: r.cfg.Log,
		Voice: r.cfg.Voice, NewSegmenter: r.cfg.NewSegmenter, RecordDir: filepath.Join(r.cfg.Dir, "first-audio"),
		TransferTo: "operator"})
	if err != nil {
		return nil, fmt.Errorf("audio test: call path: %w", err)
	}
	r.flows[now] = f
	return f, nil
}

// run places one case's call and checks it. i numbers the case's debtor
// and phone, so the cases of one run never share a 230-FZ ledger entry.
func (r *audioRig) run(ctx context.Context, sc *scripts.Script, f *CaseFile, c *Case, i int) (CaseResult, []time.Duration) {
	cr := CaseResult{Name: c.Name, Place: fmt.Sprintf("%s:%d", f.File, c.Line), Unconfirmed: c.Expect.Unconfirmed}
	fail := func(format string, a ...any) (CaseResult, []time.Duration) {
		cr.Reason = fmt.Sprintf(format, a...)
		return cr, nil
	}
	now, err := f.now(c)
	if err != nil {
		return fail("%v", err)
	}
	if err := r.warm(ctx, sc, f, c); err != nil { // done before the calls; here a no-op on the warm caches
		return fail("%v", err)
	}
	cv, err := r.voice(ctx, c)
	if err != nil {
		return fail("%v", err)
	}
	cr.Voice = cv.String()
	voice := WithRecordedLines(cv.voice, f, c) // items with audio: play their recording
	vars := f.vars(c)
	steps := c.Steps()
	codec := c.Audio.Codec
	if codec == "" {
		codec = "PCMU"
	}
	callee := r.callees[codec]
	flow, err := r.flow(now)
	if err != nil {
		return fail("%v", err)
	}
	phone := phonenum.MustParse(fmt.Sprintf("+7999%07d", i+1))
	// a person says a word on answering (over the robot's greeting, which
	// starts at once); the phone takes a transfer as a trunk does unless the
	// case makes it fail
	uri := callee.Phone(phone.String(), Behaviour{Ring: 200 * time.Millisecond, Steps: steps, Voice: voice, Noise: c.Audio.Noise,
		PromptEnd: promptEnd, Greeting: c.Audio.pickup(), GreetingAfter: pickupAfter, AcceptTransfer: !c.TransferFails})
	// the flow asks for the recognizer with the call's SIP Call-ID: the key
	// of the simulated phone's report and of its words on the board
	var sipCallID string
	var idMu sync.Mutex
	recognizer := func(callID string) asr.Recognizer {
		if callID != "" {
			idMu.Lock()
			sipCallID = callID
			idMu.Unlock()
		}
		if r.cfg.Recognizer != nil {
			return r.cfg.Recognizer(callID)
		}
		return callee.Board().Recognizer(callID)
	}
	cctx, cancel := context.WithTimeout(ctx, caseTimeout)
	defer cancel()
	rep, err := flow.Place(cctx, callflow.Request{To: uri, Phone: phone, DebtorID: fmt.Sprintf("audiotest-%d", i+1),
		Region: RegionAt(now), ScriptDoc: sc, Vars: vars, Location: now.Location(), CallerID: "74950000000",
		RingTimeout: 10 * time.Second, Recognizer: recognizer})
	if err != nil {
		return fail("the call was not placed: %v", err)
	}
	if rep.DialErr != nil {
		return fail("the call was not answered: %v", rep.DialErr)
	}
	cr.Result, cr.Outcome, cr.Seconds = rep.Result.Result, string(rep.Result.Outcome), rep.Duration.Round(100*time.Millisecond).Seconds()
	gaps := TurnGaps(rep.Result.Turns)
	if len(gaps) > 0 {
		cr.MaxTurnGap = slicesMax(gaps).Round(10 * time.Millisecond).String()
	}
	idMu.Lock()
	calleeRep, _ := callee.Report(sipCallID)
	idMu.Unlock()
	reason := ""
	if rep.RunErr != nil {
		reason = "run: " + rep.RunErr.Error()
	}
	if reason == "" {
		// said and not_said on the spoken prompts (checkSpoken), the rest as at text level
		e := c.Expect
		e.Said, e.NotSaid = nil, nil
		reason = check(e, rep.Result.Result, nil)
	}
	if reason == "" {
		reason = checkSpoken(c.Expect, promptsSaid(rep.Result.Turns))
	}
	if reason == "" {
		reason = checkAudio(sc, c.Expect, vars, rep.Result.Turns, gaps)
	}
	if reason == "" {
		cr.Passed = true
		return cr, gaps
	}
	cr.Reason = reason + " (path: " + strings.Join(rep.Result.Path, " → ") + ")"
	cr.Transcript = transcript(rep.Result.Turns, calleeRep.Said)
	if r.cfg.Keep != "" && rep.Record.RecordingPath != "" {
		dst := filepath.Join(r.cfg.Keep, fmt.Sprintf("%03d-%s.wav", i+1, slug(c.Name)))
		if err := copyFile(rep.Record.RecordingPath, dst); err != nil {
			cr.Transcript = append(cr.Transcript, "(recording not kept: "+err.Error()+")")
		} else {
			cr.Recording = dst
		}
	}
	return cr, gaps
}

// warm synthesises the case's caller lines in its voice and the robot's
// phrases as the case renders them, into their caches.
func (r *audioRig) warm(ctx context.Context, sc *scripts.Script, f *CaseFile, c *Case) error {
	if _, err := r.voice(ctx, c); err != nil {
		return err
	}
	now, err := f.now(c)
	if err != nil {
		return err
	}
	r.warmRobotVoice(ctx, sc, f.vars(c), now)
	return nil
}

// warmRobotVoice synthesises the script's phrases as this case renders
// them, into the robot voice's cache, so the robot's pauses between phrases
// are those of a warm production cache, not of synthesis on a loaded
// machine (a simulated caller would take such a pause for its turn).
// Phrases that need the call's slots render differently and stay cold.
func (r *audioRig) warmRobotVoice(ctx context.Context, sc *scripts.Script, vars map[string]any, now time.Time) {
	if r.cfg.Voice.Voice == nil {
		return
	}
	env := scripts.Env{Vars: merge(sc.Defaults, vars), Now: now, Verbalizer: scripts.Spoken{}}
	for id := range sc.Phrases {
		if text, audio, err := sc.Render(id, env); err == nil && audio == "" && text != "" {
			_, _ = r.cfg.Voice.Voice.Synthesize(ctx, text)
		}
	}
}

// voice is the case's caller voice (chooseVoice), chosen once per run.
func (r *audioRig) voice(ctx context.Context, c *Case) (caseVoice, error) {
	r.mu.Lock()
	v, ok := r.voices[c]
	r.mu.Unlock()
	if ok {
		return v, nil
	}
	v, err := chooseVoice(ctx, r.cfg.CallerVoices, c, r.cfg.NewSegmenter)
	if err != nil {
		return v, err
	}
	r.mu.Lock()
	r.voices[c] = v
	r.mu.Unlock()
	return v, nil
}

func slicesMax(d []time.Duration) time.Duration {
	m := d[0]
	for _, x := range d[1:] {
		m = max(m, x)
	}
	return m
}

// promptsSaid is the text of every prompt the robot played.
func promptsSaid(turns []robot.Turn) []string {
	var out []string
	for _, t := range turns {
		if t.Who == robot.WhoRobot {
			out = append(out, t.Text)
		}
	}
	return out
}

// transcript is both sides of a call: the robot's prompts and what it
// heard, then what the simulated caller actually said.
func transcript(turns []robot.Turn, callerSaid []string) []string {
	var out []string
	for _, t := range turns {
		switch {
		case t.Who == robot.WhoRobot:
			cut := ""
			if t.BargedIn {
				cut = " [interrupted]"
			}
			out = append(out, fmt.Sprintf("robot  [%s] %s%s", t.Node, t.Text, cut))
		case t.Kind == "speech" || t.Kind == "dtmf":
			intent := ""
			if t.Intent != "" {
				intent = " → " + t.Intent
			}
			out = append(out, fmt.Sprintf("heard  [%s] %s: %q%s", t.Node, t.Kind, t.Text, intent))
		default:
			out = append(out, fmt.Sprintf("heard  [%s] %s", t.Node, t.Kind))
		}
	}
	if len(callerSaid) > 0 {
		out = append(out, "caller said: "+strings.Join(callerSaid, " | "))
	}
	return out
}

var notSlug = regexp.MustCompile(`[^\p{L}\p{N}]+`)

func slug(s string) string {
	s = strings.Trim(notSlug.ReplaceAllString(strings.ToLower(s), "-"), "-")
	if r := []rune(s); len(r) > 60 {
		s = string(r[:60])
	}
	return s
}

func copyFile(src, dst string) error {
	data, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	return os.WriteFile(dst, data, 0o644)
}

// RegionAt is a federal subject whose local time has now's UTC offset, so
// the guard judges the call in the case's zone (Moscow when none matches).
func RegionAt(now time.Time) string {
	_, off := now.Zone()
	for _, name := range compliance.SubjectNames() {
		loc, err := compliance.ResolveRegion(name, "")
		if err != nil || len(loc.Zones) != 1 {
			continue
		}
		if _, o := now.In(compliance.DialogueZone(name)).Zone(); o == off {
			return name
		}
	}
	return "г. Москва"
}
