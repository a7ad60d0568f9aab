package asr

import (
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dozvon/dozvon/asr/internal/testaudio"
)

const frameLen = 160 // 20 ms at 8 kHz

// span is one utterance as seen from the outside of a Segmenter, in samples of the input.
type span struct {
	fedFrom  int   // first input sample handed to the recognizer (start of the pre-roll)
	startAt  int   // end of the frame that raised SpeechStart
	endAt    int   // end of the frame that raised SpeechEnd/MaxLength; -1 if open
	endEvent Event // SpeechEnd or MaxLength
}

func (s span) String() string {
	ms := func(n int) string { return testaudio.Duration(n).Round(time.Millisecond).String() }
	return fmt.Sprintf("[fed from %s, start event %s, %s at %s]", ms(s.fedFrom), ms(s.startAt), s.endEvent, ms(s.endAt))
}

// run pushes audio through a new Segmenter frame by frame and checks the bookkeeping that must
// hold for any input: events alternate start/end, feed is contiguous input audio, and the
// counters match what was handed out.
func run(t *testing.T, cfg VADConfig, audio []int16) ([]span, *Segmenter) {
	t.Helper()
	seg, err := NewSegmenter(cfg)
	if err != nil {
		t.Fatalf("NewSegmenter: %v", err)
	}
	var spans []span
	pos, fed := 0, 0
	for _, f := range testaudio.Frames(audio, frameLen) {
		ev, feed := seg.Push(f)
		pos += len(f)
		n := 0
		for _, b := range feed {
			n += len(b)
		}
		fed += n
		switch ev {
		case SpeechStart:
			if len(spans) > 0 && spans[len(spans)-1].endAt < 0 {
				t.Fatalf("speech start at %d while an utterance is open", pos)
			}
			// feed must be exactly the input's last n samples
			got := make([]int16, 0, n)
			for _, b := range feed {
				got = append(got, b...)
			}
			if want := audio[pos-n : pos]; !equal(got, want) {
				t.Fatalf("feed at speech start is not the last %d input samples", n)
			}
			spans = append(spans, span{fedFrom: pos - n, startAt: pos, endAt: -1})
		case SpeechEnd, MaxLength:
			if len(spans) == 0 || spans[len(spans)-1].endAt >= 0 {
				t.Fatalf("%s at %d with no open utterance", ev, pos)
			}
			spans[len(spans)-1].endAt, spans[len(spans)-1].endEvent = pos, ev
		}
		if seg.Speaking() || ev == SpeechEnd || ev == MaxLength {
			if ev != SpeechStart && (len(feed) != 1 || &feed[0][0] != &f[0]) {
				t.Fatalf("during speech feed must be the pushed frame, got %d slices", len(feed))
			}
		} else if ev == NoEvent && len(feed) != 0 {
			t.Fatalf("feed of %d slices while silent", len(feed))
		}
	}
	rec, fd := seg.Stats()
	if rec != testaudio.Duration(pos) || fd != testaudio.Duration(fed) {
		t.Fatalf("Stats() = %v received, %v fed; pushed %v, handed out %v", rec, fd, testaudio.Duration(pos), testaudio.Duration(fed))
	}
	return spans, seg
}

func equal(a, b []int16) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// piece is a stretch of speech placed in a test signal: [on, off) in samples.
type piece struct{ on, off int }

// place builds silence with speech clips placed at the given offsets, and returns where the
// speech really is (its ground truth, from the clean clip).
func place(total time.Duration, clips [][]int16, at []time.Duration) ([]int16, []piece) {
	audio := testaudio.Silence(total)
	var truth []piece
	for i, c := range clips {
		off := testaudio.Samples(at[i])
		audio = testaudio.Mix(audio, c, off)
		first, last := testaudio.SpeechBounds(c, -45)
		truth = append(truth, piece{off + first, off + last})
	}
	return audio, truth
}

