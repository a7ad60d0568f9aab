package testcalls

import (
	"context"
	"fmt"

	"github.com/dozvon/dozvon/tts"
)

// recordedLines is a caller voice that plays a case's recorded lines (the
// items with audio: FILE) instead of synthesising their words, and speaks
// every other line with the case's TTS voice. The callee asks its voice for
// a line by its words, so two items with the same words and different files
// play the first item's file.
type recordedLines struct {
	Synthesizer
	files map[string]string // words → resolved audio file
}

// WithRecordedLines is voice with the case's recorded lines in place of
// synthesis; voice itself when the case has none.
func WithRecordedLines(voice Synthesizer, f *CaseFile, c *Case) Synthesizer {
	files := map[string]string{}
	for _, it := range c.Caller {
		if it.Audio == "" {
			continue
		}
		words := it.Say
		if words == "" {
			words = it.Interrupt
		}
		if _, ok := files[words]; !ok {
			files[words] = f.AudioPath(it.Audio)
		}
	}
	if len(files) == 0 {
		return voice
	}
	return recordedLines{Synthesizer: voice, files: files}
}

// Synthesize returns the recorded line at 8 kHz mono, or synthesises text.
func (r recordedLines) Synthesize(ctx context.Context, text string) (tts.Audio, error) {
	path, ok := r.files[text]
	if !ok {
		return r.Synthesizer.Synthesize(ctx, text)
	}
	a, err := tts.LoadAudioFile(path)
	if err != nil {
		return tts.Audio{}, fmt.Errorf("recorded caller line %q: %w", text, err)
	}
	return a, nil
}
