package vosk

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"unsafe"

	"github.com/dozvon/dozvon/asr"
)

// recordingAPI stands in for libvosk: it records the grammar each recognizer was created with
// and which recognizers were freed, knows a fixed vocabulary, and gives each recognizer the
// final result set for its grammar. It lets the call path from a listen step's hints to
// vosk_recognizer_new_grm be tested without libvosk or a model.
type recordingAPI struct {
	vocab   map[string]bool
	created []string // grammar argument of each recognizerNew, in order ("" = free speech)
	grammar map[*byte]string
	freed   map[*byte]bool
	finals  map[string]string // grammar → final-result JSON of its recognizers
}

func (a *recordingAPI) modelFindWord(_ unsafe.Pointer, w string) int {
	if a.vocab[w] {
		return 1
	}
	return -1
}

func (a *recordingAPI) recognizerNew(_ unsafe.Pointer, _ int, grammar string) unsafe.Pointer {
	a.created = append(a.created, grammar)
	h := new(byte)
	a.grammar[h] = grammar
	return unsafe.Pointer(h)
}

func (a *recordingAPI) recognizerSetWords(unsafe.Pointer, bool)      {}
func (a *recordingAPI) recognizerAccept(unsafe.Pointer, []int16) int { return 0 }
func (a *recordingAPI) recognizerResult(unsafe.Pointer) string       { return `{"text":""}` }
func (a *recordingAPI) recognizerPartial(unsafe.Pointer) string      { return `{"partial":""}` }
func (a *recordingAPI) recognizerFinal(r unsafe.Pointer) string {
	if js, ok := a.finals[a.grammar[(*byte)(r)]]; ok {
		return js
	}
	return `{"text":""}`
}
func (a *recordingAPI) recognizerFree(r unsafe.Pointer) { a.freed[(*byte)(r)] = true }
func (a *recordingAPI) last() string                    { return a.created[len(a.created)-1] }
func (a *recordingAPI) live() int                       { return len(a.grammar) - len(a.freed) }

func newRecordingModel(grammar bool, words ...string) (*Model, *recordingAPI) {
	api := &recordingAPI{vocab: map[string]bool{}, grammar: map[*byte]string{}, freed: map[*byte]bool{}, finals: map[string]string{}}
	for _, w := range words {
		api.vocab[w] = true
	}
	return &Model{api: api, layout: Layout{Dir: "/models/test", Grammar: grammar}, ptr: unsafe.Pointer(new(byte))}, api
}

// finalJSON is libvosk's final result for the given words.
func finalJSON(words ...string) string {
	var b strings.Builder
	b.WriteString(`{"result":[`)
	for i, w := range words {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"word":%q,"start":%d.1,"end":%d.4,"conf":0.9}`, w, i, i)
	}
	fmt.Fprintf(&b, `],"text":%q}`, strings.Join(words, " "))
	return b.String()
}

// A listen step's hints reach libvosk's recognizer factory as a grammar JSON list with "[unk]",
// from the next utterance on, beside the free-speech recognizer; the hinted result is taken
// when the utterance is all in the grammar, the free one otherwise; free speech alone comes
// back when a step has no hints.
func TestStreamSetGrammarReachesRecognizerFactory(t *testing.T) {
	t.Parallel()
	m, api := newRecordingModel(true, "да", "нет", "не", "знаю", "перезвоните", "елка")
	st, err := m.NewStream(context.Background(), asr.StreamConfig{})
	if err != nil {
		t.Fatalf("NewStream: %v", err)
	}
	frame := make([]int16, 160)
	utterance := func() asr.Result { return recognize(t, st, frame) } // model_test.go's feeder
	if len(api.created) != 1 || api.last() != "" {
		t.Fatalf("first recognizer grammars %q, want one free-speech recognizer", api.created)
	}

	// an utterance in progress keeps its recognizers; the next one gets the step's grammar
	if err := st.Accept(frame); err != nil {
		t.Fatal(err)
	}
	if err := asr.SetGrammar(st, []string{"Да!", "нет", "Не знаю", "да"}); err != nil {
		t.Fatalf("SetGrammar: %v", err)
	}
	if len(api.created) != 1 {
		t.Fatalf("a recognizer was made mid-utterance: %q", api.created)
	}
	if _, err := st.Final(); err != nil {
		t.Fatal(err)
	}
	const grm = `["да","нет","не знаю","[unk]"]`
	api.finals[""] = finalJSON("ну", "да")
	api.finals[grm] = finalJSON("да")
	if res := utterance(); res.Text != "да" {
		t.Errorf("utterance in the grammar: %q, want the hinted «да»", res.Text)
	}
	if len(api.created) != 2 || api.last() != grm {
		t.Fatalf("grammars %q, want the second %s", api.created, grm)
	}
	if api.live() != 2 {
		t.Fatalf("%d live recognizers, want the free one and the hinted one", api.live())
	}
	api.finals[""] = finalJSON("вы", "ошиблись", "номером")
	api.finals[grm] = finalJSON("[unk]", "[unk]", "нет")
	if res := utterance(); res.Text != "вы ошиблись номером" {
		t.Errorf("utterance outside the grammar: %q, want the free recognizer's", res.Text)
	}

	// the same grammar again keeps the recognizer
	if err := st.(asr.GrammarSetter).SetGrammar([]string{"да", "нет", "не знаю"}); err != nil {
		t.Fatal(err)
	}
	utterance()
	if len(api.created) != 2 {
		t.Fatalf("an unchanged grammar made a recognizer: %q", api.created)
	}

	// a word outside the model's vocabulary is an error naming it; the grammar stays
	err = asr.SetGrammar(st, []string{"да", "сейчас"})
	if err == nil || !strings.Contains(err.Error(), `"сейчас"`) {
		t.Fatalf("SetGrammar with an unknown word: %v, want an error naming it", err)
	}
	utterance()
	if len(api.created) != 2 {
		t.Fatalf("a refused grammar changed the recognizers: %q", api.created)
	}

	// "ё" respelled as the model spells it; then a step without hints drops the grammar
	if err := asr.SetGrammar(st, []string{"Ёлка"}); err != nil {
		t.Fatal(err)
	}
	utterance()
	if want := `["елка","[unk]"]`; api.last() != want || api.live() != 2 {
		t.Fatalf("grammar %s with %d live recognizers, want %s replacing the old one", api.last(), api.live(), want)
	}
	if err := asr.SetGrammar(st, nil); err != nil {
		t.Fatal(err)
	}
	if res := utterance(); res.Text != "вы ошиблись номером" || api.live() != 1 {
		t.Fatalf("after hints were cleared: %q with %d live recognizers; want free speech alone", res.Text, api.live())
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	if api.live() != 0 {
		t.Fatalf("%d recognizers left after Close", api.live())
	}
	if err := asr.SetGrammar(st, []string{"да"}); err == nil {
		t.Fatal("SetGrammar on a closed stream: no error")
	}
}

func TestStreamSetGrammarStaticGraph(t *testing.T) {
	t.Parallel()
	m, api := newRecordingModel(false, "да")
	st, err := m.NewStream(context.Background(), asr.StreamConfig{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := asr.SetGrammar(st, []string{"да"}); !errors.Is(err, ErrGrammarUnsupported) {
		t.Fatalf("SetGrammar on a static-graph model: %v, want ErrGrammarUnsupported", err)
	}
	if err := asr.SetGrammar(st, nil); err != nil {
		t.Fatalf("free speech on a static-graph model: %v", err)
	}
	if len(api.created) != 1 {
		t.Fatalf("grammars %q, want the one free-speech recognizer", api.created)
	}
}
