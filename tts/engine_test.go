package tts

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

const typicalPhrase = "Здравствуйте, это автоматический звонок по вопросу вашей задолженности перед банком."

// newEngine builds the named real engine or skips the test when its Debian
// package is not installed.
func newEngine(t testing.TB, name string) Voice {
	t.Helper()
	bin := map[string]string{EngineEspeak: "espeak-ng", EngineFestival: "text2wave"}[name]
	if _, err := exec.LookPath(bin); err != nil {
		t.Skipf("%s not installed (apt-get install espeak-ng festival festvox-ru): %v", bin, err)
	}
	v, err := NewVoice(name)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// checkPlausible bounds speech duration by the number of vowels
// (syllables) of the verbalised text: 60–400 ms per syllable plus pauses,
// plus up to a second of the engine's own leading and trailing silence.
func checkPlausible(t *testing.T, engine, text string, a Audio, extra time.Duration) {
	t.Helper()
	if a.Rate != Rate {
		t.Fatalf("%s %q: rate %d, want %d", engine, text, a.Rate, Rate)
	}
	if len(a.PCM) == 0 {
		t.Fatalf("%s %q: no samples", engine, text)
	}
	syllables := 0
	for _, r := range strings.ToLower(Verbalize(text)) {
		if isRuVowel(r) || strings.ContainsRune("aeiouy", r) {
			syllables++
		}
	}
	lo := time.Duration(syllables)*60*time.Millisecond + extra
	hi := time.Duration(syllables)*400*time.Millisecond + extra + time.Second
	if d := a.Duration(); d < lo || d > hi {
		t.Errorf("%s %q: duration %v for %d syllables, want %v…%v", engine, text, d, syllables, lo, hi)
	}
	if r := rms(a.PCM); r < 300 {
		t.Errorf("%s %q: RMS %.0f, want audible speech", engine, text, r)
	}
}

func TestEnginesSpeakRussian(t *testing.T) {
	phrases := []string{
		typicalPhrase,
		"Ваш долг 12 345,50 руб. Оплатите до 25.11.2026.",
		"Перезвоню в 10:30",
		"Ставка 1,5%",
		"ООО «Ромашка»",
		"Старый за́мок и новый зам+ок",
		"Ёлка — ёж…",
		"ул. Ленина, д. 5/2",
		"Иван Петрович? Hello!",
	}
	for _, name := range []string{EngineEspeak, EngineFestival} {
		t.Run(name, func(t *testing.T) {
			v := newEngine(t, name)
			for _, p := range phrases {
				a, err := v.Synthesize(context.Background(), p)
				if err != nil {
					t.Errorf("%q: %v", p, err)
					continue
				}
				checkPlausible(t, name, p, a, 0)
			}
		})
	}
}

func TestEnginesRejectEmptyAndBadMarkup(t *testing.T) {
	tests := []struct{ text, wantErr string }{
		{"", "nothing to say"},
		{"   ", "nothing to say"},
		{"«»", "nothing to say"},
		{"Да <pause 3 minutes> нет", "markup at byte 5: bad pause"},
	}
	for _, name := range []string{EngineEspeak, EngineFestival} {
		v := newEngine(t, name)
		for _, tt := range tests {
			if name == EngineEspeak && tt.text == "«»" {
				continue // espeak-ng names the quote characters; that is speech
			}
			_, err := v.Synthesize(context.Background(), tt.text)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%s %q: error %v, want %q", name, tt.text, err, tt.wantErr)
			}
		}
	}
}

func TestPauseMarkupInsertsExactSilence(t *testing.T) {
	for _, name := range []string{EngineEspeak, EngineFestival} {
		t.Run(name, func(t *testing.T) {
			v := newEngine(t, name)
			ctx := context.Background()
			a, err := v.Synthesize(ctx, "Да.")
			if err != nil {
				t.Fatal(err)
			}
			b, err := v.Synthesize(ctx, "Нет.")
			if err != nil {
				t.Fatal(err)
			}
			c, err := v.Synthesize(ctx, "Да. <pause 500ms> Нет.")
			if err != nil {
				t.Fatal(err)
			}
			if want := len(a.PCM) + 4000 + len(b.PCM); len(c.PCM) != want {
				t.Fatalf("%d samples, want %d (Да) + 4000 (pause) + %d (Нет)", len(c.PCM), len(a.PCM), len(b.PCM))
			}
			if !slices.Equal(c.PCM[:len(a.PCM)], a.PCM) || !slices.Equal(c.PCM[len(a.PCM)+4000:], b.PCM) {
				t.Error("the speech around the pause differs from the phrases synthesised alone")
			}
			for _, s := range c.PCM[len(a.PCM) : len(a.PCM)+4000] {
				if s != 0 {
					t.Fatal("pause is not silent")
				}
			}
		})
	}
}

