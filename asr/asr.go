package asr

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Recognizer creates recognition streams. One Recognizer (for Vosk: one loaded model) serves
// every call in the process; each call listens through its own Stream.
type Recognizer interface {
	NewStream(ctx context.Context, cfg StreamConfig) (Stream, error)
}

// StreamConfig configures one recognition stream.
type StreamConfig struct {
	// SampleRate of the PCM passed to Accept, in Hz; 0 means 8000 (G.711 telephony).
	SampleRate int
	// Grammar restricts recognition to these phrases (e.g. "да", "нет", "не знаю").
	// Empty means free speech. See GrammarJSON for how phrases are normalised.
	Grammar []string
}

// Stream recognises one call's audio, utterance by utterance. A Stream is used by one
// goroutine at a time (the call's media loop); Close may be called from another goroutine.
type Stream interface {
	// Accept feeds mono 16-bit PCM at the configured sample rate; any length, including zero.
	Accept(pcm []int16) error
	// Partial returns the current hypothesis for the utterance in progress ("" before any speech).
	Partial() (string, error)
	// Final ends the current utterance: it flushes the recogniser, returns the final result
	// and resets the stream so that the next Accept starts a new utterance.
	Final() (Result, error)
	// Close releases the stream; further calls return an error. Close is idempotent.
	Close() error
}

// Result is the final recognition of one utterance.
type Result struct {
	// Text is the recognised words joined by single spaces ("" when nothing was recognised).
	// With a grammar, out-of-grammar speech comes out as the word "[unk]".
	Text string
	// Confidence is the mean of the words' confidences in [0, 1]; 0 when there are no words.
	Confidence float64
	// Words are in spoken order.
	Words []Word
}

// Word is one recognised word. Start and End are offsets from the first sample fed to the
// stream for this utterance (with the Segmenter, that is the start of the pre-roll).
type Word struct {
	Text       string
	Start, End time.Duration
	Conf       float64
}

// GrammarSetter is a Stream whose grammar can change between utterances: a dialogue's listen
// step narrows recognition to the phrases its script expects (the step's `hints:`), and the
// next step may widen it again. It is optional, so that text-level and test streams need not
// implement it; SetGrammar below is how callers use it.
type GrammarSetter interface {
	// SetGrammar makes phrases (with "[unk]" for anything else) the grammar of the following
	// utterances, as hints: an implementation may prefer an in-grammar result over a free one
	// rather than refuse what is outside it (asr/vosk does). nil or empty returns to free
	// speech. An utterance in progress finishes as it began. A phrase the recognizer cannot
	// take is an error naming it, and the stream then keeps its previous grammar.
	SetGrammar(phrases []string) error
}

// ErrNoGrammar is wrapped by SetGrammar when a stream cannot change its grammar.
var ErrNoGrammar = errors.New("stream does not take per-utterance grammars")

// SetGrammar asks s to use phrases as its grammar from the next utterance on (see
// GrammarSetter). A stream that cannot is an error wrapping ErrNoGrammar when phrases are
// given, and no error when they are not (free speech is what it does anyway).
func SetGrammar(s Stream, phrases []string) error {
	g, ok := s.(GrammarSetter)
	if !ok {
		if len(phrases) == 0 {
			return nil
		}
		return fmt.Errorf("asr: set grammar: %T: %w", s, ErrNoGrammar)
	}
	return g.SetGrammar(phrases)
}
