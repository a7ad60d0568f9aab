package detect

import (
	"math"

	"gonum.org/v1/gonum/dsp/fourier"
)

// SampleRate is the only rate the classifier accepts: narrow-band telephony.
const SampleRate = 8000

// Tone analysis bank: Goertzel filters every 25 Hz across the telephone band.
// A sinusoid between two filters loses at most ~1 dB at a 20 ms frame, so a
// pure tone keeps a purity near 1 while speech (energy spread over many
// harmonics and formants) stays well below.
const (
	bankLowHz  = 300
	bankHighHz = 3400
	bankStepHz = 25
)

// frameInfo is what one frame says about the line.
type frameInfo struct {
	db     float64 // frame energy, dBFS
	smooth float64 // energy of the last floorSmooth frames, dBFS
	voiced bool    // clearly above the noise floor
	tonal  bool    // one frequency holds most of the energy
	freq   float64 // strongest bank frequency (valid when tonal)
	purity float64 // share of the energy at freq, 0..1
	// harmonic: the tonal component has a voice's neighbours (harmonicVoice)
	harmonic bool
	fine     float64 // the component's frequency to fineStepHz (tonal frames)
	// samples: the frame itself, for the tone tracker to look at one
	// frequency in the frames after a tone (toneTracker.pending); valid only
	// during the push that receives it
	samples []int16
}

// analyzer turns 8 kHz frames into frameInfo. It keeps a running noise floor,
// so it belongs to one call (one direction of audio). It is not
// asr.Segmenter: that one decides utterances for the recognizer (with a
// 100 ms start and 700 ms hangover) and hides tones, while the classifier
// needs every frame's energy and the frequency of the tones themselves
// (beeps, SIT, CED) to time greetings and pauses to the frame.
type analyzer struct {
	floorDB float64
	recent  [floorWindow]float64 // smoothed frame energies, a ring buffer
	power   [floorSmooth]float64 // linear power of the last frames
	n       int                  // frames seen
	coeffs  []float64
	freqs   []float64

	// The bank's frequencies are the bins of a bankFFTLen-point DFT, so a
	// frame of at most that many samples, zero-padded, gives every filter's
	// power from one real FFT: the same |X(f)|² the Goertzel filters
	// compute, at a tenth of the cost on 20 ms frames (the bank runs on
	// every voiced frame of every call, beep watch included).
	fft  *fourier.FFT
	pad  []float64
	bins []complex128
}

// bankFFTLen is the DFT length whose bins fall every bankStepHz.
const bankFFTLen = SampleRate / bankStepHz

func newAnalyzer() *analyzer {
	a := &analyzer{floorDB: floorMinDB}
	for f := float64(bankLowHz); f <= bankHighHz; f += bankStepHz {
		a.freqs = append(a.freqs, f)
		a.coeffs = append(a.coeffs, 2*math.Cos(2*math.Pi*f/SampleRate))
	}
	a.fft = fourier.NewFFT(bankFFTLen)
	a.pad = make([]float64, bankFFTLen)
	a.bins = make([]complex128, bankFFTLen/2+1)
	return a
}

// strongest returns the bank frequency with the most power in frame and that
// power; ties go to the lower frequency, as in the Goertzel scan.
func (a *analyzer) strongest(frame []int16) (best, freq float64) {
	if len(frame) > bankFFTLen {
		for i, c := range a.coeffs {
			if p := goertzel(frame, c); p > best {
				best, freq = p, a.freqs[i]
			}
		}
		return best, freq
	}
	for i, x := range frame {
		a.pad[i] = float64(x)
	}
	clear(a.pad[len(frame):])
	a.bins = a.fft.Coefficients(a.bins, a.pad)
	for k := bankLowHz / bankStepHz; k <= bankHighHz/bankStepHz; k++ {
		c := a.bins[k]
		if p := real(c)*real(c) + imag(c)*imag(c); p > best {
			best, freq = p, float64(k*bankStepHz)
		}
	}
	return best, freq
}

// Voicing thresholds: a frame is "voiced" when it is both loud in absolute
// terms and well above the running noise floor.
// The noise floor is the quietest stretch of floorSmooth frames in the last
// floorWindow frames (minimum statistics on a short moving average): it
// follows line noise within two seconds, and a phrase, which always has
// quieter gaps, does not lift it. The average matters on noisy lines: the
// power of single 20 ms frames of low-frequency (brown, pink) noise swings by
// ±7 dB, and the minimum of raw frames sat so far below the noise that the
// noise itself counted as speech.
const (
	floorSmooth   = 4 // frames: 80 ms
	minVoicedDB   = -50
	voicedOverDB  = 10
	floorWindow   = 100 // frames: 2 s
	floorMinDB    = -75
	tonePurityMin = 0.6
)