func TestSegmenterSpeechBoundaries(t *testing.T) {
	const s = time.Second
	prompt := testaudio.LoadWAV(t, filepath.Join(testaudio.AsteriskRU, "agent-pass.wav"))
	other := testaudio.LoadWAV(t, filepath.Join(testaudio.AsteriskRU, "vm-intro.wav"))
	da := testaudio.Speak(t, "Да, это я.")
	net := testaudio.Speak(t, "Нет, вы ошиблись номером.")
	cfg := DefaultVADConfig()

	type tc struct {
		name  string
		audio []int16
		truth []piece
	}
	var tests []tc
	add := func(name string, total time.Duration, clips [][]int16, at []time.Duration, background []int16) {
		audio, truth := place(total, clips, at)
		if background != nil {
			audio = testaudio.Mix(audio, background, 0)
		}
		tests = append(tests, tc{name, audio, truth})
	}
	add("real prompt in silence", 5*s, [][]int16{prompt}, []time.Duration{s}, nil)
	add("real prompt, white noise 25 dB below", 5*s, [][]int16{prompt}, []time.Duration{s}, testaudio.WhiteNoise(5*s, -45, 1))
	add("real prompt, white noise 12 dB below", 5*s, [][]int16{prompt}, []time.Duration{1500 * time.Millisecond}, testaudio.WhiteNoise(5*s, -32, 2))
	add("real prompt over a steady 425 Hz tone", 5*s, [][]int16{prompt}, []time.Duration{s}, testaudio.Tone(5*s, -35, 425))
	second := s + testaudio.Duration(len(prompt)) + 1500*time.Millisecond
	total := second + testaudio.Duration(len(other)) + 2*s
	add("two real prompts 1.5 s apart", total, [][]int16{prompt, other}, []time.Duration{s, second}, testaudio.WhiteNoise(total, -50, 3))
	add("espeak answer in silence", 4*s, [][]int16{da}, []time.Duration{s}, nil)
	add("espeak answer spoken at once", 3*s, [][]int16{da}, []time.Duration{0}, nil)
	add("espeak, quiet, with noise", 5*s, [][]int16{testaudio.Gain(net, -12)}, []time.Duration{s}, testaudio.WhiteNoise(5*s, -50, 4))
	add("two espeak answers", 7*s, [][]int16{da, net}, []time.Duration{500 * time.Millisecond, 3 * s}, testaudio.WhiteNoise(7*s, -55, 5))

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spans, _ := run(t, cfg, tt.audio)
			if len(spans) != len(tt.truth) {
				t.Fatalf("got %d utterances %v, want %d at %v", len(spans), spans, len(tt.truth), tt.truth)
			}
			ms := testaudio.Samples(time.Millisecond)
			for i, p := range tt.truth {
				sp := spans[i]
				// The pre-roll must reach back over the true onset, but not much further.
				if sp.fedFrom > p.on || sp.fedFrom < p.on-testaudio.Samples(cfg.PreRoll)-150*ms {
					t.Errorf("utterance %d %v: fed from %v, want within [onset-PreRoll-150ms, onset=%v]", i, sp, testaudio.Duration(sp.fedFrom), testaudio.Duration(p.on))
				}
				// (-20 ms: the ground truth has 10 ms resolution, frames are 20 ms)
				if sp.startAt < p.on+testaudio.Samples(cfg.StartVoiced)-20*ms || sp.startAt > p.on+300*ms {
					t.Errorf("utterance %d %v: start event at %v, want onset %v + [StartVoiced-20ms, 300ms]", i, sp, testaudio.Duration(sp.startAt), testaudio.Duration(p.on))
				}
				wantEnd := p.off + testaudio.Samples(cfg.EndSilence)
				if sp.endEvent != SpeechEnd || sp.endAt < wantEnd-100*ms || sp.endAt > wantEnd+200*ms {
					t.Errorf("utterance %d %v: want speech-end at %v (speech end %v + EndSilence) -100/+200 ms", i, sp, testaudio.Duration(wantEnd), testaudio.Duration(p.off))
				}
			}
		})
	}
}

