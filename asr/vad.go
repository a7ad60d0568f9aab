package asr

import (
	"fmt"
	"math"
	"time"

	"gonum.org/v1/gonum/dsp/fourier"
)

// VADConfig configures a Segmenter. Zero fields take the defaults named on each field.
type VADConfig struct {
	// SampleRate of the frames in Hz (default 8000).
	SampleRate int
	// StartVoiced is how much continuous voiced audio starts an utterance (default 100 ms).
	StartVoiced time.Duration
	// EndSilence is the trailing silence that ends an utterance (default 700 ms).
	EndSilence time.Duration
	// MaxUtterance cuts an utterance that goes on longer than this (default 15 s).
	MaxUtterance time.Duration
	// PreRoll is the audio before the first voiced frame that is fed with it (default 300 ms),
	// so that the recognizer also hears a soft onset ("с-", "ш-") and a little silence.
	PreRoll time.Duration
	// ThresholdDB is how far above the adaptive noise floor a frame must be to be active
	// (default 9 dB).
	ThresholdDB float64
	// MinLevelDB is the level (dBFS) below which a frame is never active (default -55 dBFS).
	MinLevelDB float64
}

// DefaultVADConfig returns the defaults documented on VADConfig's fields.
func DefaultVADConfig() VADConfig {
	return VADConfig{
		SampleRate:   8000,
		StartVoiced:  100 * time.Millisecond,
		EndSilence:   700 * time.Millisecond,
		MaxUtterance: 15 * time.Second,
		PreRoll:      300 * time.Millisecond,
		ThresholdDB:  9,
		MinLevelDB:   -55,
	}
}

func (c VADConfig) withDefaults() (VADConfig, error) {
	d := DefaultVADConfig()
	if c.SampleRate == 0 {
		c.SampleRate = d.SampleRate
	}
	if c.StartVoiced == 0 {
		c.StartVoiced = d.StartVoiced
	}
	if c.EndSilence == 0 {
		c.EndSilence = d.EndSilence
	}
	if c.MaxUtterance == 0 {
		c.MaxUtterance = d.MaxUtterance
	}
	if c.PreRoll == 0 {
		c.PreRoll = d.PreRoll
	}
	if c.ThresholdDB == 0 {
		c.ThresholdDB = d.ThresholdDB
	}
	if c.MinLevelDB == 0 {
		c.MinLevelDB = d.MinLevelDB
	}
	switch {
	case c.SampleRate < 4000 || c.SampleRate > 48000:
		return c, fmt.Errorf("asr: vad config: SampleRate %d Hz out of range 4000..48000", c.SampleRate)
	case c.StartVoiced < 0:
		return c, fmt.Errorf("asr: vad config: StartVoiced %v is negative", c.StartVoiced)
	case c.EndSilence < 0:
		return c, fmt.Errorf("asr: vad config: EndSilence %v is negative", c.EndSilence)
	case c.MaxUtterance < 0:
		return c, fmt.Errorf("asr: vad config: MaxUtterance %v is negative", c.MaxUtterance)
	case c.PreRoll < 0:
		return c, fmt.Errorf("asr: vad config: PreRoll %v is negative", c.PreRoll)
	case c.PreRoll > 5*time.Second:
		return c, fmt.Errorf("asr: vad config: PreRoll %v is longer than 5s", c.PreRoll)
	case c.ThresholdDB < 0 || c.ThresholdDB > 60:
		return c, fmt.Errorf("asr: vad config: ThresholdDB %v out of range 0..60", c.ThresholdDB)
	case c.MinLevelDB > 0 || c.MinLevelDB < -96:
		return c, fmt.Errorf("asr: vad config: MinLevelDB %v out of range -96..0 dBFS", c.MinLevelDB)
	case c.MaxUtterance <= c.StartVoiced:
		return c, fmt.Errorf("asr: vad config: MaxUtterance %v must exceed StartVoiced %v", c.MaxUtterance, c.StartVoiced)
	}
	return c, nil
}

// Event is what a Segmenter reports for a frame.
type Event int