func TestStressMarks(t *testing.T) {
	ctx := context.Background()
	synth := func(v Voice, s string) []int16 {
		a, err := v.Synthesize(ctx, s)
		if err != nil {
			t.Fatal(err)
		}
		return a.PCM
	}
	t.Run("espeak-ng strips them", func(t *testing.T) {
		v := newEngine(t, EngineEspeak)
		plain := synth(v, "замок")
		for _, marked := range []string{"з+амок", "зам+ок", "за\u0301мок"} {
			if !slices.Equal(synth(v, marked), plain) {
				t.Errorf("%q does not sound like plain 'замок': the mark reached espeak-ng", marked)
			}
		}
	})
	t.Run("festival uses them", func(t *testing.T) {
		v := newEngine(t, EngineFestival)
		first, second := synth(v, "з+амок"), synth(v, "зам+ок")
		if slices.Equal(first, second) {
			t.Error("з+амок and зам+ок sound the same: the stress mark is ignored")
		}
		if !slices.Equal(synth(v, "за\u0301мок"), first) {
			t.Error("за\u0301мок (combining accent) differs from з+амок")
		}
	})
}

// fakeEngine writes a shell script standing in for an engine binary.
func fakeEngine(t *testing.T, script string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "fake-tts")
	if err := os.WriteFile(path, []byte("#!/bin/sh\n"+script+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestEngineProcessFailures(t *testing.T) {
	tests := []struct {
		name, script, wantErr string
	}{
		{"exit status with stderr", `echo "voice ru not found" >&2; exit 3`, "voice ru not found"},
		{"no output", `cat >/dev/null; exit 0`, "produced no audio"},
		{"garbage output", `cat >/dev/null; head -c 4000 /dev/zero | tr '\0' 'x'`, "parse espeak-ng output"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := NewEspeak(EspeakOptions{Binary: fakeEngine(t, tt.script)})
			if err != nil {
				t.Fatal(err)
			}
			_, err = v.Synthesize(context.Background(), "проверка")
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), "text segment 1 of 1") {
				t.Errorf("error %v, want it to contain %q and the segment", err, tt.wantErr)
			}
			if strings.Contains(err.Error(), "проверка") {
				t.Errorf("error %q quotes the phrase (it may hold personal data)", err)
			}
		})
	}
}

