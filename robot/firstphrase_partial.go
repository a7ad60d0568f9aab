package robot

import (
	"context"
	"time"

	"github.com/dozvon/dozvon/asr"
)

// partialEvery is how much speech passes between two looks at the
// recognizer's partial hypothesis while the first phrase is undecided.
const partialEvery = 200 * time.Millisecond

// partialRecognizer wraps the call's recognizer so that the first-phrase
// detector sees partial hypotheses as they form: VoiceConversation hands on
// final results only, which come 700 ms after the speech ends, while a
// keyword ("голосовой помощник") is decisive as soon as it is heard.
// Partials are asked for on the recognizer goroutine (the stream's own), only
// until the verdict.
type partialRecognizer struct {
	asr.Recognizer
	fp *firstPhrase
}

func (r partialRecognizer) NewStream(ctx context.Context, cfg asr.StreamConfig) (asr.Stream, error) {
	s, err := r.Recognizer.NewStream(ctx, cfg)
	if err != nil {
		return nil, err
	}
	rate := cfg.SampleRate
	if rate <= 0 {
		rate = 8000
	}
	return &partialStream{Stream: s, fp: r.fp, every: int(partialEvery * time.Duration(rate) / time.Second)}, nil
}

type partialStream struct {
	asr.Stream
	fp    *firstPhrase
	every int // samples between looks
	fed   int
	last  string
}

func (s *partialStream) Accept(pcm []int16) error {
	if err := s.Stream.Accept(pcm); err != nil {
		return err
	}
	s.fed += len(pcm)
	if s.fed < s.every || !s.fp.undecided() {
		return nil
	}
	s.fed = 0
	p, err := s.Stream.Partial()
	if err != nil {
		return nil // a failed look at the partial is not a failed Accept
	}
	if p == "" || p == s.last {
		return nil
	}
	s.last = p
	s.fp.text(p, false)
	return nil
}

func (s *partialStream) Final() (asr.Result, error) {
	s.fed, s.last = 0, ""
	return s.Stream.Final()
}

// SetGrammar hands a listen step's hints to the wrapped stream (see asr.GrammarSetter).
func (s *partialStream) SetGrammar(phrases []string) error {
	return asr.SetGrammar(s.Stream, phrases)
}
