package tts

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"runtime"
	"strings"
	"time"
	"unicode/utf8"
)

// Engine names accepted by NewVoice.
const (
	EngineEspeak   = "espeak-ng"
	EngineFestival = "festival"
	// DefaultEngine is the engine NewVoice picks for an empty name; see
	// doc.go for why.
	DefaultEngine = EngineEspeak
)

const (
	defaultProcTimeout = 30 * time.Second
	// maxStderr bounds how much of an engine's stderr is kept for errors.
	maxStderr = 2048
)

// Voice is a synthesizer with a stable identity: Key changes whenever the
// same text would sound different (engine, voice, rate, pitch, text
// processing), so it is the right key for NewCache.
type Voice interface {
	Synthesizer
	Key() string
}

// NewVoice returns the named engine with default options: "espeak-ng" (or
// "espeak", or "" for DefaultEngine) or "festival".
func NewVoice(engine string) (Voice, error) {
	switch strings.ToLower(strings.TrimSpace(engine)) {
	case "", "espeak", EngineEspeak:
		return NewEspeak(EspeakOptions{})
	case EngineFestival, "text2wave":
		return NewFestival(FestivalOptions{})
	}
	return nil, fmt.Errorf("tts: new voice: unknown engine %q (want %q or %q)", engine, EngineEspeak, EngineFestival)
}

// procEngine runs a TTS program once per text segment: text on stdin, a WAV
// on stdout.
type procEngine struct {
	name    string // for errors: "espeak-ng", "festival"
	path    string // resolved binary
	args    []string
	sem     chan struct{} // bounds concurrent engine processes
	timeout time.Duration
	prepare func(string) string // engine-specific text clean-up after Verbalize
	// noVerbalize turns off the automatic Verbalize of text segments.
	noVerbalize bool
	// runner replaces run (one process per segment) when set.
	runner func(ctx context.Context, text string) ([]int16, error)
	// post, when set, reworks each segment's audio (festival's stretch).
	post func(ctx context.Context, pcm []int16) ([]int16, error)
}

func newProcEngine(name, binary string, maxProcs int, timeout time.Duration) (*procEngine, error) {
	path, err := exec.LookPath(binary)
	if err != nil {
		return nil, fmt.Errorf("tts: new %s: %w (install the Debian package)", name, err)
	}
	if maxProcs <= 0 {
		maxProcs = runtime.NumCPU()
	}
	if timeout <= 0 {
		timeout = defaultProcTimeout
	}
	return &procEngine{name: name, path: path, sem: make(chan struct{}, maxProcs), timeout: timeout}, nil
}

func (e *procEngine) synthesize(ctx context.Context, text string) (Audio, error) {
	segs, err := parseMarkup(text)
	if err != nil {
		return Audio{}, fmt.Errorf("tts: %s synthesize: %w", e.name, err)
	}
	var out []int16
	spoken := false
	for i, sg := range segs {
		if sg.pause > 0 {
			out = append(out, silence(sg.pause, Rate)...)
			continue
		}
		t := sg.text
		if !e.noVerbalize {
			t = Verbalize(t)
		}
		t = e.prepare(t)
		if strings.TrimSpace(t) == "" {
			continue
		}
		run := e.run
		if e.runner != nil {
			run = e.runner
		}
		pcm, err := run(ctx, t)
		if err == nil && e.post != nil {
			pcm, err = e.post(ctx, pcm)
		}
		if err != nil {
			// The phrase itself is not quoted: it may hold a debtor's name or
			// amount, and errors end up in logs.
			return Audio{}, fmt.Errorf("tts: %s synthesize: text segment %d of %d (%d characters): %w",
				e.name, i+1, len(segs), utf8.RuneCountInString(sg.text), err)
		}
		out = append(out, pcm...)
		spoken = true
	}
	if !spoken && len(out) == 0 {
		return Audio{}, fmt.Errorf("tts: %s synthesize: nothing to say in %d characters of text", e.name, utf8.RuneCountInString(text))
	}
	return Audio{PCM: out, Rate: Rate}, nil
}

// procAttempts is how many processes run gets for one segment. An engine
// process that hangs (espeak-ng has been seen to, once in many thousand runs
// on a loaded box) is killed at a third of the timeout and started again,
// instead of stalling the prompt for the whole timeout and then failing it.
const procAttempts = 3

// run executes the engine for one clean text segment and returns 8 kHz PCM.
// The whole run stays within e.timeout; each attempt gets an equal share.
func (e *procEngine) run(ctx context.Context, text string) ([]int16, error) {
	select {
	case e.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-e.sem }()

	share := e.timeout / procAttempts
	for attempt := 1; ; attempt++ {
		pcm, err := e.runOnce(ctx, text, share)
		if err == nil || attempt == procAttempts || ctx.Err() != nil || !errors.Is(err, context.DeadlineExceeded) {
			if err != nil && attempt > 1 {
				err = fmt.Errorf("attempt %d of %d, each %v: %w", attempt, procAttempts, share, err)
			}
			return pcm, err
		}
	}
}

// runOnce runs one engine process bounded by limit.
func (e *procEngine) runOnce(parent context.Context, text string, limit time.Duration) ([]int16, error) {
	ctx, cancel := context.WithTimeout(parent, limit)
	defer cancel()
	cmd := exec.CommandContext(ctx, e.path, e.args...)
	cmd.Stdin = strings.NewReader(text + "\n")
	var stdout bytes.Buffer
	stderr := &tailBuffer{max: maxStderr}
	cmd.Stdout = &stdout
	cmd.Stderr = stderr
	cmd.WaitDelay = 2 * time.Second
	err := cmd.Run()
	if ctxErr := ctx.Err(); ctxErr != nil {
		return nil, fmt.Errorf("run %s: %w", e.name, ctxErr)
	}
	if err != nil {
		return nil, fmt.Errorf("run %s: %w: %s", e.name, err, stderr.String())
	}
	if stdout.Len() <= 44 {
		return nil, fmt.Errorf("%s produced no audio: %s", e.name, strings.TrimSpace(stderr.String()))
	}
	pcm, rate, err := decodeWAV(stdout.Bytes())
	if err != nil {
		return nil, fmt.Errorf("parse %s output: %w", e.name, err)
	}
	if len(pcm) == 0 {
		return nil, fmt.Errorf("%s produced no audio: %s", e.name, strings.TrimSpace(stderr.String()))
	}
	return resample(pcm, rate, Rate), nil
}

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	max int
	b   []byte
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.b = append(t.b, p...)
	if len(t.b) > t.max {
		t.b = t.b[len(t.b)-t.max:]
	}
	return len(p), nil
}

func (t *tailBuffer) String() string { return strings.TrimSpace(string(t.b)) }