const (
	// NoEvent: nothing changed.
	NoEvent Event = iota
	// SpeechStart: an utterance started; feed holds the pre-roll and the voiced frames
	// that started it.
	SpeechStart
	// SpeechEnd: the utterance ended after EndSilence of trailing silence; this frame,
	// the last of the silence, is still in feed. Call the recognizer's Final next.
	SpeechEnd
	// MaxLength: the utterance reached MaxUtterance and was cut; this frame is still in
	// feed. Call Final; if the speaker goes on, a new SpeechStart follows.
	MaxLength
)

func (e Event) String() string {
	switch e {
	case NoEvent:
		return "none"
	case SpeechStart:
		return "speech-start"
	case SpeechEnd:
		return "speech-end"
	case MaxLength:
		return "max-length"
	}
	return fmt.Sprintf("Event(%d)", int(e))
}

// Frame classification thresholds. They were chosen by measuring frames of the 367 real
// Russian voice prompts in Debian's asterisk-core-sounds-ru-wav against synthetic 425 Hz
// tones, dual tones and white noise (see vad_test.go for the checks that keep them honest):
//   - a frame is tonal when ≥ 90 % of its energy sits in two spectral peaks, its (3-bin
//     smoothed) magnitude spectrum differs from the previous frame's by a cosine distance
//     < 0.005 and its level by < 1 dB: true of steady call-progress tones, dual tones and DTMF
//     (also with noise 20 dB below), and of about 4 % of speech frames, in runs mostly under
//     80 ms (sustained vowels);
//   - a frame is noise-like when its spectral flatness is ≥ 0.4: true of ~90 % of white-noise
//     frames and under 1 % of speech frames.
const (
	tonalPeakShare  = 0.90
	tonalMaxChange  = 0.005
	tonalMaxLevelDB = 1.0
	noiseFlatness   = 0.4
	// digital silence is clamped to this level so the floor stays finite.
	silenceDB = -100.0
	// voiceBandLowHz is the high-pass cut-off before levels and spectra are
	// taken (see HighPass): below it a phone line carries rumble, not speech.
	voiceBandLowHz = 200.0
	// steadyFrames of voiced frames (1 s at 20 ms) whose level varies by
	// less than steadyStdDB are noise, not speech (see steady)
	steadyFrames = 50
	steadyStdDB  = 2.5
	// noise floor dynamics, in dB per second: it falls quickly to quieter audio, rises slowly
	// towards louder non-speech audio (absorbing steady noise in a few seconds) and very
	// slowly during speech.
	floorFallShare     = 0.3 // of the distance, per 20 ms
	floorRiseDBPerSec  = 5.0
	floorSpeechRiseDBs = 0.5
)

// Segmenter is a voice-activity detector with endpointing for one call's incoming audio.
// It classifies each frame by energy against an adaptive noise floor, rejects steady tones
// (spectral concentration and stationarity) and noise-like frames (spectral flatness), and
// turns the result into utterances: start after StartVoiced of voiced frames, end after
// EndSilence of trailing silence, cut at MaxUtterance. Only audio around speech is handed
// back for the recognizer: the pre-roll at start, then every frame until the end.
//
// It is not safe for concurrent use; one Segmenter belongs to one call's media loop.
//
// Hand-written rather than a library: the Go VADs found (ports of WebRTC's VAD) all need cgo,
// and the pure-Go Silero port (zserge/govad) wants 32 ms frames at 16 kHz and runs an LSTM per
// frame, while 500 calls × 50 frames/s on 2 cores leave a VAD a few µs per frame (this one:
// ~1 µs for a quiet frame, most of it the voice-band filter, 2.6–4.1 µs for a speech frame
// on this 2-core machine; BenchmarkSegmenterFrame). The FFT is
// gonum's.
type Segmenter struct {
	cfg VADConfig

	// durations in samples
	startVoiced, endSilence, maxUtt, preRoll int

	// adaptive noise floor in dBFS; NaN until the first frame
	floor float64

	// spectral analysis, sized for the last frame length seen
	fft   *fourier.FFT
	win   []float64
	buf   []float64
	hp    *HighPass // levels and spectra are taken on the voice band
	hpBuf []float64
	// levels of the current run of voiced frames (steady)
	steadyLvl                       [steadyFrames]float64
	steadyN                         int
	steadySum, steadySq, steadyMean float64
	coeffs                          []complex128
	pow                             []float64
	mag                             []float64
	prevMag                         []float64
	prevOK                          bool // prevMag is from the immediately preceding frame
	prevLvl                         float64
	frameLen                        int

	speaking   bool
	run        int // samples in the current run of voiced frames (silence state)
	trailing   int // trailing silent samples (speech state)
	uttSamples int // samples since the utterance's first voiced frame

	// pre-roll ring: copies of recent frames while silent
	ring     [][]int16
	ringLen  int // samples in ring
	free     [][]int16
	lent     [][]int16 // ring buffers handed out in the last feed; recycled on the next Push
	feedBuf  [][]int16
	received int64
	fed      int64
}

