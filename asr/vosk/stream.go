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
	if len(cfg.Grammar) > 0 && !m.layout.Grammar {
		return nil, fmt.Errorf("vosk: new stream: model %s has a static graph (graph/HCLG.fst): %w",
			m.layout.Dir, ErrGrammarUnsupported)
	}

	m.mu.RLock()
	defer m.mu.RUnlock()
	if m.ptr == nil {
		return nil, errors.New("vosk: new stream: model is closed")
	}
	var grammar string
	if len(cfg.Grammar) > 0 {
		phrases, err := m.spellForModel(cfg.Grammar)
		if err != nil {
			return nil, fmt.Errorf("vosk: new stream: %w", err)
		}
		if grammar, err = asr.GrammarJSON(phrases); err != nil {
			return nil, fmt.Errorf("vosk: new stream: %w", err)
		}
	}
	rec := m.lib.recognizerNew(m.ptr, rate, grammar)
	if rec == nil {
		return nil, fmt.Errorf("vosk: new stream: libvosk could not create a recognizer (rate %d, grammar %q)", rate, grammar)
	}
	m.lib.recognizerSetWords(rec, true)
	return &stream{lib: m.lib, rec: rec, rate: rate, uttStart: -1}, nil
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
			if w == asr.UnknownWord || m.lib.modelFindWord(m.ptr, w) >= 0 {
				continue
			}
			if alt := strings.ReplaceAll(w, "ё", "е"); alt != w && m.lib.modelFindWord(m.ptr, alt) >= 0 {
				words[j] = alt
				continue
			}
			return nil, fmt.Errorf("grammar phrase %d %q: word %q is not in the model's vocabulary", i, p, w)
		}
		out = append(out, strings.Join(words, " "))
	}
	return out, nil
}

// stream is one libvosk recognizer. The mutex makes Close from another goroutine (hang-up)
// safe against an Accept in progress; it is uncontended in the normal single-goroutine use.
type stream struct {
	lib  *Library
	rate int

	mu  sync.Mutex
	rec unsafe.Pointer // C VoskRecognizer*, nil once closed
	// total samples fed since the recognizer was created; libvosk's word times count from there.
	total int64
	// uttStart is total at the first Accept of the current utterance; -1 when none is open.
	uttStart int64
	// segments closed by libvosk's own endpointer inside the current utterance; Final joins them.
	segments []voskResult
}

func (s *stream) Accept(pcm []int16) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.rec == nil {
		return errors.New("vosk: accept: stream is closed")
	}
	if len(pcm) == 0 {
		return nil
	}
	if s.uttStart < 0 {
		s.uttStart = s.total
	}
	rc := s.lib.recognizerAccept(s.rec, pcm)
	s.total += int64(len(pcm))
	switch rc {
	case 0:
		return nil
	case 1:
		// Vosk's endpointer closed a segment; fetch it now or the next Accept discards it.
		r, err := parseResult(s.lib.recognizerResult(s.rec))
		if err != nil {
			return fmt.Errorf("vosk: accept: %w", err)
		}
		if r.Text != "" {
			s.segments = append(s.segments, r)
		}
		return nil
	default:
		return fmt.Errorf("vosk: accept: libvosk failed on %d samples", len(pcm))
	}
}

func (s *stream) Partial() (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.rec == nil {
		return "", errors.New("vosk: partial: stream is closed")
	}
	if s.uttStart < 0 {
		return "", nil
	}
	var p struct {
		Partial string `json:"partial"`
	}
	raw := s.lib.recognizerPartial(s.rec)
	if err := json.Unmarshal([]byte(raw), &p); err != nil {
		return "", fmt.Errorf("vosk: partial: bad JSON from libvosk %q: %w", raw, err)
	}
	parts := make([]string, 0, len(s.segments)+1)
	for _, seg := range s.segments {
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
	if s.rec == nil {
		return asr.Result{}, errors.New("vosk: final: stream is closed")
	}
	if s.uttStart < 0 {
		return asr.Result{}, nil
	}
	last, err := parseResult(s.lib.recognizerFinal(s.rec))
	segs := append(s.segments, last)
	start := s.uttStart
	s.segments, s.uttStart = s.segments[:0], -1
	if err != nil {
		return asr.Result{}, fmt.Errorf("vosk: final: %w", err)
	}
	return combine(segs, float64(start)/float64(s.rate)), nil
}

func (s *stream) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.rec != nil {
		s.lib.recognizerFree(s.rec)
		s.rec = nil
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
