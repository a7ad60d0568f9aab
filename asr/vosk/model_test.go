package vosk

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dozvon/dozvon/asr"
	"github.com/dozvon/dozvon/asr/internal/testaudio"
)

// These tests need a real Russian model (e.g. vosk-model-small-ru-0.22): they run when
// VOSK_MODEL names its directory. The audio is real recorded speech (the Russian digit prompts
// of Debian's asterisk-core-sounds-ru-wav).

// Loading the small model takes seconds, so the tests that need it share one (needModel).
var (
	modelOnce sync.Once
	testModel *Model
	modelErr  error
)

func needModel(t *testing.T) *Model {
	t.Helper()
	dir := os.Getenv("VOSK_MODEL")
	if dir == "" {
		t.Skip("VOSK_MODEL not set: point it at an unzipped Russian Vosk model (tools/fetch-model.sh) to run the recognition tests")
	}
	openTestLibrary(t)
	modelOnce.Do(func() { testModel, modelErr = LoadModel(dir, Options{}) })
	if modelErr != nil {
		t.Fatalf("LoadModel(%s): %v", dir, modelErr)
	}
	return testModel
}

// digit is a real recording of a Russian number word.
type digit struct {
	file, word string
}

var digits = []digit{
	{"1.wav", "один"}, {"2.wav", "два"}, {"3.wav", "три"}, {"4.wav", "четыре"},
	{"5.wav", "пять"}, {"7.wav", "семь"}, {"9.wav", "девять"},
}

func digitAudio(t *testing.T, d digit) []int16 {
	return testaudio.LoadWAV(t, filepath.Join(testaudio.AsteriskRU, "digits", d.file))
}

func recognize(t *testing.T, st asr.Stream, pcm []int16) asr.Result {
	t.Helper()
	for _, f := range testaudio.Frames(testaudio.Concat(testaudio.Silence(300*time.Millisecond), pcm, testaudio.Silence(500*time.Millisecond)), 160) {
		if err := st.Accept(f); err != nil {
			t.Fatalf("Accept: %v", err)
		}
	}
	res, err := st.Final()
	if err != nil {
		t.Fatalf("Final: %v", err)
	}
	return res
}

func TestModelGrammarDigits(t *testing.T) {
	m := needModel(t)
	if !m.Layout().Grammar {
		t.Skipf("model %s has a static graph; grammar test needs a small model", m.Layout().Dir)
	}
	var words []string
	for _, d := range digits {
		words = append(words, d.word)
	}
	st, err := m.NewStream(context.Background(), asr.StreamConfig{SampleRate: 8000, Grammar: words})
	if err != nil {
		t.Fatalf("NewStream: %v", err)
	}
	defer st.Close()
	// One stream, utterance after utterance, as in a call.
	for _, d := range digits {
		res := recognize(t, st, digitAudio(t, d))
		if res.Text != d.word {
			t.Errorf("%s: recognised %q, want %q", d.file, res.Text, d.word)
			continue
		}
		if len(res.Words) != 1 || res.Words[0].Text != d.word {
			t.Fatalf("%s: words %+v, want one word %q", d.file, res.Words, d.word)
		}
		w := res.Words[0]
		// 300 ms of silence precede the word; times are from the utterance's first sample.
		if w.Start < 200*time.Millisecond || w.End <= w.Start || w.End > 300*time.Millisecond+testaudio.Duration(len(digitAudio(t, d)))+200*time.Millisecond {
			t.Errorf("%s: word times %v..%v outside the audio", d.file, w.Start, w.End)
		}
		if res.Confidence <= 0 || res.Confidence > 1 {
			t.Errorf("%s: confidence %v out of (0, 1]", d.file, res.Confidence)
		}
	}
}

