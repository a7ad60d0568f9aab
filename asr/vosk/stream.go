package vosk

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"
	"time"
	"unsafe"

	"github.com/dozvon/dozvon/asr"
)

var _ asr.Recognizer = (*Model)(nil)

// NewStream creates one Vosk recognizer for one call: free speech, or restricted to
// cfg.Grammar (the model must support grammars, and every grammar word must be in its
// vocabulary; otherwise the error names the word or wraps ErrGrammarUnsupported).
func (m *Model) NewStream(ctx context.Context, cfg asr.StreamConfig) (asr.Stream, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("vosk: new stream: %w", err)
	}
	rate := cfg.SampleRate
	if rate == 0 {
		rate = 8000
	}
	if rate < 8000 || rate > 48000 {
		return nil, fmt.Errorf("vosk: new stream: sample rate %d Hz out of range 8000..48000", rate)
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	if m.ptr == nil {
		return nil, errors.New("vosk: new stream: model is closed")
	}
	grammar, err := m.grammarJSON(cfg.Grammar)
	if err != nil {
		return nil, fmt.Errorf("vosk: new stream: %w", err)
	}
	rec, err := m.newRecognizer(rate, grammar)
	if err != nil {
		return nil, fmt.Errorf("vosk: new stream: %w", err)
	}
	return &stream{m: m, api: m.api, main: recog{rec: rec, uttStart: -1}, rate: rate}, nil
}

// grammarJSON is the grammar argument for libvosk: "" for free speech (no phrases), else the
// phrases spelled for the model as a JSON list ending in "[unk]". Call with m.mu held.
func (m *Model) grammarJSON(phrases []string) (string, error) {
	if len(phrases) == 0 {
		return "", nil
	}
	if !m.layout.Grammar {
		return "", fmt.Errorf("model %s has a static graph (graph/HCLG.fst): %w", m.layout.Dir, ErrGrammarUnsupported)
	}
	spelled, err := m.spellForModel(phrases)
	if err != nil {
		return "", err
	}
	return asr.GrammarJSON(spelled)
}

// newRecognizer creates one libvosk recognizer with words on. Call with m.mu held.
func (m *Model) newRecognizer(rate int, grammar string) (unsafe.Pointer, error) {
	rec := m.api.recognizerNew(m.ptr, rate, grammar)
	if rec == nil {
		return nil, fmt.Errorf("libvosk could not create a recognizer (rate %d, grammar %q)", rate, grammar)
	}
	m.api.recognizerSetWords(rec, true)
	return rec, nil
}

// spellForModel normalises grammar phrases and checks every word against the model's
// vocabulary (libvosk only logs a warning for an unknown word and then never recognises it);
// a word with "ё" that the model spells with "е" is respelled. Call with m.mu held.
func (m *Model) spellForModel(phrases []string) ([]string, error) {
	out := make([]string, 0, len(phrases))
	for i, p := range phrases {
		words := strings.Fields(asr.NormalizePhrase(p))
		if len(words) == 0 {
			return nil, fmt.Errorf("grammar phrase %d %q has no words", i, p)
		}
		for j, w := range words {
			if w == asr.UnknownWord || m.api.modelFindWord(m.ptr, w) >= 0 {
				continue
			}
			if alt := strings.ReplaceAll(w, "ё", "е"); alt != w && m.api.modelFindWord(m.ptr, alt) >= 0 {
				words[j] = alt
				continue
			}
			return nil, fmt.Errorf("grammar phrase %d %q: word %q is not in the model's vocabulary", i, p, w)
		}
		out = append(out, strings.Join(words, " "))
	}
	return out, nil
}

// stream is one call's libvosk recognizer, and while a listen step has hints a second one
// restricted to them (see SetGrammar). The mutex makes Close from another goroutine (hang-up)
// safe against an Accept in progress; it is uncontended in the normal single-goroutine use.
type stream struct {
	m    *Model
	api  recognizerAPI
	rate int

	mu   sync.Mutex
	main recog  // what NewStream made; its rec is nil once closed
	hint *recog // the step's grammar recognizer, nil without hints
	// hintGrammar is the JSON hint was made with; next is the one SetGrammar asked for
	// ("" for none), applied when the next utterance begins.
	hintGrammar, next string
}

