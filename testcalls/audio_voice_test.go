package testcalls

import (
	"context"
	"fmt"
	"os/exec"
	"testing"

	"github.com/dozvon/dozvon/asr"
	"github.com/dozvon/dozvon/robot"
	"github.com/dozvon/dozvon/tts"
)

// mutedVoice is a test double of a TTS voice that renders some texts as
// near silence (as festival renders "брр") and the rest as espeak-ng does.
type mutedVoice struct {
	real  Synthesizer
	muted string
}

func (m mutedVoice) Synthesize(ctx context.Context, text string) (tts.Audio, error) {
	if text == m.muted {
		pcm := make([]int16, 2800)
		for i := range pcm {
			pcm[i] = int16((i*7919)%61 - 30) // a whisper of noise, -60 dBFS
		}
		return tts.Audio{PCM: pcm, Rate: 8000}, nil
	}
	return m.real.Synthesize(ctx, text)
}

func TestChooseVoicePassesOverAVoiceTheVADCannotHear(t *testing.T) {
	if _, err := exec.LookPath("espeak-ng"); err != nil {
		t.Skip("espeak-ng not installed (tools/setup-debian.sh)")
	}
	espeak := VoiceSpec{tts.EngineEspeak, 150}
	festival := VoiceSpec{tts.EngineFestival, 1}
	cv := NewCallerVoices(t.TempDir())
	real, err := cv.Voice(espeak)
	if err != nil {
		t.Fatal(err)
	}
	cv.made[festival] = mutedVoice{real: real, muted: "брр"}
	cv.rotation = []VoiceSpec{festival, espeak}
	vad := func() (robot.Segmenter, error) { return asr.NewSegmenter(asr.DefaultVADConfig()) }
	pinned := func(c Case) *Case { // a name the rotation gives festival
		for i := 0; i < 100; i++ {
			c.Name = fmt.Sprintf("case %d", i)
			if p, _ := cv.Pick(&Case{Name: c.Name}); p == festival {
				return &c
			}
		}
		t.Fatal("no case name rotates to festival")
		return nil
	}
	for _, tc := range []struct {
		name, line, voice string
		want              VoiceSpec
		note              bool
	}{
		{name: "an unheard line moves to the next engine", line: "брр", want: espeak, note: true},
		{name: "heard lines keep the rotation's pick", line: "да, это я", want: festival},
		{name: "a voice the case names is kept", line: "брр", voice: "festival@1", want: festival},
	} {
		c := pinned(Case{Caller: []CallerItem{{Say: "гм"}, {Say: tc.line}}, Audio: AudioOptions{Voice: tc.voice}})
		got, err := chooseVoice(context.Background(), cv, c, vad)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if got.spec != tc.want || (got.note != "") != tc.note {
			t.Errorf("%s: voice %s, want %s (note wanted: %v)", tc.name, got, tc.want, tc.note)
		}
	}
}
