package detect

import (
	"math"
	"testing"
	"time"
)

func TestBeepDetector(t *testing.T) {
	tests := []struct {
		name  string
		audio []int16
		want  bool
	}{
		{"greeting then a 1 kHz beep", newSignal().speech(time.Second).silence(300*time.Millisecond).tone(1000, 400*time.Millisecond).silence(400 * time.Millisecond).s, true},
		{"speech only", newSignal().speech(2 * time.Second).silence(300 * time.Millisecond).s, false},
		{"425 Hz ringback is not a beep", newSignal().tone(425, time.Second).silence(300 * time.Millisecond).s, false},
		{"silence", newSignal().silence(time.Second).s, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := NewBeepDetector()
			var got bool
			for i := 0; i+evalFrame <= len(tt.audio); i += evalFrame {
				got = b.Frame(tt.audio[i : i+evalFrame])
			}
			if got != tt.want {
				t.Errorf("beep heard = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestHarmonicVoiceIsNoBeep (round 11): a vowel whose 3rd harmonic holds
// most of the energy (503 Hz over a 168 Hz pitch, as a muffled handset
// leaves it) is a voice's, with neighbours at 335 and 671 Hz; a pure tone,
// and two unrelated tones (a DTMF key), are not.
func TestHarmonicVoiceIsNoBeep(t *testing.T) {
	frame := func(parts ...[2]float64) []int16 {
		out := make([]int16, evalFrame)
		for i := range out {
			var v float64
			for _, p := range parts {
				v += p[1] * math.Sin(2*math.Pi*p[0]*float64(i)/SampleRate+p[0])
			}
			out[i] = int16(v)
		}
		return out
	}
	tests := []struct {
		name  string
		frame []int16
		f     float64
		want  bool
	}{
		{"pure 503 Hz tone", frame([2]float64{503, 8000}), 503, false},
		{"vowel: 503 Hz the 3rd harmonic of 168 Hz", frame([2]float64{168, 600}, [2]float64{335, 1500}, [2]float64{503, 8000}, [2]float64{671, 1500}, [2]float64{838, 700}), 503, true},
		{"DTMF 5: 770 and 1336 Hz", frame([2]float64{770, 6000}, [2]float64{1336, 6000}), 770, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := harmonicVoice(tt.frame, tt.f); got != tt.want {
				t.Errorf("harmonicVoice = %v, want %v", got, tt.want)
			}
		})
	}
	// and the tracker: a held vowel of 400 ms is no beep
	var s []int16
	for range 20 {
		s = append(s, frame([2]float64{168, 600}, [2]float64{335, 1500}, [2]float64{503, 8000}, [2]float64{671, 1500})...)
	}
	s = append(s, make([]int16, SampleRate/2)...)
	b := NewBeepDetector()
	for i := 0; i+evalFrame <= len(s); i += evalFrame {
		if b.Frame(s[i : i+evalFrame]) {
			t.Fatal("a held vowel (503 Hz, the 3rd harmonic of 168 Hz) was heard as a beep")
		}
	}
}

// TestGlidingToneIsNoBeep (round 11): a pure component that glides 25 Hz in
// 160 ms (a vowel's harmonic through a narrow trunk, no neighbours left)
// is no beep; the same length held at one frequency is.
func TestGlidingToneIsNoBeep(t *testing.T) {
	tone := func(from, to float64, d time.Duration) []int16 {
		n := int(d * SampleRate / time.Second)
		out := make([]int16, n)
		var ph float64
		for i := range out {
			f := from + (to-from)*float64(i)/float64(n)
			ph += 2 * math.Pi * f / SampleRate
			out[i] = int16(8000 * math.Sin(ph))
		}
		return out
	}
	for _, tt := range []struct {
		name     string
		from, to float64
		want     bool
	}{
		{"held 558 Hz", 558, 558, true},
		{"gliding 575 to 550 Hz", 575, 550, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := append(newSignal().silence(300*time.Millisecond).s, tone(tt.from, tt.to, 160*time.Millisecond)...)
			s = append(s, make([]int16, SampleRate/2)...)
			b := NewBeepDetector()
			var got bool
			for i := 0; i+evalFrame <= len(s); i += evalFrame {
				got = b.Frame(s[i : i+evalFrame])
			}
			if got != tt.want {
				t.Errorf("beep heard = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestSirenTopIsNoBeep (round 15): an ambulance siren's wail (1000 ± 350 Hz
// every 2.5 s) near the top of its glide holds one bank filter for
// some 200 ms between a person's words: heldout13's persons were taken for
// a voicemail beep at 1340 Hz, or a clipped SIT segment. Its fine frequency
// glides ~30 Hz; a generated tone's holds, even when a codec (GSM) jitters
// it by up to 12.5 Hz from frame to frame.
func TestSirenTopIsNoBeep(t *testing.T) {
	// freqAt gives the frequency of each 20 ms frame; the phase runs on
	freqs := func(d time.Duration, freqAt func(t float64) float64) []int16 {
		n := int(d * SampleRate / time.Second)
		out := make([]int16, n)
		var ph float64
		for i := range out {
			ph += 2 * math.Pi * freqAt(float64(i)/SampleRate) / SampleRate
			out[i] = int16(6000 * math.Sin(ph))
		}
		return out
	}
	jitter := []float64{1377.5, 1365, 1372.5, 1367.5, 1372.5, 1370, 1377.5, 1365, 1372.5, 1370}
	for _, tt := range []struct {
		name   string
		freqAt func(t float64) float64
		d      time.Duration
		want   bool
	}{
		{"held 1340 Hz, 180 ms", func(float64) float64 { return 1340 }, 180 * time.Millisecond, true},
		{"siren rising to its top, 1320 to 1350 Hz in 180 ms", func(t float64) float64 {
			return 1000 + 350*math.Sin(2*math.Pi*(t+0.459)/2.5)
		}, 180 * time.Millisecond, false},
		{"siren falling from its top, 1350 to 1320 Hz in 180 ms", func(t float64) float64 {
			return 1000 + 350*math.Sin(2*math.Pi*(t+0.625)/2.5)
		}, 180 * time.Millisecond, false},
		{"1370 Hz jittered frame to frame as GSM leaves it, 200 ms", func(t float64) float64 {
			return jitter[int(t/0.02)%len(jitter)]
		}, 200 * time.Millisecond, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := append(newSignal().speech(500*time.Millisecond).silence(100*time.Millisecond).s, freqs(tt.d, tt.freqAt)...)
			s = append(s, make([]int16, SampleRate/2)...)
			if got := beepHeardAnywhere(s); got != tt.want {
				t.Errorf("beep heard = %v, want %v", got, tt.want)
			}
		})
	}
}

// A struck tone (a church bell across the square, round 16) dies away from
// its first frame, in a straight line in decibels; a voicemail beep holds
// its level, and a beep the line fades out falls faster and faster. The
// three struck cases fail without toneRun.decays.
func TestStruckToneIsNoBeep(t *testing.T) {
	// partials: frequency multiples and amplitudes; gain: the level at t
	tone := func(d time.Duration, f0 float64, partials [][2]float64, gain func(t float64) float64) []int16 {
		n := int(d * SampleRate / time.Second)
		out := make([]int16, n)
		for i := range out {
			tt := float64(i) / SampleRate
			var v float64
			for _, p := range partials {
				v += p[1] * math.Sin(2*math.Pi*f0*p[0]*tt)
			}
			out[i] = int16(6000 * gain(tt) * v)
		}
		return out
	}
	pure := [][2]float64{{1, 1}}
	bell := [][2]float64{{1, 1}, {2.0, 0.5}, {2.4, 0.35}, {3.0, 0.25}}
	strike := func(t float64) float64 { return math.Exp(-3.5 * t) } // 30 dB a second
	held := func(float64) float64 { return 1 }
	// held 200 ms, then faded out by 14 dB, faster and faster (a line's fade
	// or a VAD's clip: heldout4-line ma53, heldout5-voices an51)
	fadeOut := func(t float64) float64 { return math.Pow(10, -14*(1-math.Cos(math.Pi/2*math.Max(0, t-0.2)/0.2))/20) }
	swellFade := func(t float64) float64 { return math.Pow(10, -8*(0.5+0.5*math.Sin(2*math.Pi*t/0.8))/20) }
	for _, tt := range []struct {
		name     string
		f0       float64
		partials [][2]float64
		gain     func(t float64) float64
		d        time.Duration
		want     bool
	}{
		{"bell strike, 550 Hz with partials x2, x2.4, x3, 200 ms of it", 550, bell, strike, 200 * time.Millisecond, false},
		{"bell strike, 600 Hz with partials x2, x2.4, x3, 380 ms of it", 600, bell, strike, 380 * time.Millisecond, false},
		{"pure 575 Hz tone dying 30 dB a second, 260 ms of it", 575, pure, strike, 260 * time.Millisecond, false},
		{"held 550 Hz beep, 300 ms", 550, pure, held, 300 * time.Millisecond, true},
		{"700 Hz beep held, then faded out by 14 dB, 400 ms", 700, pure, fadeOut, 400 * time.Millisecond, true},
		{"600 Hz beep on a line swelling and fading 8 dB, 480 ms", 600, pure, swellFade, 480 * time.Millisecond, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := append(newSignal().speech(500*time.Millisecond).silence(100*time.Millisecond).s, tone(tt.d, tt.f0, tt.partials, tt.gain)...)
			s = append(s, make([]int16, SampleRate/2)...)
			if got := beepHeardAnywhere(s); got != tt.want {
				t.Errorf("beep heard = %v, want %v", got, tt.want)
			}
		})
	}
}

// A tone that is there before a run or goes on after it is a background
// sound that held still for a moment (round 17: a kettle whistling behind
// heldout15's persons, taken for a voicemail beep in the pauses between
// their words); a voicemail beep stands out from the sound before it and
// ends. The four background cases fail without toneTracker's onset and
// end checks (the lone SIT-band one without them in the sitSeq path).
func TestBackgroundToneIsNoBeep(t *testing.T) {
	const hz, amp = 2000.0, 900.0
	// mixAt adds a background tone of f Hz over s[from:to]
	mixAt := func(f float64, s []int16, from, to time.Duration) []int16 {
		for i := samplesOf(from); i < samplesOf(to) && i < len(s); i++ {
			v := float64(s[i]) + amp*math.Sin(2*math.Pi*f*float64(i)/SampleRate)
			s[i] = int16(max(math.MinInt16, min(math.MaxInt16, v)))
		}
		return s
	}
	mix := func(s []int16, from, to time.Duration) []int16 { return mixAt(hz, s, from, to) }
	ms := func(n int) time.Duration { return time.Duration(n) * time.Millisecond }
	tests := []struct {
		name  string
		audio func() []int16
		want  bool
	}{
		{"a whistle under the words, alone in a 140 ms pause", func() []int16 {
			s := newSignal().silence(ms(200)).speech(ms(600)).silence(ms(140)).speech(ms(600)).silence(ms(500)).s
			return mix(s, ms(300), ms(1540))
		}, false},
		{"a whistle under the words that stops 140 ms into the pause after them", func() []int16 {
			s := newSignal().silence(ms(200)).speech(ms(800)).silence(ms(700)).s
			return mix(s, ms(300), ms(1140))
		}, false},
		{"a whistle that starts in a pause and goes on under the words", func() []int16 {
			s := newSignal().silence(ms(200)).speech(ms(500)).silence(ms(140)).speech(ms(800)).silence(ms(500)).s
			return mix(s, ms(700), ms(1640))
		}, false},
		{"a 1400 Hz whistle under the words, alone in a 200 ms pause (a lone SIT-band tone)", func() []int16 {
			s := newSignal().silence(ms(200)).speech(ms(600)).silence(ms(200)).speech(ms(600)).silence(ms(500)).s
			return mixAt(1400, s, ms(300), ms(1600))
		}, false},
		{"a lone 1400 Hz beep after the greeting", func() []int16 {
			return newSignal().speech(ms(800)).silence(ms(200)).tone(1400, ms(200)).silence(ms(600)).s
		}, true},
		{"a beep right after the greeting, then the silence", func() []int16 {
			return newSignal().silence(ms(200)).speech(ms(800)).tone(hz, ms(200)).silence(ms(600)).s
		}, true},
		{"a beep after the greeting, then a word 100 ms after it", func() []int16 {
			return newSignal().speech(ms(800)).silence(ms(200)).tone(1000, ms(160)).silence(ms(100)).speech(ms(400)).silence(ms(300)).s
		}, true},
		{"a beep that the greeting's last word runs into", func() []int16 {
			s := newSignal().speech(ms(800)).tone(1400, ms(300)).silence(ms(600)).s
			return s
		}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := tt.audio()
			if got := beepHeardAnywhere(s); got != tt.want {
				t.Errorf("beep heard = %v, want %v", got, tt.want)
			}
		})
	}
}

// A beep is a voicemail's only when the line stays without speech for
// beepQuiet after it: a person who talks on right after a tone-like sound in
// a pause between words (any sound the tone checks have not met) is no
// machine. The first case fails without settleBeep (machine at the tone).
func TestBeepThenSpeechIsNoMachine(t *testing.T) {
	ms := func(n int) time.Duration { return time.Duration(n) * time.Millisecond }
	tests := []struct {
		name  string
		audio []int16
		texts []textAt
		want  Class
	}{
		{"a person talks on 60 ms after a 160 ms tone in a pause",
			newSignal().speech(ms(700)).silence(ms(60)).tone(2600, ms(160)).silence(ms(60)).speech(ms(500)).silence(ms(200)).s,
			[]textAt{{ms(800), "алло", true}, {ms(1600), "да слушаю", true}}, Human},
		{"a greeting, a beep, then silence",
			newSignal().speech(ms(2500)).silence(ms(200)).tone(1000, ms(300)).silence(ms(1000)).s,
			[]textAt{{ms(2600), "здравствуйте оставьте сообщение после сигнала", true}}, Machine},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := run(t, nil, tt.audio, tt.texts)
			if d.Class != tt.want {
				t.Errorf("class %s, want %s (evidence %q)", d.Class, tt.want, d.Evidence)
			}
		})
	}
}

// A device behind the callee beeps three times or more at one frequency; a
// voicemail once, twice or in pips of rising pitch. And a person's answering
// words with no non-human cue outweigh a tone alone (personOverTone). The
// person cases fail without the change (machine at the first beep; machine
// by the beep; announcement by the clipped-SIT cue).
func TestDeviceBeepsAndPersonWordsOutweighATone(t *testing.T) {
	ms := func(n int) time.Duration { return time.Duration(n) * time.Millisecond }
	beeps := func(g *signal, hz float64, n int) *signal {
		for i := range n {
			if i > 0 {
				g.silence(ms(200))
			}
			g.tone(hz, ms(200))
		}
		return g
	}
	tests := []struct {
		name  string
		audio []int16
		texts []textAt
		want  Class
	}{
		{"a microwave's three beeps, then a person",
			beeps(newSignal().silence(ms(200)), 2500, 3).silence(ms(100)).speech(ms(600)).silence(ms(300)).s,
			[]textAt{{ms(1900), "алло слушаю", true}}, Human},
		{"a voicemail's two beeps of one frequency",
			beeps(newSignal().speech(ms(2500)).silence(ms(200)), 950, 2).silence(ms(1200)).s,
			[]textAt{{ms(2600), "привет это галина", true}}, Machine},
		{"a person says алло да, then a device beeps once in the wait",
			newSignal().speech(ms(600)).silence(ms(400)).tone(2000, ms(200)).silence(ms(1500)).s,
			[]textAt{{ms(700), "алло да", true}}, Human},
		{"a lone 985 Hz tone before a person's алло слушаю",
			newSignal().silence(ms(200)).tone(985, ms(300)).silence(ms(200)).speech(ms(700)).silence(ms(1500)).s,
			[]textAt{{ms(1500), "алло слушаю", true}}, Human},
		{"a greeting that names itself, then a beep",
			newSignal().speech(ms(2500)).silence(ms(200)).tone(1000, ms(300)).silence(ms(1000)).s,
			[]textAt{{ms(2600), "алло это автоответчик оставьте сообщение", true}}, Machine},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := run(t, nil, tt.audio, tt.texts)
			if d.Class != tt.want {
				t.Errorf("class %s, want %s (evidence %q)", d.Class, tt.want, d.Evidence)
			}
		})
	}
}

// beepHeardAnywhere feeds s to a fresh BeepDetector frame by frame and tells
// whether any frame reported a beep.
func beepHeardAnywhere(s []int16) bool {
	b := NewBeepDetector()
	heard := false
	for i := 0; i+evalFrame <= len(s); i += evalFrame {
		heard = b.Frame(s[i:i+evalFrame]) || heard
	}
	return heard
}
