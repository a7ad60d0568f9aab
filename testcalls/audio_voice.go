package testcalls

import (
	"context"
	"fmt"
	"slices"

	"github.com/dozvon/dozvon/asr"
	"github.com/dozvon/dozvon/robot"
	"github.com/dozvon/dozvon/telephony"
)

// caseVoice is the voice a case's simulated caller speaks with, and why it
// is not the rotation's pick when it is not.
type caseVoice struct {
	spec  VoiceSpec
	voice Synthesizer
	note  string
}

func (v caseVoice) String() string {
	if v.note == "" {
		return v.spec.String()
	}
	return v.spec.String() + " (" + v.note + ")"
}

// chooseVoice synthesises the case's lines (its pickup word, what it says
// and what it says over the robot) and returns its voice. A rotated voice
// that renders a line as no speech at all — festival's clunits voice says
// "брр" as 0.2 s of unvoiced noise, which the robot's VAD, like any, takes
// for line noise — is passed over for the next voice of another engine in
// the rotation (festival's rates do not change its clunits voice's
// durations): a caller the robot cannot hear would test silence, not what
// the case says.
// A voice the case names is kept whatever it renders.
func chooseVoice(ctx context.Context, cv *CallerVoices, c *Case, newVAD func() (robot.Segmenter, error)) (caseVoice, error) {
	first, err := cv.Pick(c)
	if err != nil {
		return caseVoice{}, err
	}
	order := []VoiceSpec{first}
	if c.Audio.Voice == "" {
		i := slices.Index(cv.rotation, first)
		for k := 1; k < len(cv.rotation); k++ {
			if v := cv.rotation[(i+k)%len(cv.rotation)]; v.Engine != first.Engine {
				order = append(order, v)
			}
		}
	}
	var texts []string
	if p := c.Audio.pickup(); p != "" {
		texts = append(texts, p)
	}
	for _, st := range c.Steps() {
		for _, t := range []string{st.Say, st.Interrupt} {
			if t != "" {
				texts = append(texts, t)
			}
		}
	}
	var firstUnheard string
	for n, spec := range order {
		voice, err := cv.Voice(spec)
		if err != nil {
			return caseVoice{}, err
		}
		unheard := ""
		for _, t := range texts {
			a, err := voice.Synthesize(ctx, t)
			if err != nil {
				return caseVoice{}, fmt.Errorf("caller voice %s: %w", spec, err)
			}
			if unheard == "" && len(order) > 1 && !speechHeard(a.PCM, newVAD) {
				unheard = t
			}
		}
		if n == 0 {
			firstUnheard = unheard
		}
		if unheard == "" {
			cvo := caseVoice{spec: spec, voice: voice}
			if n > 0 {
				cvo.note = fmt.Sprintf("%s says %q as no speech", first, firstUnheard)
			}
			return cvo, nil
		}
	}
	// no voice says every line: the rotation's pick, and the case shows it
	voice, err := cv.Voice(first)
	return caseVoice{spec: first, voice: voice}, err
}

// speechHeard reports whether a VAD of the robot's kind finds speech in pcm
// (8 kHz) played after half a second of silence.
func speechHeard(pcm []int16, newVAD func() (robot.Segmenter, error)) bool {
	vad, err := newVAD()
	if err != nil {
		return true // no judge: keep the voice
	}
	frame := int(telephony.FrameDuration.Seconds() * 8000)
	padded := append(make([]int16, 4000), pcm...)
	padded = append(padded, make([]int16, 8000)...)
	for i := 0; i+frame <= len(padded); i += frame {
		if ev, _ := vad.Push(padded[i : i+frame]); ev == asr.SpeechStart {
			return true
		}
	}
	return false
}