// TestEngineRetriesAHungProcess: a process that hangs is killed at its share
// of the timeout and the segment is synthesized by a second process.
func TestEngineRetriesAHungProcess(t *testing.T) {
	dir := t.TempDir()
	wav := filepath.Join(dir, "out.wav")
	pcm := make([]byte, 1600) // 100 ms of 8 kHz 16-bit silence
	if err := os.WriteFile(wav, riffWAV(1, 1, Rate, 16, pcm, 0), 0o644); err != nil {
		t.Fatal(err)
	}
	runs := filepath.Join(dir, "runs")
	// The first run records itself and hangs; later runs answer with the WAV.
	script := fmt.Sprintf(`echo run >> %q
if [ "$(wc -l < %q)" -eq 1 ]; then exec sleep 60; fi
cat >/dev/null; cat %q`, runs, runs, wav)
	v, err := NewEspeak(EspeakOptions{Binary: fakeEngine(t, script), MaxProcs: 1, Timeout: 3 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	a, err := v.Synthesize(context.Background(), "проверка")
	if err != nil {
		t.Fatalf("synthesize after a hung process: %v", err)
	}
	if len(a.PCM) == 0 {
		t.Fatal("no audio from the second process")
	}
	b, err := os.ReadFile(runs)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(b), "run"); n != 2 {
		t.Fatalf("engine ran %d times, want 2 (one hung, one answered)", n)
	}
}

// TestEngineGivesUpOnAnEngineThatAlwaysHangs: attempts are bounded and the
// error says so.
func TestEngineGivesUpOnAnEngineThatAlwaysHangs(t *testing.T) {
	v, err := NewEspeak(EspeakOptions{Binary: fakeEngine(t, "exec sleep 60"), MaxProcs: 1, Timeout: 600 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	_, err = v.Synthesize(context.Background(), "проверка")
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "attempt 3 of 3") {
		t.Fatalf("error %v, want a deadline after 3 attempts", err)
	}
}

func TestEngineContextCancellation(t *testing.T) {
	v, err := NewFestival(FestivalOptions{Binary: fakeEngine(t, "exec sleep 60"), MaxProcs: 1})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err = v.Synthesize(ctx, "проверка")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("error %v, want context.DeadlineExceeded", err)
	}
	// The process was killed rather than waited for: the call did not last
	// the fake engine's 60 s (a liveness check, not a speed assertion).
	if time.Since(start) > 30*time.Second {
		t.Fatal("the engine process was not killed on cancellation")
	}
	// The process slot was released: with MaxProcs 1 a second call reaches
	// the engine again instead of waiting for a slot forever.
	ctx2, cancel2 := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel2()
	if _, err := v.Synthesize(ctx2, "ещё"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("second call: %v", err)
	}
}

func TestNewVoiceAndOptions(t *testing.T) {
	if _, err := exec.LookPath("espeak-ng"); err != nil {
		t.Skip("espeak-ng not installed")
	}
	if _, err := exec.LookPath("text2wave"); err != nil {
		t.Skip("festival not installed")
	}
	keys := map[string]string{
		"":          "espeak-ng/ru/s150/p50/" + textVersion,
		"espeak":    "espeak-ng/ru/s150/p50/" + textVersion,
		"espeak-ng": "espeak-ng/ru/s150/p50/" + textVersion,
		"festival":  "festival/msu_ru_nsh_clunits/x1/" + textVersion,
	}
	for name, want := range keys {
		v, err := NewVoice(name)
		if err != nil {
			t.Errorf("NewVoice(%q): %v", name, err)
			continue
		}
		if v.Key() != want {
			t.Errorf("NewVoice(%q).Key() = %q, want %q", name, v.Key(), want)
		}
	}
	bad := []struct {
		name string
		err  func() error
		want string
	}{
		{"unknown engine", func() error { _, err := NewVoice("sapi"); return err }, `unknown engine "sapi"`},
		{"missing binary", func() error { _, err := NewEspeak(EspeakOptions{Binary: "no-such-tts-binary"}); return err }, "no-such-tts-binary"},
		{"espeak speed", func() error { _, err := NewEspeak(EspeakOptions{Speed: 10}); return err }, "speed 10"},
		{"espeak pitch", func() error { _, err := NewEspeak(EspeakOptions{Pitch: 120}); return err }, "pitch 120"},
		{"espeak voice", func() error { _, err := NewEspeak(EspeakOptions{Voice: "ru; rm -rf"}); return err }, "bad voice"},
		{"festival voice", func() error { _, err := NewFestival(FestivalOptions{Voice: "x) (quit"}); return err }, "bad voice"},
		{"festival stretch", func() error { _, err := NewFestival(FestivalOptions{Stretch: 5}); return err }, "stretch 5"},
	}
	for _, tt := range bad {
		if err := tt.err(); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want %q", tt.name, err, tt.want)
		}
	}
}

func benchmarkEngine(b *testing.B, name string) {
	v := newEngine(b, name)
	ctx := context.Background()
	var audio time.Duration
	for b.Loop() {
		a, err := v.Synthesize(ctx, typicalPhrase)
		if err != nil {
			b.Fatal(err)
		}
		audio = a.Duration()
	}
	b.ReportMetric(audio.Seconds(), "audio-s/op")
}

// BenchmarkSynthesizeEspeak: one 10-word phrase through espeak-ng,
// subprocess to 8 kHz PCM.
func BenchmarkSynthesizeEspeak(b *testing.B) { benchmarkEngine(b, EngineEspeak) }

// BenchmarkSynthesizeFestival: the same phrase through Festival's text2wave.
func BenchmarkSynthesizeFestival(b *testing.B) { benchmarkEngine(b, EngineFestival) }

func TestEspeakConcurrentCallsAreIndependent(t *testing.T) {
	v := newEngine(t, EngineEspeak)
	ctx := context.Background()
	phrases := []string{"раз", "два три", "четыре пять шесть", "семь", "восемь девять", "десять", "одиннадцать", "двенадцать"}
	want := make([][]int16, len(phrases))
	for i, p := range phrases {
		a, err := v.Synthesize(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		want[i] = a.PCM
	}
	got := make([][]int16, len(phrases))
	errs := make([]error, len(phrases))
	var wg sync.WaitGroup
	for i, p := range phrases {
		wg.Go(func() {
			a, err := v.Synthesize(ctx, p)
			got[i], errs[i] = a.PCM, err
		})
	}
	wg.Wait()
	for i := range phrases {
		if errs[i] != nil {
			t.Errorf("%q: %v", phrases[i], errs[i])
		} else if !slices.Equal(got[i], want[i]) {
			t.Errorf("%q: concurrent synthesis differs from the sequential one", phrases[i])
		}
	}
}
