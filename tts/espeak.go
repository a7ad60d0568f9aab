package tts

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"time"
)

// EspeakOptions configure NewEspeak. Zero values mean the defaults.
type EspeakOptions struct {
	Binary   string        // program name or path; default "espeak-ng"
	Voice    string        // espeak-ng voice; default "ru"
	Speed    int           // words per minute, 80–450; default 150 (telephone-friendly, slower than espeak's 175)
	Pitch    int           // 0–99; default 50
	MaxProcs int           // concurrent engine processes; default runtime.NumCPU()
	Timeout  time.Duration // per process; default 30 s
	// NoVerbalize passes digits to the engine as they are instead of
	// running Verbalize on each text segment first.
	NoVerbalize bool
}

// Espeak synthesises Russian with espeak-ng (formant synthesis). '+' stress
// marks are removed before the text reaches the engine: espeak-ng 1.51 has no
// in-text stress notation for Russian and would read "+" as "плюс".
type Espeak struct {
	e   *procEngine
	key string
}

var voiceNameRE = regexp.MustCompile(`^[A-Za-z0-9_+\-]{1,64}$`)

// NewEspeak checks the options and that the espeak-ng binary exists.
func NewEspeak(opts EspeakOptions) (*Espeak, error) {
	if opts.Binary == "" {
		opts.Binary = "espeak-ng"
	}
	if opts.Voice == "" {
		opts.Voice = "ru"
	}
	if opts.Speed == 0 {
		opts.Speed = 150
	}
	if opts.Pitch == 0 {
		opts.Pitch = 50
	}
	if !voiceNameRE.MatchString(opts.Voice) {
		return nil, fmt.Errorf("tts: new espeak-ng: bad voice %q", opts.Voice)
	}
	if opts.Speed < 80 || opts.Speed > 450 {
		return nil, fmt.Errorf("tts: new espeak-ng: speed %d outside 80–450 words per minute", opts.Speed)
	}
	if opts.Pitch < 0 || opts.Pitch > 99 {
		return nil, fmt.Errorf("tts: new espeak-ng: pitch %d outside 0–99", opts.Pitch)
	}
	e, err := newProcEngine(EngineEspeak, opts.Binary, opts.MaxProcs, opts.Timeout)
	if err != nil {
		return nil, err
	}
	// -b 1: UTF-8 input; --stdin: text from stdin, so a phrase starting with
	// '-' is never taken for an option.
	e.args = []string{"-v", opts.Voice, "-s", strconv.Itoa(opts.Speed), "-p", strconv.Itoa(opts.Pitch), "-b", "1", "--stdout", "--stdin"}
	e.prepare = stripStress
	e.noVerbalize = opts.NoVerbalize
	key := fmt.Sprintf("espeak-ng/%s/s%d/p%d/%s", opts.Voice, opts.Speed, opts.Pitch, textVersion)
	if opts.NoVerbalize {
		key += "/raw"
	}
	return &Espeak{e: e, key: key}, nil
}

// Synthesize speaks text (markup allowed) and returns 8 kHz mono PCM.
func (s *Espeak) Synthesize(ctx context.Context, text string) (Audio, error) {
	return s.e.synthesize(ctx, text)
}

// Key identifies engine, voice, speed, pitch and text processing, for NewCache.
func (s *Espeak) Key() string { return s.key }