// NewSegmenter returns a Segmenter for cfg (zero fields take defaults), or an error naming the
// bad field.
func NewSegmenter(cfg VADConfig) (*Segmenter, error) {
	c, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	samples := func(d time.Duration) int {
		return int(d * time.Duration(c.SampleRate) / time.Second)
	}
	return &Segmenter{
		cfg:         c,
		startVoiced: samples(c.StartVoiced),
		endSilence:  samples(c.EndSilence),
		maxUtt:      samples(c.MaxUtterance),
		preRoll:     samples(c.PreRoll),
		floor:       math.NaN(),
		hp:          NewHighPass(voiceBandLowHz, c.SampleRate),
	}, nil
}

// Config returns the effective configuration (defaults applied).
func (s *Segmenter) Config() VADConfig { return s.cfg }

// Speaking reports whether an utterance is in progress.
func (s *Segmenter) Speaking() bool { return s.speaking }

// Stats returns how much audio was pushed and how much was handed back for the recognizer.
func (s *Segmenter) Stats() (received, fed time.Duration) {
	return s.dur(s.received), s.dur(s.fed)
}

// NoiseFloor returns the current noise-floor estimate in dBFS (NaN before the first frame).
func (s *Segmenter) NoiseFloor() float64 { return s.floor }

func (s *Segmenter) dur(samples int64) time.Duration {
	return time.Duration(samples) * time.Second / time.Duration(s.cfg.SampleRate)
}

// Push takes the next frame of the call's incoming audio (20 ms = 160 samples at 8 kHz is the
// intended size; any length works) and returns the event it caused and the audio to feed to the
// recognizer now, in order: feed first, then act on the event. The feed slices are valid until
// the next Push (they may alias frame or the Segmenter's buffers).
func (s *Segmenter) Push(frame []int16) (ev Event, feed [][]int16) {
	for _, b := range s.lent {
		s.free = append(s.free, b)
	}
	s.lent = s.lent[:0]
	feed = s.feedBuf[:0]
	n := len(frame)
	if n == 0 {
		return NoEvent, nil
	}
	s.received += int64(n)
	voiced := s.classify(frame)
	secs := float64(n) / float64(s.cfg.SampleRate)

	rate := floorRiseDBPerSec
	if voiced {
		rate = floorSpeechRiseDBs
	}
	s.adaptFloor(secs, rate)
	if s.steady(voiced) {
		// a second of "speech" at a level that does not move is the line's
		// noise: the floor takes it at once, so the utterance ends
		s.floor = s.steadyMean
		voiced = false
	}

	if !s.speaking {
		if voiced {
			s.run += n
		} else {
			s.run = 0
		}
		s.pushRing(frame)
		if s.run == 0 || s.run < s.startVoiced {
			return NoEvent, nil
		}
		// Speech starts at the run's first frame; hand over the pre-roll before it and the run.
		s.speaking = true
		s.trailing = 0
		s.uttSamples = s.run
		s.run = 0
		for _, b := range s.ring {
			feed = append(feed, b)
			s.fed += int64(len(b))
		}
		s.lent = append(s.lent, s.ring...)
		s.ring = s.ring[:0]
		s.ringLen = 0
		s.feedBuf = feed
		return SpeechStart, feed
	}

	feed = append(feed, frame)
	s.feedBuf = feed
	s.fed += int64(n)
	s.uttSamples += n
	// Only voiced frames hold the utterance open: tones and noise-like frames count as silence
	// (a fricative inside a word is far shorter than EndSilence).
	if voiced {
		s.trailing = 0
	} else {
		s.trailing += n
	}
	switch {
	case s.trailing >= s.endSilence:
		s.speaking = false
		return SpeechEnd, feed
	case s.uttSamples >= s.maxUtt:
		s.speaking = false
		return MaxLength, feed
	}
	return NoEvent, feed
}