func TestModelFreeSpeechAndPartial(t *testing.T) {
	m := needModel(t)
	st, err := m.NewStream(context.Background(), asr.StreamConfig{})
	if err != nil {
		t.Fatalf("NewStream: %v", err)
	}
	defer st.Close()
	if p, err := st.Partial(); err != nil || p != "" {
		t.Fatalf("Partial before audio = %q, %v; want empty", p, err)
	}
	if res, err := st.Final(); err != nil || res.Text != "" || len(res.Words) != 0 {
		t.Fatalf("Final before audio = %+v, %v; want empty", res, err)
	}
	audio := testaudio.Concat(digitAudio(t, digits[1]), testaudio.Silence(200*time.Millisecond), digitAudio(t, digits[2]))
	for _, f := range testaudio.Frames(audio, 160) {
		if err := st.Accept(f); err != nil {
			t.Fatal(err)
		}
	}
	p, err := st.Partial()
	if err != nil || p == "" {
		t.Errorf("Partial after speech = %q, %v; want a hypothesis", p, err)
	}
	res, err := st.Final()
	if err != nil || res.Text == "" {
		t.Fatalf("Final = %+v, %v; want some text", res, err)
	}
	t.Logf("free speech: partial %q, final %q (confidence %.2f)", p, res.Text, res.Confidence)
	if res2, err := st.Final(); err != nil || res2.Text != "" {
		t.Errorf("second Final without audio = %+v, %v; want empty", res2, err)
	}
}

