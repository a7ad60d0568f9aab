package robot

import (
	"context"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/dozvon/dozvon/asr"
)

// preRollSegmenter is a test double VAD: speech starts on the first frame
// with preRoll frames before it (handed over with it) and ends on frame last.
type preRollSegmenter struct {
	n, last, preRoll int
}

func (s *preRollSegmenter) Push(f []int16) (asr.Event, [][]int16) {
	s.n++
	switch s.n {
	case 1:
		feed := make([][]int16, 0, s.preRoll+1)
		for i := range s.preRoll {
			feed = append(feed, constFrame(int16(-1-i)))
		}
		return asr.SpeechStart, append(feed, f)
	case s.last:
		return asr.SpeechEnd, [][]int16{f}
	}
	return asr.NoEvent, [][]int16{f}
}

func (s *preRollSegmenter) Stats() (time.Duration, time.Duration) { return 0, 0 }

func constFrame(v int16) []int16 {
	f := make([]int16, 160)
	for i := range f {
		f[i] = v
	}
	return f
}

// chunkRecognizer's stream keeps every Accept's audio; Final sends them.
type chunkRecognizer struct{ finals chan [][]int16 }

func (r chunkRecognizer) NewStream(context.Context, asr.StreamConfig) (asr.Stream, error) {
	return &chunkStream{finals: r.finals}, nil
}

type chunkStream struct {
	mu     sync.Mutex
	chunks [][]int16
	finals chan [][]int16
}

func (s *chunkStream) Accept(pcm []int16) error {
	s.mu.Lock()
	s.chunks = append(s.chunks, slices.Clone(pcm))
	s.mu.Unlock()
	return nil
}
func (s *chunkStream) Partial() (string, error) { return "", nil }
func (s *chunkStream) Close() error             { return nil }
func (s *chunkStream) Final() (asr.Result, error) {
	s.mu.Lock()
	c := s.chunks
	s.chunks = nil
	s.mu.Unlock()
	s.finals <- c
	return asr.Result{Text: "да"}, nil
}

// TestSpeechGoesToTheRecognizerInBatches: the pre-roll goes at once with
// speech start, then the segment's speech in batches that end on every
// feedBatchFrames-th frame of the segment, the rest at its end; the
// recognizer gets every sample once and in order, before the Final.
func TestSpeechGoesToTheRecognizerInBatches(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name          string
		preRoll, last int
		want          []int // frames per Accept
	}{
		{"pre-roll of 6, 23 frames", 6, 23, []int{7, 3, 5, 5, 5, 4}},
		{"pre-roll of 14, 12 frames", 14, 12, []int{15, 5, 5, 1}},
		{"no pre-roll, 5 frames", 0, 5, []int{1, 4}},
		{"no pre-roll, 2 frames", 0, 2, []int{1, 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := chunkRecognizer{finals: make(chan [][]int16, 1)}
			call := &handlerCall{quietCall: newQuietCall()}
			v, err := NewVoiceConversation(t.Context(), call, VoiceConfig{Recognizer: rec,
				Segmenter: &preRollSegmenter{last: tc.last, preRoll: tc.preRoll}, Voice: silentVoice{}})
			if err != nil {
				t.Fatal(err)
			}
			defer func() {
				close(call.done)
				_ = v.Close()
			}()
			var want []int16
			for i := range tc.preRoll {
				want = append(want, constFrame(int16(-1-i))...)
			}
			for i := range tc.last {
				f := constFrame(int16(i + 1))
				want = append(want, f...)
				call.frame(f, time.Duration(i)*20*time.Millisecond)
			}
			var chunks [][]int16
			select {
			case chunks = <-rec.finals:
			case <-time.After(10 * time.Second):
				t.Fatal("no Final")
			}
			var sizes []int
			var got []int16
			for _, c := range chunks {
				sizes = append(sizes, len(c)/160)
				got = append(got, c...)
			}
			if !slices.Equal(sizes, tc.want) {
				t.Errorf("frames per Accept %v, want %v", sizes, tc.want)
			}
			if !slices.Equal(got, want) {
				t.Errorf("the recognizer got %d samples, not the %d fed in order", len(got), len(want))
			}
		})
	}
}

// TestPartialLooksKeepTheirCadenceInBatches: partials are looked at every
// partialEvery of speech whether it comes frame by frame or in the
// conversation's batches (the pre-roll at once, then feedBatchFrames): the
// n-th look comes with the same frame.
func TestPartialLooksKeepTheirCadenceInBatches(t *testing.T) {
	looksAt := func(chunks []int) []int { // frame count after which each look happened
		fp := newFirstPhrase(FirstPhraseConfig{}, NonHumanPolicy{}, nil, func() {}, slog.New(slog.DiscardHandler))
		rec := partialRecognizer{Recognizer: growingRecognizer{"алло алло алло алло алло алло алло алло алло алло"}, fp: fp}
		st, err := rec.NewStream(context.Background(), asr.StreamConfig{})
		if err != nil {
			t.Fatal(err)
		}
		gs := st.(*partialStream).Stream.(*growingStream)
		var at []int
		fed := 0
		for _, n := range chunks {
			before := gs.partials
			if err := st.Accept(make([]int16, 160*n)); err != nil {
				t.Fatal(err)
			}
			fed += n
			if gs.partials > before {
				at = append(at, fed)
			}
		}
		return at
	}
	ones := func(n int) []int {
		s := make([]int, n)
		for i := range s {
			s[i] = 1
		}
		return s
	}
	// 16 frames of pre-roll and start, then 34 frames
	single := looksAt(append([]int{16}, ones(34)...))
	batched := looksAt([]int{16, 4, 5, 5, 5, 5, 5, 5})
	if len(single) < 3 || !slices.Equal(single, batched) {
		t.Errorf("looks after frames %v fed frame by frame, %v in batches: want the same", single, batched)
	}
}
