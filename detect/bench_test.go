package detect

import (
	"testing"
	"time"
)

// BenchmarkFrame measures the per-frame cost on speech (the Goertzel bank runs
// on every voiced frame): one call needs 50 frames a second.
func BenchmarkFrame(b *testing.B) {
	sig := newSignal().speech(2 * time.Second).s
	c := New(Config{MaxAnalysis: time.Hour, InitialSilence: time.Hour})
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if i+evalFrame > len(sig) {
			i = 0
		}
		c.an.analyze(sig[i : i+evalFrame])
		i += evalFrame
	}
}

// BenchmarkText measures scoring one partial result against the phrase rules.
func BenchmarkText(b *testing.B) {
	rules := compileRules(defaultRules())
	b.ReportAllocs()
	for b.Loop() {
		rules.score("здравствуйте я голосовой помощник олег что мне передать хозяину")
	}
}

// BenchmarkVoicePitch measures the pitch test the classifier runs on every
// speech frame (lineNoise).
func BenchmarkVoicePitch(b *testing.B) {
	sig := newSignal().speech(2 * time.Second).s
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if i+evalFrame > len(sig) {
			i = 0
		}
		voicePitch(sig[i : i+evalFrame])
		i += evalFrame
	}
}

// BenchmarkModelPosterior measures one question to the bundled text model:
// the classifier asks it once per change of the recognised text, not per
// frame.
func BenchmarkModelPosterior(b *testing.B) {
	m := bundledModel()
	if m == nil {
		b.Fatal("no bundled model")
	}
	b.ReportAllocs()
	for b.Loop() {
		m.Posterior("здравствуйте я голосовой помощник олег что мне передать хозяину")
	}
}