func TestSegmenterRejectsToneAndNoise(t *testing.T) {
	const s = time.Second
	ms := time.Millisecond
	// cadence repeats tone bursts of on, separated by off (Russian ringback 1/4 s, busy 0.35/0.35 s).
	cadence := func(on, off time.Duration, n int, freqs ...float64) []int16 {
		var out []int16
		for range n {
			out = testaudio.Concat(out, testaudio.Tone(on, -20, freqs...), testaudio.Silence(off))
		}
		return out
	}
	tests := []struct {
		name  string
		audio []int16
	}{
		{"white noise from the start", testaudio.WhiteNoise(6*s, -30, 10)},
		{"loud white noise after silence", testaudio.Concat(testaudio.Silence(s), testaudio.WhiteNoise(5*s, -25, 11))},
		{"steady 425 Hz dial tone", testaudio.Tone(6*s, -20, 425)},
		{"425 Hz tone after silence", testaudio.Concat(testaudio.Silence(s), testaudio.Tone(5*s, -15, 425))},
		{"425 Hz ringback 1 s on 4 s off", cadence(s, 4*s, 2, 425)},
		{"425 Hz busy tone 0.35 s on/off", cadence(350*ms, 350*ms, 8, 425)},
		{"425 Hz tone with noise 20 dB below", testaudio.Mix(testaudio.Concat(testaudio.Silence(s), testaudio.Tone(5*s, -20, 425)), testaudio.WhiteNoise(6*s, -40, 12), 0)},
		{"dual tone 350+440 Hz", testaudio.Concat(testaudio.Silence(s), testaudio.Tone(4*s, -23, 350, 440))},
		{"DTMF digits", cadence(100*ms, 100*ms, 20, 697, 1209)},
		{"digital silence", testaudio.Silence(3 * s)},
		{"quiet line hiss", testaudio.WhiteNoise(3*s, -65, 13)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spans, seg := run(t, DefaultVADConfig(), tt.audio)
			if len(spans) != 0 {
				t.Errorf("took it for speech: %v", spans)
			}
			if _, fed := seg.Stats(); fed != 0 {
				t.Errorf("fed %v of it to the recognizer", fed)
			}
		})
	}
}

func TestSegmenterMaxLength(t *testing.T) {
	long := testaudio.Speak(t, "Я не могу сейчас говорить, перезвоните мне завтра вечером, пожалуйста, после шести часов.")
	audio := testaudio.Concat(testaudio.Silence(500*time.Millisecond), long, testaudio.Silence(time.Second))
	cfg := DefaultVADConfig()
	cfg.MaxUtterance = 2 * time.Second
	spans, _ := run(t, cfg, audio)
	if len(spans) < 2 {
		t.Fatalf("utterances %v: want the %v of speech cut at %v into several", spans, testaudio.Duration(len(long)), cfg.MaxUtterance)
	}
	first := spans[0]
	if first.endEvent != MaxLength {
		t.Fatalf("first utterance %v ended by %s, want %s", first, first.endEvent, MaxLength)
	}
	// MaxUtterance counts from the first voiced frame, which is StartVoiced before the start event.
	got := testaudio.Duration(first.endAt - first.startAt)
	if want := cfg.MaxUtterance - cfg.StartVoiced; got < want-20*time.Millisecond || got > want+20*time.Millisecond {
		t.Errorf("cut %v after the start event, want %v", got, want)
	}
	if last := spans[len(spans)-1]; last.endEvent != SpeechEnd {
		t.Errorf("last utterance %v: want it to end with %s", last, SpeechEnd)
	}
	// Audio already fed is never fed again: the next utterance's pre-roll starts after the cut.
	for i := 1; i < len(spans); i++ {
		if spans[i].fedFrom < spans[i-1].endAt {
			t.Errorf("utterance %d %v re-feeds audio of utterance %d %v", i, spans[i], i-1, spans[i-1])
		}
	}
}