func TestModelStreamErrors(t *testing.T) {
	m := needModel(t)
	ctx := context.Background()
	if m.Layout().Grammar {
		_, err := m.NewStream(ctx, asr.StreamConfig{Grammar: []string{"да", "абырвалгщщ"}})
		if err == nil || !strings.Contains(err.Error(), "абырвалгщщ") {
			t.Errorf("grammar with an unknown word: error %v, want one naming the word", err)
		}
	} else {
		_, err := m.NewStream(ctx, asr.StreamConfig{Grammar: []string{"да"}})
		if !errors.Is(err, ErrGrammarUnsupported) {
			t.Errorf("grammar on a static-graph model: error %v, want ErrGrammarUnsupported", err)
		}
	}
	if _, err := m.NewStream(ctx, asr.StreamConfig{SampleRate: 1000}); err == nil {
		t.Error("sample rate 1000 accepted")
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := m.NewStream(cctx, asr.StreamConfig{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: error %v", err)
	}
	st, err := m.NewStream(ctx, asr.StreamConfig{})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if err := st.Accept(make([]int16, 160)); err == nil {
		t.Error("Accept after Close succeeded")
	}
	if _, err := st.Final(); err == nil {
		t.Error("Final after Close succeeded")
	}
}

// TestModelConcurrentStreams: one shared model, one stream per goroutine (as per call).
func TestModelConcurrentStreams(t *testing.T) {
	m := needModel(t)
	if !m.Layout().Grammar {
		t.Skip("needs a grammar-capable (small) model")
	}
	const calls = 16
	var wg sync.WaitGroup
	errs := make(chan string, calls)
	for i := range calls {
		d := digits[i%len(digits)]
		pcm := digitAudio(t, d)
		wg.Go(func() {
			st, err := m.NewStream(context.Background(), asr.StreamConfig{Grammar: []string{"один", "два", "три", "четыре", "пять", "семь", "девять"}})
			if err != nil {
				errs <- err.Error()
				return
			}
			defer st.Close()
			for _, f := range testaudio.Frames(testaudio.Concat(testaudio.Silence(200*time.Millisecond), pcm, testaudio.Silence(400*time.Millisecond)), 160) {
				if err := st.Accept(f); err != nil {
					errs <- err.Error()
					return
				}
			}
			res, err := st.Final()
			if err != nil || res.Text != d.word {
				errs <- d.file + ": got " + res.Text + ", want " + d.word
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

// TestSegmenterFeedsVosk is the media loop in miniature: VAD frames in, recognizer fed only
// around speech, one Final per utterance.
func TestSegmenterFeedsVosk(t *testing.T) {
	m := needModel(t)
	if !m.Layout().Grammar {
		t.Skip("needs a grammar-capable (small) model")
	}
	st, err := m.NewStream(context.Background(), asr.StreamConfig{Grammar: []string{"один", "два", "три", "четыре", "пять", "семь", "девять"}})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	seg, err := asr.NewSegmenter(asr.DefaultVADConfig())
	if err != nil {
		t.Fatal(err)
	}
	audio := testaudio.Concat(testaudio.Silence(time.Second), digitAudio(t, digits[0]), testaudio.Silence(1500*time.Millisecond),
		digitAudio(t, digits[4]), testaudio.Silence(1500*time.Millisecond))
	audio = testaudio.Mix(audio, testaudio.WhiteNoise(testaudio.Duration(len(audio)), -50, 1), 0)
	var got []string
	for _, f := range testaudio.Frames(audio, 160) {
		ev, feed := seg.Push(f)
		for _, b := range feed {
			if err := st.Accept(b); err != nil {
				t.Fatal(err)
			}
		}
		if ev == asr.SpeechEnd || ev == asr.MaxLength {
			res, err := st.Final()
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, res.Text)
		}
	}
	if strings.Join(got, ",") != "один,пять" {
		t.Errorf("utterances %q, want [один пять]", got)
	}
	rec, fed := seg.Stats()
	t.Logf("received %v, fed %v", rec, fed)
}

// BenchmarkStreamAccept measures libvosk's cost for one 20 ms frame of speech with a grammar
// (the recognizer is only fed around speech, so this is the per-speaking-call cost).
func BenchmarkStreamAccept(b *testing.B) {
	dir := os.Getenv("VOSK_MODEL")
	if dir == "" {
		b.Skip("VOSK_MODEL not set")
	}
	m, err := LoadModel(dir, Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer m.Close()
	frames := testaudio.Frames(testaudio.LoadWAV(b, filepath.Join(testaudio.AsteriskRU, "agent-pass.wav")), 160)
	cfg := asr.StreamConfig{}
	if m.Layout().Grammar {
		cfg.Grammar = []string{"да", "нет"}
	}
	st, err := m.NewStream(context.Background(), cfg)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if err := st.Accept(frames[i%len(frames)]); err != nil {
			b.Fatal(err)
		}
		if i%len(frames) == len(frames)-1 {
			if _, err := st.Final(); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// A stream opened for free speech takes a listen step's hints as its grammar from the next
// utterance on, and returns to free speech after.
func TestModelSetGrammarBetweenUtterances(t *testing.T) {
	m := needModel(t)
	if !m.Layout().Grammar {
		t.Skipf("model %s has a static graph; per-step grammars need a small model", m.Layout().Dir)
	}
	st, err := m.NewStream(context.Background(), asr.StreamConfig{SampleRate: 8000})
	if err != nil {
		t.Fatalf("NewStream: %v", err)
	}
	defer st.Close()
	var words []string
	for _, d := range digits {
		words = append(words, d.word)
	}
	recognize(t, st, digitAudio(t, digits[0])) // an utterance under free speech first
	if err := asr.SetGrammar(st, words); err != nil {
		t.Fatalf("SetGrammar: %v", err)
	}
	for _, d := range digits {
		if res := recognize(t, st, digitAudio(t, d)); res.Text != d.word {
			t.Errorf("%s under the step's grammar: recognised %q, want %q", d.file, res.Text, d.word)
		}
	}
	// out-of-grammar speech comes out as the free recognizer heard it, never as a grammar word
	if err := asr.SetGrammar(st, []string{"да", "нет"}); err != nil {
		t.Fatalf("SetGrammar: %v", err)
	}
	if res := recognize(t, st, digitAudio(t, digits[4])); res.Text == "да" || res.Text == "нет" {
		t.Errorf("«пять» with hints [да нет]: recognised %q, want the free recognition", res.Text)
	}
	if err := asr.SetGrammar(st, nil); err != nil {
		t.Fatalf("SetGrammar(nil): %v", err)
	}
	if res := recognize(t, st, digitAudio(t, digits[4])); res.Text == "" || res.Text == asr.UnknownWord {
		t.Errorf("free speech again: recognised %q, want words", res.Text)
	}
}
