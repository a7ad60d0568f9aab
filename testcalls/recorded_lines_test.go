package testcalls

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dozvon/dozvon/media"
	"github.com/dozvon/dozvon/tts"
)

// ttsDouble is a caller voice that returns one sample per rune of the text
// (a test double for TTS).
type ttsDouble struct{}

func (ttsDouble) Synthesize(_ context.Context, text string) (tts.Audio, error) {
	return tts.Audio{PCM: make([]int16, len([]rune(text))), Rate: 8000}, nil
}

// TestCaseAudioLines: a line's audio: FILE loads relative to the case
// file and is what the caller voice plays for its words (other lines stay
// TTS); misuse and a missing file are errors naming the line.
func TestCaseAudioLines(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "rec"), 0o755); err != nil {
		t.Fatal(err)
	}
	pcm := make([]int16, 4000)
	for i := range pcm {
		pcm[i] = 3000
	}
	if err := media.WriteWAVFile(filepath.Join(dir, "rec", "yes.wav"), 8000, 1, pcm); err != nil {
		t.Fatal(err)
	}
	head := "script: x.yaml\nnow: 2026-11-24T11:00:00+03:00\ncases:\n  - name: c\n    expect: {outcome: identified}\n    caller: "
	write := func(caller string) (*CaseFile, error) {
		p := filepath.Join(dir, "c.cases.yaml")
		if err := os.WriteFile(p, []byte(head+caller+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		return LoadCases(p)
	}
	short := make([]int16, 800)
	if err := media.WriteWAVFile(filepath.Join(dir, "rec", "yes2.wav"), 8000, 1, short); err != nil {
		t.Fatal(err)
	}
	cf, err := write(`[{say: "да", audio: rec/yes.wav}, "удобно", {say: "да", audio: rec/yes2.wav}]`)
	if err != nil {
		t.Fatal(err)
	}
	voice := WithRecordedLines(ttsDouble{}, cf, &cf.Cases[0])
	a, err := voice.Synthesize(context.Background(), "да")
	if err != nil || len(a.PCM) != 4000 || a.PCM[100] != 3000 {
		t.Fatalf("the recorded line is not played: %d samples, %v", len(a.PCM), err)
	}
	if a, _ := voice.Synthesize(context.Background(), "удобно"); len(a.PCM) != 6 {
		t.Fatalf("a line without audio is not spoken by TTS: %d samples", len(a.PCM))
	}
	if a, _ := voice.Synthesize(context.Background(), "да"); len(a.PCM) != 800 {
		t.Fatalf("the second \"да\" plays %d samples, want its own recording's 800", len(a.PCM))
	}
	for _, tc := range []struct{ caller, want string }{
		{`[{dtmf: "1", audio: rec/yes.wav}]`, "audio is for say and interrupt"},
		{`[{say: "да", audio: rec/none.wav}]`, `c.cases.yaml:6: case "c": audio "rec/none.wav"`},
		{`[{say: "да", audio: ""}]`, "audio: want a WAV or MP3 file"},
	} {
		if _, err := write(tc.caller); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.caller, err, tc.want)
		}
	}
}