// steady reports a full steadyFrames of voiced frames whose levels stay
// within steadyStdDB (standard deviation): speech is never that even — its
// syllables swing the level (1 s windows of the Asterisk Russian prompts
// where every frame is loud: standard deviation 4.0 dB at the 1st
// percentile, 7.6 dB median) — while steady noise is (brown or white noise:
// 0.4–1.1 dB). It keeps the running sums of the last levels.
func (s *Segmenter) steady(voiced bool) bool {
	if !voiced {
		s.steadyN, s.steadySum, s.steadySq = 0, 0, 0
		return false
	}
	lvl := s.prevLvl
	i := s.steadyN % steadyFrames
	if s.steadyN >= steadyFrames {
		old := s.steadyLvl[i]
		s.steadySum -= old
		s.steadySq -= old * old
	}
	s.steadyLvl[i] = lvl
	s.steadySum += lvl
	s.steadySq += lvl * lvl
	s.steadyN++
	if s.steadyN < steadyFrames {
		return false
	}
	mean := s.steadySum / steadyFrames
	variance := s.steadySq/steadyFrames - mean*mean
	if variance > steadyStdDB*steadyStdDB {
		return false
	}
	s.steadyMean = mean
	s.steadyN, s.steadySum, s.steadySq = 0, 0, 0
	return true
}

// adaptFloor moves the noise floor towards the last frame's level (s.prevLvl): down quickly,
// up at riseDBPerSec. The first frame sets it, but never above MinLevelDB, so that a callee who
// speaks at once ("Алло?") is not taken for the background.
func (s *Segmenter) adaptFloor(secs, riseDBPerSec float64) {
	lvl := s.prevLvl
	switch {
	case math.IsNaN(s.floor):
		s.floor = math.Min(lvl, s.cfg.MinLevelDB)
	case lvl < s.floor:
		s.floor += (lvl - s.floor) * (1 - math.Pow(1-floorFallShare, secs/0.02))
	default:
		s.floor = math.Min(lvl, s.floor+riseDBPerSec*secs)
	}
}

// pushRing keeps copies of the frames of the last PreRoll plus the current voiced run.
func (s *Segmenter) pushRing(frame []int16) {
	var b []int16
	if k := len(s.free); k > 0 {
		b = s.free[k-1][:0]
		s.free = s.free[:k-1]
	}
	b = append(b, frame...)
	s.ring = append(s.ring, b)
	s.ringLen += len(b)
	keep := s.preRoll + s.run // the newest s.run samples are the voiced run
	for len(s.ring) > 1 && s.ringLen-len(s.ring[0]) >= keep {
		s.ringLen -= len(s.ring[0])
		s.free = append(s.free, s.ring[0])
		// shift rather than reslice, so the ring's array is reused without growing
		copy(s.ring, s.ring[1:])
		s.ring[len(s.ring)-1] = nil
		s.ring = s.ring[:len(s.ring)-1]
	}
}

