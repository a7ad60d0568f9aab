package robot

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/dozvon/dozvon/asr"
	"github.com/dozvon/dozvon/telephony"
)

// quietCall is a call on which nothing is heard or pressed: Listen ends on its no-input
// timeout. It implements Call for VoiceConversation tests that need no media.
type quietCall struct {
	dtmf chan rune
	done chan struct{}
}

func newQuietCall() *quietCall { return &quietCall{dtmf: make(chan rune), done: make(chan struct{})} }

func (c *quietCall) SetHandler(telephony.FrameHandler)      {}
func (c *quietCall) Play([]int16) *telephony.Playback       { return nil }
func (c *quietCall) StopPlayback()                          {}
func (c *quietCall) DTMF() <-chan rune                      { return c.dtmf }
func (c *quietCall) Done() <-chan struct{}                  { return c.done }
func (c *quietCall) Hangup(context.Context) error           { return nil }
func (c *quietCall) Transfer(context.Context, string) error { return nil }

// grammarRecordingRecognizer makes streams that record every SetGrammar call.
type grammarRecordingRecognizer struct {
	mu   sync.Mutex
	sets [][]string
}

func (r *grammarRecordingRecognizer) NewStream(context.Context, asr.StreamConfig) (asr.Stream, error) {
	return &grammarRecordingStream{r: r}, nil
}

func (r *grammarRecordingRecognizer) got() [][]string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.sets)
}

type grammarRecordingStream struct{ r *grammarRecordingRecognizer }

func (s *grammarRecordingStream) Accept([]int16) error       { return nil }
func (s *grammarRecordingStream) Partial() (string, error)   { return "", nil }
func (s *grammarRecordingStream) Final() (asr.Result, error) { return asr.Result{}, nil }
func (s *grammarRecordingStream) Close() error               { return nil }
func (s *grammarRecordingStream) SetGrammar(p []string) error {
	s.r.mu.Lock()
	defer s.r.mu.Unlock()
	s.r.sets = append(s.r.sets, slices.Clone(p))
	return nil
}

// A listen step's hints reach the call's recognition stream (they were dropped in
// VoiceConversation.Listen), also through the first-phrase wrapper around the recognizer, and a
// step without hints returns the stream to free speech.
func TestListenHandsHintsToTheStream(t *testing.T) {
	t.Parallel()
	for _, wrapped := range []bool{false, true} {
		rec := &grammarRecordingRecognizer{}
		var r asr.Recognizer = rec
		if wrapped {
			r = partialRecognizer{Recognizer: rec}
		}
		seg, err := asr.NewSegmenter(asr.DefaultVADConfig())
		if err != nil {
			t.Fatal(err)
		}
		call := newQuietCall()
		v, err := NewVoiceConversation(t.Context(), call, VoiceConfig{Recognizer: r, Segmenter: seg, Voice: silentVoice{}})
		if err != nil {
			t.Fatal(err)
		}
		hints := []string{"да", "нет", "это я"}
		for _, g := range [][]string{hints, nil} {
			in, err := v.Listen(t.Context(), ListenOptions{NoInputTimeout: time.Millisecond, Grammar: g})
			if err != nil || in.Kind != InputNoInput {
				t.Fatalf("Listen: %+v, %v; want no input", in, err)
			}
		}
		if got := rec.got(); len(got) != 2 || !slices.Equal(got[0], hints) || len(got[1]) != 0 {
			t.Errorf("wrapped %v: the stream was given grammars %q, want %q then none", wrapped, got, hints)
		}
		close(call.done)
		if err := v.Close(); err != nil {
			t.Fatal(err)
		}
	}
}