// recog is one libvosk recognizer and the state of its current utterance.
type recog struct {
	rec unsafe.Pointer // C VoskRecognizer*
	// total samples fed since the recognizer was created; libvosk's word times count from there.
	total int64
	// uttStart is total at the first Accept of the current utterance; -1 when none is open.
	uttStart int64
	// segments closed by libvosk's own endpointer inside the current utterance; Final joins them.
	segments []voskResult
}

func (r *recog) accept(api recognizerAPI, pcm []int16) error {
	if r.uttStart < 0 {
		r.uttStart = r.total
	}
	rc := api.recognizerAccept(r.rec, pcm)
	r.total += int64(len(pcm))
	switch rc {
	case 0:
		return nil
	case 1:
		// Vosk's endpointer closed a segment; fetch it now or the next Accept discards it.
		res, err := parseResult(api.recognizerResult(r.rec))
		if err != nil {
			return err
		}
		if res.Text != "" {
			r.segments = append(r.segments, res)
		}
		return nil
	default:
		return fmt.Errorf("libvosk failed on %d samples", len(pcm))
	}
}

func (r *recog) final(api recognizerAPI, rate int) (asr.Result, error) {
	last, err := parseResult(api.recognizerFinal(r.rec))
	segs := append(r.segments, last)
	start := r.uttStart
	r.segments, r.uttStart = r.segments[:0], -1
	if err != nil {
		return asr.Result{}, err
	}
	return combine(segs, float64(start)/float64(rate)), nil
}

// SetGrammar implements asr.GrammarSetter with the step's phrases as recognition hints: from
// the next utterance on, a second recognizer made by vosk_recognizer_new_grm with the phrases
// and "[unk]" hears the same audio as the stream's own, and Final returns its result when the
// whole utterance is in the grammar, the stream's own result otherwise. A strict grammar alone
// would deafen a step to what its author did not list — "вы ошиблись номером" at a step hinted
// [да, нет, это я] would come out as "[unk] [unk]" —, while the grammar recognizer is the more
// accurate one on the phrases it knows (Vosk's documentation). Partial results stay the
// stream's own. The phrases are checked against the model at once (an error leaves the stream
// as it was); an unchanged grammar keeps its recognizer; nil drops it. libvosk 0.3.39, the one
// npm serves, has no vosk_recognizer_set_grm, so a new grammar is a new recognizer.
func (s *stream) SetGrammar(phrases []string) error {
	// the model's lock is not held while taking the stream's: Accept takes them the other way
	g, err := func() (string, error) {
		s.m.mu.RLock()
		defer s.m.mu.RUnlock()
		if s.m.ptr == nil {
			return "", errors.New("model is closed")
		}
		return s.m.grammarJSON(phrases)
	}()
	if err != nil {
		return fmt.Errorf("vosk: set grammar: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.main.rec == nil {
		return errors.New("vosk: set grammar: stream is closed")
	}
	s.next = g
	return nil
}

// regrammar makes, replaces or drops the hint recognizer as SetGrammar asked. Call with s.mu
// held, between utterances.
func (s *stream) regrammar() error {
	if s.next == s.hintGrammar {
		return nil
	}
	s.freeHint()
	if s.next == "" {
		return nil
	}
	s.m.mu.RLock()
	defer s.m.mu.RUnlock()
	if s.m.ptr == nil {
		return errors.New("model is closed")
	}
	rec, err := s.m.newRecognizer(s.rate, s.next)
	if err != nil {
		return err
	}
	s.hint, s.hintGrammar = &recog{rec: rec, uttStart: -1}, s.next
	return nil
}

func (s *stream) freeHint() {
	if s.hint != nil {
		s.api.recognizerFree(s.hint.rec)
		s.hint, s.hintGrammar = nil, ""
	}
}

func (s *stream) Accept(pcm []int16) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.main.rec == nil {
		return errors.New("vosk: accept: stream is closed")
	}
	if len(pcm) == 0 {
		return nil
	}
	if s.main.uttStart < 0 {
		if err := s.regrammar(); err != nil {
			return fmt.Errorf("vosk: accept: hints for the next utterance: %w", err)
		}
	}
	if err := s.main.accept(s.api, pcm); err != nil {
		return fmt.Errorf("vosk: accept: %w", err)
	}
	if s.hint != nil {
		if err := s.hint.accept(s.api, pcm); err != nil {
			return fmt.Errorf("vosk: accept: hint recognizer: %w", err)
		}
	}
	return nil
}

