package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dozvon/dozvon/handoff"
	"github.com/dozvon/dozvon/media"
)

// TestHoldAudio: serve's handoff.hold_audio is the default tone, silence,
// or a recorded file (resampled to 8 kHz); a bad file is an error naming
// the key.
func TestHoldAudio(t *testing.T) {
	path := filepath.Join(t.TempDir(), "hold.wav")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w, err := media.NewWAVWriter(f, 16000, 1)
	if err != nil {
		t.Fatal(err)
	}
	music := make([]int16, 16000) // one second
	for i := range music {
		music[i] = int16((i % 40) * 300)
	}
	if err := w.Write(music); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	for _, tc := range []struct {
		choice string
		want   int // samples
	}{{handoff.HoldTone, len(handoff.Tone())}, {"", len(handoff.Tone())}, {handoff.HoldNone, 0}, {path, 8000}} {
		pcm, err := holdAudio(tc.choice)
		if err != nil || len(pcm) != tc.want {
			t.Errorf("hold_audio %q: %d samples (%v), want %d", tc.choice, len(pcm), err, tc.want)
		}
	}
	if _, err := holdAudio(filepath.Join(t.TempDir(), "missing.wav")); err == nil || !strings.Contains(err.Error(), "handoff.hold_audio") {
		t.Errorf("a missing file: %v, want an error naming handoff.hold_audio", err)
	}
}