// TestSegmenterCorpus runs a sample of the real Russian prompts of asterisk-core-sounds-ru-wav,
// on a slightly noisy line, and checks that nearly all of their loud audio reaches the
// recognizer while the silence around them does not.
func TestSegmenterCorpus(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(testaudio.AsteriskRU, "*.wav"))
	if err != nil || len(files) == 0 {
		t.Skipf("no prompts in %s (Debian package asterisk-core-sounds-ru-wav): %v", testaudio.AsteriskRU, err)
	}
	var loud, covered, silent, silentFed int
	for i := 0; i < len(files); i += 8 {
		if strings.Contains(files[i], "tone") || strings.Contains(files[i], "beep") {
			continue // the corpus also holds tones, which are not speech
		}
		clip := testaudio.LoadWAV(t, files[i])
		pad := testaudio.Samples(time.Second)
		audio := testaudio.Concat(testaudio.Silence(time.Second), clip, testaudio.Silence(2*time.Second))
		audio = testaudio.Mix(audio, testaudio.WhiteNoise(testaudio.Duration(len(audio)), -55, uint64(i)), 0)
		spans, _ := run(t, DefaultVADConfig(), audio)
		in := func(k int) bool {
			for _, sp := range spans {
				if k >= sp.fedFrom && (sp.endAt < 0 || k < sp.endAt) {
					return true
				}
			}
			return false
		}
		const w = testaudio.Rate / 100
		for k := 0; k+w <= len(clip); k += w {
			if testaudio.Level(clip[k:k+w]) > -35 {
				loud++
				if in(pad+k) && in(pad+k+w-1) {
					covered++
				} else {
					t.Logf("%s: loud 10 ms at %v not fed (utterances %v)", filepath.Base(files[i]), testaudio.Duration(k), spans)
				}
			}
		}
		// the first 600 ms and the last second are silence: more than PreRoll before and
		// EndSilence after any speech
		for k := 0; k < testaudio.Samples(600*time.Millisecond); k++ {
			silent++
			if in(k) {
				silentFed++
			}
		}
		for k := len(audio) - pad; k < len(audio); k++ {
			silent++
			if in(k) {
				silentFed++
			}
		}
	}
	t.Logf("loud 10 ms windows fed: %d/%d; silent samples fed: %d/%d", covered, loud, silentFed, silent)
	if covered < loud*99/100 {
		t.Errorf("only %d of %d loud windows reached the recognizer, want ≥ 99%%", covered, loud)
	}
	if silentFed != 0 {
		t.Errorf("%d samples of pure line noise were fed", silentFed)
	}
}

func TestVADConfigErrors(t *testing.T) {
	tests := []struct {
		name string
		cfg  VADConfig
		want string
	}{
		{"sample rate", VADConfig{SampleRate: 1000}, "SampleRate 1000"},
		{"negative start", VADConfig{StartVoiced: -time.Millisecond}, "StartVoiced"},
		{"negative end", VADConfig{EndSilence: -time.Second}, "EndSilence"},
		{"negative max", VADConfig{MaxUtterance: -time.Second}, "MaxUtterance"},
		{"max not above start", VADConfig{StartVoiced: time.Second, MaxUtterance: time.Second}, "must exceed StartVoiced"},
		{"huge pre-roll", VADConfig{PreRoll: time.Minute}, "PreRoll 1m0s"},
		{"threshold", VADConfig{ThresholdDB: -3}, "ThresholdDB -3"},
		{"min level", VADConfig{MinLevelDB: 6}, "MinLevelDB 6"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewSegmenter(tt.cfg)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("NewSegmenter(%+v) error %v, want one naming %q", tt.cfg, err, tt.want)
			}
		})
	}
	seg, err := NewSegmenter(VADConfig{})
	if err != nil {
		t.Fatal(err)
	}
	if got := seg.Config(); got != DefaultVADConfig() {
		t.Errorf("zero config became %+v, want the defaults %+v", got, DefaultVADConfig())
	}
}