// classify computes the frame's level and spectral features, updates s.prevLvl/prevMag, and
// reports whether the frame is voiced: active (above the floor by ThresholdDB and above
// MinLevelDB), not tonal and not noise-like.
func (s *Segmenter) classify(frame []int16) (voiced bool) {
	band := s.hp.Filter(frame, s.hpBuf)
	s.hpBuf = band
	var sum float64
	for _, f := range band {
		sum += f * f
	}
	lvl := silenceDB
	if sum > 0 {
		lvl = math.Max(silenceDB, 10*math.Log10(sum/float64(len(frame))/(32768*32768)))
	}
	prevLvl := s.prevLvl
	s.prevLvl = lvl
	floor := s.floor
	if math.IsNaN(floor) {
		floor = math.Min(lvl, s.cfg.MinLevelDB)
	}
	if lvl < s.cfg.MinLevelDB || lvl < floor+s.cfg.ThresholdDB {
		s.prevOK = false
		return false
	}
	share, change, flat := s.spectrum(band)
	tonal := share >= tonalPeakShare && change < tonalMaxChange && math.Abs(lvl-prevLvl) < tonalMaxLevelDB
	return !tonal && flat < noiseFlatness
}

// spectrum returns the share of energy in the two strongest peaks (each ±1 bin), the cosine
// distance between this frame's magnitude spectrum and the previous frame's (1 when there was
// no analysed previous frame), and the spectral flatness (geometric over arithmetic mean power).
func (s *Segmenter) spectrum(frame []float64) (share, change, flat float64) {
	n := len(frame)
	if n < 8 {
		s.prevOK = false
		return 0, 1, 1 // too short to analyse: neither tonal nor voiced
	}
	if n != s.frameLen {
		s.frameLen = n
		s.fft = fourier.NewFFT(n)
		s.win = make([]float64, n)
		for i := range s.win {
			s.win[i] = 0.5 - 0.5*math.Cos(2*math.Pi*float64(i)/float64(n))
		}
		s.buf = make([]float64, n)
		s.coeffs = make([]complex128, n/2+1)
		s.pow = make([]float64, n/2+1)
		s.mag = make([]float64, n/2+1)
		s.prevMag = make([]float64, n/2+1)
		s.prevOK = false
	}
	for i, v := range frame {
		s.buf[i] = v * s.win[i]
	}
	s.coeffs = s.fft.Coefficients(s.coeffs, s.buf)
	// s.pow[k]: power of bin k (DC skipped); s.mag[k]: magnitude of bins k-1..k+1 together,
	// which makes the stationarity test see two close tones (350+440 Hz) beating inside one
	// 20 ms frame as steady.
	var total, logSum float64
	bins := len(s.coeffs) - 1
	for k := 1; k < len(s.coeffs); k++ {
		c := s.coeffs[k]
		p := real(c)*real(c) + imag(c)*imag(c)
		s.pow[k] = p
		total += p
		logSum += math.Log(p + 1e-3) // the 1e-3 keeps log finite for a band of digital silence
	}
	flat = math.Exp(logSum/float64(bins)) / (total/float64(bins) + 1e-3)
	var dot, a2, b2 float64
	for k := 1; k < len(s.pow); k++ {
		band := s.pow[k]
		if k > 1 {
			band += s.pow[k-1]
		}
		if k+1 < len(s.pow) {
			band += s.pow[k+1]
		}
		m := math.Sqrt(band)
		s.mag[k] = m
		dot += m * s.prevMag[k]
		a2 += m * m
		b2 += s.prevMag[k] * s.prevMag[k]
	}
	change = 1
	if s.prevOK && a2 > 0 && b2 > 0 {
		change = 1 - dot/math.Sqrt(a2*b2)
	}
	var best, second float64
	for k := 2; k < len(s.pow)-1; k++ {
		p := s.pow[k]
		if p >= s.pow[k-1] && p > s.pow[k+1] {
			e := s.pow[k-1] + p + s.pow[k+1]
			if e > best {
				best, second = e, best
			} else if e > second {
				second = e
			}
		}
	}
	if total > 0 {
		share = (best + second) / total
	}
	s.mag, s.prevMag = s.prevMag, s.mag
	s.prevOK = true
	return share, change, flat
}
