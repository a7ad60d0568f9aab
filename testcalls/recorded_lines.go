package testcalls

import (
	"context"
	"fmt"
	"sync"

	"github.com/dozvon/dozvon/tts"
)

// recordedLines is a caller voice that plays a case's recorded lines (the
// items with audio: FILE) instead of synthesising their words, and speaks
// every other line with the case's TTS voice. The callee asks its voice for
// each line by its words, once, in the case's order, so the n-th request
// for some words gets the n-th item's file with those words ("да" said
// twice in a call plays both recordings).
type recordedLines struct {
	Synthesizer
	files map[string][]string // words → resolved audio files, in order
	mu    sync.Mutex
	asked map[string]int
}

// WithRecordedLines is voice with the case's recorded lines in place of
// synthesis, for one call; voice itself when the case has none.
func WithRecordedLines(voice Synthesizer, f *CaseFile, c *Case) Synthesizer {
	files := map[string][]string{}
	for _, it := range c.Caller {
		if it.Audio == "" {
			continue
		}
		words := it.Say
		if words == "" {
			words = it.Interrupt
		}
		files[words] = append(files[words], f.AudioPath(it.Audio))
	}
	if len(files) == 0 {
		return voice
	}
	return &recordedLines{Synthesizer: voice, files: files, asked: map[string]int{}}
}

// Synthesize returns the recorded line at 8 kHz mono, or synthesises text.
func (r *recordedLines) Synthesize(ctx context.Context, text string) (tts.Audio, error) {
	paths, ok := r.files[text]
	if !ok {
		return r.Synthesizer.Synthesize(ctx, text)
	}
	r.mu.Lock()
	n := r.asked[text]
	r.asked[text] = n + 1
	r.mu.Unlock()
	path := paths[min(n, len(paths)-1)]
	a, err := tts.LoadAudioFile(path)
	if err != nil {
		return tts.Audio{}, fmt.Errorf("recorded caller line %q: %w", text, err)
	}
	return a, nil
}