// FuzzSegmenter pushes frames of any length and content; the Segmenter must not panic, its
// events must alternate, and what it feeds must be input audio, never more than was received.
func FuzzSegmenter(f *testing.F) {
	f.Add(uint64(1), uint16(160), uint8(0))
	f.Add(uint64(2), uint16(1), uint8(3))
	f.Add(uint64(3), uint16(0), uint8(1))
	f.Add(uint64(4), uint16(4000), uint8(2))
	f.Fuzz(func(t *testing.T, seed uint64, size uint16, kind uint8) {
		r := rand.New(rand.NewPCG(seed, uint64(size)))
		seg, err := NewSegmenter(VADConfig{MaxUtterance: 300 * time.Millisecond, EndSilence: 60 * time.Millisecond, StartVoiced: 20 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		var received, fed int64
		open := false
		for range 200 {
			n := int(size) % 2000
			if kind&1 == 1 {
				n = r.IntN(400)
			}
			frame := make([]int16, n)
			for i := range frame {
				switch kind % 4 {
				case 0, 1:
					frame[i] = int16(r.Uint32())
				case 2: // extremes
					frame[i] = []int16{-32768, 32767, 0}[r.IntN(3)]
				default: // bursts of loud audio
					if r.IntN(50) == 0 {
						frame[i] = int16(r.Uint32())
					}
				}
			}
			received += int64(n)
			ev, feed := seg.Push(frame)
			for _, b := range feed {
				fed += int64(len(b))
			}
			switch ev {
			case SpeechStart:
				if open || len(feed) == 0 {
					t.Fatalf("speech start while open=%v, feed %d", open, len(feed))
				}
				open = true
			case SpeechEnd, MaxLength:
				if !open {
					t.Fatalf("%s without a start", ev)
				}
				open = false
			}
			if open != seg.Speaking() {
				t.Fatalf("Speaking() = %v after %s", seg.Speaking(), ev)
			}
		}
		rec, fd := seg.Stats()
		if fed > received || rec != testaudio.Duration(int(received)) || fd != testaudio.Duration(int(fed)) {
			t.Fatalf("fed %d of %d samples; Stats %v %v", fed, received, rec, fd)
		}
	})
}

// BenchmarkSegmenterFrame measures the cost of one 20 ms frame of a call: real speech, pauses
// and line noise (the pauses cost less: silent frames skip the FFT).
func BenchmarkSegmenterFrame(b *testing.B) {
	for _, bc := range []struct {
		name string
		make func(testing.TB) []int16
	}{
		{"speech-and-pauses", func(tb testing.TB) []int16 {
			clip := testaudio.LoadWAV(tb, filepath.Join(testaudio.AsteriskRU, "agent-pass.wav"))
			a := testaudio.Concat(testaudio.Silence(time.Second), clip, testaudio.Silence(time.Second))
			return testaudio.Mix(a, testaudio.WhiteNoise(testaudio.Duration(len(a)), -50, 1), 0)
		}},
		{"silence", func(testing.TB) []int16 { return testaudio.WhiteNoise(4*time.Second, -60, 2) }},
		{"continuous-speech", func(tb testing.TB) []int16 {
			return testaudio.LoadWAV(tb, filepath.Join(testaudio.AsteriskRU, "agent-pass.wav"))
		}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			frames := testaudio.Frames(bc.make(b), frameLen)
			seg, err := NewSegmenter(DefaultVADConfig())
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				seg.Push(frames[i%len(frames)])
			}
		})
	}
}

// TestSteadyNoiseIsNotOneLongUtterance: low-frequency noise that the level
// and spectrum tests take for speech (a leaky random walk, like car rumble
// or sox's brownnoise, after a few frames of digital silence before the
// first packet) opens one utterance at most, which ends once its level is
// seen not to move; it does not stay "speech" for the whole call.
func TestSteadyNoiseIsNotOneLongUtterance(t *testing.T) {
	for _, amp := range []float64{300, 1000} {
		rng := rand.New(rand.NewPCG(3, 4))
		sig := make([]int16, 3*160+8000*8)
		var w float64
		for i := 3 * 160; i < len(sig); i++ {
			w = 0.98*w + amp*rng.NormFloat64()
			sig[i] = int16(max(math.MinInt16, min(math.MaxInt16, w)))
		}
		s, err := NewSegmenter(DefaultVADConfig())
		if err != nil {
			t.Fatal(err)
		}
		starts, speaking := 0, 0
		for i := 0; i+160 <= len(sig); i += 160 {
			if ev, _ := s.Push(sig[i : i+160]); ev == SpeechStart {
				starts++
			}
			if s.Speaking() {
				speaking++
			}
		}
		if starts > 1 || s.Speaking() || speaking > 150 {
			t.Errorf("noise x%v: %d utterances, %d of %d frames in speech, speaking at the end %v; want at most one, ended within 3 s",
				amp, starts, speaking, len(sig)/160, s.Speaking())
		}
	}
}