func (s *stream) Partial() (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.main.rec == nil {
		return "", errors.New("vosk: partial: stream is closed")
	}
	if s.main.uttStart < 0 {
		return "", nil
	}
	var p struct {
		Partial string `json:"partial"`
	}
	raw := s.api.recognizerPartial(s.main.rec)
	if err := json.Unmarshal([]byte(raw), &p); err != nil {
		return "", fmt.Errorf("vosk: partial: bad JSON from libvosk %q: %w", raw, err)
	}
	parts := make([]string, 0, len(s.main.segments)+1)
	for _, seg := range s.main.segments {
		parts = append(parts, seg.Text)
	}
	if p.Partial != "" {
		parts = append(parts, p.Partial)
	}
	return strings.Join(parts, " "), nil
}

func (s *stream) Final() (asr.Result, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.main.rec == nil {
		return asr.Result{}, errors.New("vosk: final: stream is closed")
	}
	if s.main.uttStart < 0 {
		return asr.Result{}, nil
	}
	res, err := s.main.final(s.api, s.rate)
	if err != nil {
		return asr.Result{}, fmt.Errorf("vosk: final: %w", err)
	}
	if s.hint == nil || s.hint.uttStart < 0 {
		return res, nil
	}
	hinted, err := s.hint.final(s.api, s.rate)
	if err != nil {
		return asr.Result{}, fmt.Errorf("vosk: final: hint recognizer: %w", err)
	}
	return pickHinted(res, hinted), nil
}

// pickHinted returns the grammar recognizer's result when it heard words and all of them are
// in the grammar, else the free recognizer's.
func pickHinted(free, hinted asr.Result) asr.Result {
	if len(hinted.Words) == 0 || hinted.Text == "" {
		return free
	}
	for _, w := range hinted.Words {
		if w.Text == asr.UnknownWord {
			return free
		}
	}
	return hinted
}

func (s *stream) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.main.rec != nil {
		s.freeHint()
		s.api.recognizerFree(s.main.rec)
		s.main.rec = nil
	}
	return nil
}

// voskResult is libvosk's result JSON with words enabled (vosk_recognizer_set_words):
// {"result": [{"conf": 1.0, "end": 1.02, "start": 0.51, "word": "да"}], "text": "да"}.
type voskResult struct {
	Text   string `json:"text"`
	Result []struct {
		Word  string  `json:"word"`
		Start float64 `json:"start"`
		End   float64 `json:"end"`
		Conf  float64 `json:"conf"`
	} `json:"result"`
}

func parseResult(raw string) (voskResult, error) {
	var r voskResult
	if err := json.Unmarshal([]byte(raw), &r); err != nil {
		return voskResult{}, fmt.Errorf("bad result JSON from libvosk %q: %w", raw, err)
	}
	return r, nil
}

// combine joins the segments of one utterance; word times become offsets from offset seconds
// (the utterance's first sample in libvosk's stream clock).
func combine(segs []voskResult, offset float64) asr.Result {
	var res asr.Result
	var texts []string
	sum := 0.0
	for _, seg := range segs {
		if seg.Text != "" {
			texts = append(texts, seg.Text)
		}
		for _, w := range seg.Result {
			res.Words = append(res.Words, asr.Word{
				Text:  w.Word,
				Start: secondsFrom(w.Start, offset),
				End:   secondsFrom(w.End, offset),
				Conf:  w.Conf,
			})
			sum += w.Conf
		}
	}
	res.Text = strings.Join(texts, " ")
	if len(res.Words) > 0 {
		res.Confidence = sum / float64(len(res.Words))
	}
	return res
}

func secondsFrom(t, offset float64) time.Duration {
	d := math.Max(0, t-offset)
	return time.Duration(math.Round(d * float64(time.Second)))
}
