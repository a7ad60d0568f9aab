package robot

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/dozvon/dozvon/asr"
	"github.com/dozvon/dozvon/telephony"
)

// handlerCall is a quietCall whose frame handler the test drives.
type handlerCall struct {
	*quietCall
	mu sync.Mutex
	h  telephony.FrameHandler
}

func (c *handlerCall) SetHandler(h telephony.FrameHandler) { c.mu.Lock(); c.h = h; c.mu.Unlock() }

func (c *handlerCall) frame(f []int16, at time.Duration) {
	c.mu.Lock()
	h := c.h
	c.mu.Unlock()
	if h != nil {
		h(f, at, false)
	}
}

// heldRecognizer's streams give "да" for a segment once release is closed:
// a recognizer that answers late (a slow model, a starved box).
type heldRecognizer struct {
	release chan struct{}
	finals  chan struct{} // a Final has begun
}

func (r heldRecognizer) NewStream(context.Context, asr.StreamConfig) (asr.Stream, error) {
	return heldStream(r), nil
}

type heldStream heldRecognizer

func (s heldStream) Accept([]int16) error     { return nil }
func (s heldStream) Partial() (string, error) { return "", nil }
func (s heldStream) Close() error             { return nil }
func (s heldStream) Final() (asr.Result, error) {
	s.finals <- struct{}{}
	<-s.release
	return asr.Result{Text: "да", Confidence: 1}, nil
}

// scriptedSegmenter is a test double VAD: the frames it is handed are one
// utterance, which starts at the first and ends at the last.
type scriptedSegmenter struct{ n, last int }

func (s *scriptedSegmenter) Push(f []int16) (asr.Event, [][]int16) {
	s.n++
	switch s.n {
	case 1:
		return asr.SpeechStart, [][]int16{f}
	case s.last:
		return asr.SpeechEnd, nil
	}
	return asr.NoEvent, [][]int16{f}
}

func (s *scriptedSegmenter) Stats() (time.Duration, time.Duration) { return 0, 0 }

// TestListenWaitsForTheRecognizer: the caller's answer ended before the
// no-input timeout, but the recognizer answered after it. Listen returns the
// answer, as it does for an utterance still in progress at the timeout;
// before, it returned no input and the answer reached the next question
// (on a loaded box, some of the bench's no_input failures).
func TestListenWaitsForTheRecognizer(t *testing.T) {
	t.Parallel()
	rec := heldRecognizer{release: make(chan struct{}), finals: make(chan struct{}, 4)}
	call := &handlerCall{quietCall: newQuietCall()}
	v, err := NewVoiceConversation(t.Context(), call, VoiceConfig{Recognizer: rec, Segmenter: &scriptedSegmenter{last: 10}, Voice: silentVoice{}})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		close(call.done)
		_ = v.Close()
	}()
	for i := range 10 {
		call.frame(make([]int16, 160), time.Duration(i)*20*time.Millisecond)
	}
	<-rec.finals // the utterance has ended and the recognizer holds its words
	// the no-input timeout passes while the recognizer holds the answer
	go func() {
		time.Sleep(300 * time.Millisecond)
		close(rec.release)
	}()
	in, err := v.Listen(t.Context(), ListenOptions{NoInputTimeout: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if in.Kind != InputSpeech || in.Text != "да" {
		t.Fatalf("Listen: %+v, want the answer the recognizer gave after the timeout", in)
	}
}
