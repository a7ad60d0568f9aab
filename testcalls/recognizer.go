package testcalls

import (
	"context"
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/dozvon/dozvon/asr"
)

// ScriptedRecognizer is a labelled test double for speech recognition: it
// does not listen to the audio's content. For each speech segment the
// robot's VAD detects and feeds to the stream, Final returns the text the
// simulated callee planned for the utterance(s) it was speaking during that
// segment (from the Board), and Partial the words spoken so far. If the VAD misses speech, nothing is returned —
// so end-to-end tests still exercise the real media path, VAD and timing.
type ScriptedRecognizer struct {
	board  *Board
	callID string
	// Slack widens the segment window to cover the pre-roll and the jitter
	// buffer's delay (default 1.5 s).
	Slack time.Duration
}

// Recognizer returns a ScriptedRecognizer for the call with this SIP Call-ID.
func (b *Board) Recognizer(callID string) *ScriptedRecognizer {
	return &ScriptedRecognizer{board: b, callID: callID, Slack: 1500 * time.Millisecond}
}

// NewStream implements asr.Recognizer.
func (r *ScriptedRecognizer) NewStream(ctx context.Context, cfg asr.StreamConfig) (asr.Stream, error) {
	return &scriptedStream{r: r}, nil
}

type scriptedStream struct {
	r      *ScriptedRecognizer
	mu     sync.Mutex
	first  time.Time
	closed bool
}

var errClosed = errors.New("scripted recognizer: stream closed")

func (s *scriptedStream) Accept(pcm []int16) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return errClosed
	}
	if s.first.IsZero() && len(pcm) > 0 {
		s.first = time.Now()
	}
	return nil
}

// Partial returns the planned words spoken so far in the current segment
// (evenly spread over the utterance), as a streaming recognizer would.
func (s *scriptedStream) Partial() (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return "", errClosed
	}
	if s.first.IsZero() {
		return "", nil
	}
	return s.r.board.partial(s.r.callID, s.first.Add(-s.r.Slack), time.Now()), nil
}

func (s *scriptedStream) Final() (asr.Result, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return asr.Result{}, errClosed
	}
	if s.first.IsZero() {
		return asr.Result{}, nil
	}
	texts := s.r.board.take(s.r.callID, s.first.Add(-s.r.Slack), time.Now())
	s.first = time.Time{}
	if len(texts) == 0 {
		return asr.Result{}, nil
	}
	return asr.Result{Text: strings.Join(texts, " "), Confidence: 1}, nil
}

func (s *scriptedStream) Close() error {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	return nil
}