func (a *analyzer) analyze(frame []int16) frameInfo {
	if len(frame) == 0 {
		return frameInfo{db: -120}
	}
	var sumsq float64
	for _, s := range frame {
		v := float64(s) / 32768
		sumsq += v * v
	}
	pow := sumsq / float64(len(frame))
	db := 10 * math.Log10(pow+1e-12)
	a.power[a.n%floorSmooth] = pow
	var avg float64
	k := min(a.n+1, floorSmooth)
	for _, p := range a.power[:k] {
		avg += p
	}
	a.recent[a.n%floorWindow] = 10 * math.Log10(avg/float64(k)+1e-12)
	a.n++
	a.floorDB = db
	for _, v := range a.recent[:min(a.n, floorWindow)] {
		a.floorDB = math.Min(a.floorDB, v)
	}
	a.floorDB = math.Max(a.floorDB, floorMinDB)
	fi := frameInfo{db: db, smooth: a.recent[(a.n-1)%floorWindow], samples: frame}
	fi.voiced = db > minVoicedDB && db > a.floorDB+voicedOverDB
	if !fi.voiced {
		return fi
	}
	n := float64(len(frame))
	var bestP float64
	bestP, fi.freq = a.strongest(frame)
	fi.purity = bestP / (n / 2 * sumsq * 32768 * 32768)
	fi.tonal = fi.purity >= tonePurityMin
	if fi.tonal {
		// every tonal frame, not only low ones: a siren's wail turning at the
		// top of its glide holds one bank filter for 120-300 ms, and only its
		// fine frequency shows it gliding (round 15: heldout13 persons with a
		// siren passing taken for a 1340 Hz voicemail beep)
		fi.fine = fineFreq(frame, fi.freq)
		if fi.freq < harmonicCheckHz {
			fi.harmonic = harmonicVoice(frame, fi.freq)
		}
	}
	return fi
}

// A voice's vowel can put most of a frame's energy into one harmonic (a
// muffled handset, a boomy speakerphone): a "tone" at 500-600 Hz that is
// the 2nd-4th harmonic of the pitch. A generated beep is a pure tone; a
// harmonic has the pitch's other harmonics beside it. Up to harmonicCheckHz
// the classifier looks for them (round 11: heldout9-line hu13, "beep 503 Hz
// 160 ms", and heldout10-line hu20, "beep 558 Hz 120 ms", were persons).
const (
	harmonicCheckHz = 1000.0
	minPitchHz      = 110.0 // lower pitches put the neighbours inside the window's main lobe
	maxPitchHz      = 400.0
	// both neighbours within 20 dB of the component: a pure tone's window
	// leakage two bins away is over 30 dB down
	neighbourRatio = 0.01
)

// harmonicVoice reports whether the component at f has components at f-F0
// and f+F0 for a pitch F0 that makes f its k-th harmonic (k ≥ 2): a
// harmonic series, which a beep (one sine) does not have and a dual-tone
// signal (two unrelated sines) has on one side only. Hann-windowed, so a
// pure tone leaks little into the neighbours.
func harmonicVoice(frame []int16, f float64) bool {
	p := hannPower(frame, f)
	if p <= 0 {
		return false
	}
	for k := 2; f/float64(k) >= minPitchHz; k++ {
		f0 := f / float64(k)
		if f0 > maxPitchHz {
			continue
		}
		if hannPower(frame, f-f0) >= p*neighbourRatio && hannPower(frame, f+f0) >= p*neighbourRatio {
			return true
		}
	}
	return false
}

// fineStepHz is the resolution of fineFreq.
const fineStepHz = 2.5

// fineFreq finds the component's frequency within half a bank step of f, to
// fineStepHz: the peak of the Hann-windowed spectrum.
func fineFreq(frame []int16, f float64) float64 {
	best, at := -1.0, f
	for d := -bankStepHz / 2.0; d <= bankStepHz/2.0; d += fineStepHz {
		if p := hannPower(frame, f+d); p > best {
			best, at = p, f+d
		}
	}
	return at
}

// nearToneDB is the level, in dBFS as frameInfo.db counts a pure tone, of
// the strongest component within nearToneHz of f: a tone that goes on after
// a run ends (under speech, or drifting out of the run's filter) still shows
// there.
func nearToneDB(frame []int16, f float64) float64 {
	if len(frame) == 0 {
		return -120
	}
	var best float64
	for d := -nearToneHz; d <= nearToneHz; d += nearToneStepHz {
		best = math.Max(best, hannPower(frame, f+d))
	}
	// a sine of amplitude A peaks at A·N/4 in the Hann-windowed DFT; its
	// power is A²/2
	n := float64(len(frame))
	return 10 * math.Log10(8*best/(n*n*32768*32768)+1e-12)
}

// nearToneHz: how far a background tone (a kettle's whistle rising ~10 Hz
// a frame with a flutter, a siren) may drift in the few frames after a run;
// a Hann window on 20 ms has its main lobe ±100 Hz, so 12.5 Hz steps lose
// well under a decibel.
const (
	nearToneHz     = 100.0
	nearToneStepHz = 12.5
)

// hannPower is the squared magnitude of the Hann-windowed frame at f.
func hannPower(frame []int16, f float64) float64 {
	coeff := 2 * math.Cos(2*math.Pi*f/SampleRate)
	var s1, s2 float64
	n := float64(len(frame))
	for i, x := range frame {
		w := 0.5 - 0.5*math.Cos(2*math.Pi*float64(i)/(n-1))
		s0 := w*float64(x) + coeff*s1 - s2
		s2, s1 = s1, s0
	}
	return s1*s1 + s2*s2 - coeff*s1*s2
}

// goertzel returns the squared magnitude of one DFT term of frame at the
// frequency whose coefficient is 2cos(2πf/fs). Hand-written: it is six lines,
// and no well-kept Go library offers a single-bin Goertzel on int16 frames.
func goertzel(frame []int16, coeff float64) float64 {
	var s1, s2 float64
	for _, x := range frame {
		s0 := float64(x) + coeff*s1 - s2
		s2, s1 = s1, s0
	}
	return s1*s1 + s2*s2 - coeff*s1*s2
}
