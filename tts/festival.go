package tts

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// FestivalOptions configure NewFestival. Zero values mean the defaults.
type FestivalOptions struct {
	Binary   string        // program name or path; default "text2wave", or "festival" when Persistent
	Voice    string        // Festival voice; default "msu_ru_nsh_clunits" (Debian festvox-ru)
	Stretch  float64       // duration stretch, 0.5–2; default 1 (1.1 = 10 % slower)
	MaxProcs int           // concurrent engine processes; default runtime.NumCPU()
	Timeout  time.Duration // per process; default 30 s
	// NoVerbalize passes digits to the engine as they are instead of
	// running Verbalize on each text segment first.
	NoVerbalize bool
	// Persistent keeps MaxProcs "festival --pipe" processes with the voice
	// loaded instead of running text2wave per phrase: ~0.2 s instead of
	// ~0.8 s per phrase. Call Close to stop them (they also exit with the
	// program, when their stdin closes).
	Persistent bool
}

// Festival synthesises Russian with Festival and the msu_ru_nsh_clunits
// unit-selection voice: text2wave once per phrase, or long-lived
// festival --pipe workers when Persistent. The voice understands '+' before
// a vowel as stress natively. Its tokenizer fails silently (exit 0, no audio)
// on characters such as « » … % / and on digits glued to punctuation
// ("10:30"), so text is verbalised and reduced to letters, word-final
// punctuation and hyphens before it reaches the engine.
type Festival struct {
	e    *procEngine
	key  string
	pool *festivalPool // when Persistent
}

// NewFestival checks the options and that the binary exists; with
// Persistent it also starts the workers (their voice loads in the
// background).
func NewFestival(opts FestivalOptions) (*Festival, error) {
	if opts.Binary == "" {
		opts.Binary = "text2wave"
		if opts.Persistent {
			opts.Binary = "festival"
		}
	}
	if opts.Voice == "" {
		opts.Voice = "msu_ru_nsh_clunits"
	}
	if opts.Stretch == 0 {
		opts.Stretch = 1
	}
	// The voice name is pasted into a Scheme expression: allow only a
	// plain identifier.
	if !voiceNameRE.MatchString(opts.Voice) || strings.ContainsAny(opts.Voice, "+") {
		return nil, fmt.Errorf("tts: new festival: bad voice %q", opts.Voice)
	}
	if opts.Stretch < 0.5 || opts.Stretch > 2 {
		return nil, fmt.Errorf("tts: new festival: stretch %g outside 0.5–2", opts.Stretch)
	}
	e, err := newProcEngine(EngineFestival, opts.Binary, opts.MaxProcs, opts.Timeout)
	if err != nil {
		return nil, err
	}
	stretch := strconv.FormatFloat(opts.Stretch, 'f', -1, 64)
	e.args = []string{"-eval", "(voice_" + opts.Voice + ")", "-o", "-"}
	e.prepare = festivalText
	e.noVerbalize = opts.NoVerbalize
	key := fmt.Sprintf("festival/%s/x%s/%s", opts.Voice, stretch, textVersion)
	if opts.Stretch != 1 {
		// The clunits voice ignores Duration_Stretch (its units keep their
		// recorded lengths), so the stretch is sox's tempo on the output, for
		// every voice alike. The key changes with it: audio cached before,
		// at the voice's own speed, is not reused.
		t, err := newSoxTempo(opts.Stretch)
		if err != nil {
			return nil, fmt.Errorf("tts: new festival: %w", err)
		}
		e.post = t.apply
		key += "/tempo"
	}
	if opts.NoVerbalize {
		key += "/raw"
	}
	f := &Festival{e: e, key: key}
	if opts.Persistent {
		init := "(voice_" + opts.Voice + ")\n"
		f.pool, err = newFestivalPool(e.path, init, cap(e.sem), e.timeout)
		if err != nil {
			return nil, err
		}
		e.runner = f.pool.synth
	}
	return f, nil
}

// Close stops the persistent festival processes; it is a no-op otherwise.
// Synthesize fails after Close.
func (s *Festival) Close() error {
	if s.pool == nil {
		return nil
	}
	return s.pool.close()
}

// Synthesize speaks text (markup allowed) and returns 8 kHz mono PCM.
func (s *Festival) Synthesize(ctx context.Context, text string) (Audio, error) {
	return s.e.synthesize(ctx, text)
}

// Key identifies engine, voice, stretch and text processing, for NewCache.
func (s *Festival) Key() string { return s.key }

// festivalText reduces text to what the msu_ru tokenizer and letter-to-sound
// rules accept: letters, digits, '+' stress marks, hyphens inside words and
// sentence punctuation attached to the end of a word. Everything else
// becomes a space; a dash between words becomes a comma (a short pause); a
// '+' that is not a stress mark is read as "плюс".
func festivalText(s string) string {
	rs := []rune(s)
	out := make([]rune, 0, len(rs))
	lastIsLetter := func() bool {
		if len(out) == 0 {
			return false
		}
		r := out[len(out)-1]
		return unicode.IsLetter(r) || unicode.IsDigit(r)
	}
	nextIsSpaceOrEnd := func(i int) bool { return i+1 >= len(rs) || unicode.IsSpace(rs[i+1]) }
	for i, r := range rs {
		switch {
		case unicode.Is(unicode.Cyrillic, r) || (r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r))):
			out = append(out, r)
		case r == '+':
			if isStressMark(rs, i) {
				out = append(out, r)
			} else {
				out = append(out, []rune(" плюс ")...)
			}
		case strings.ContainsRune(".,!?;:", r):
			if lastIsLetter() && nextIsSpaceOrEnd(i) {
				out = append(out, r)
			} else {
				out = append(out, ' ')
			}
		case r == '-' && lastIsLetter() && i+1 < len(rs) && unicode.IsLetter(rs[i+1]):
			out = append(out, r) // кто-то
		case r == '-' || r == '–' || r == '—':
			// A dash between words: a comma after the previous word.
			for len(out) > 0 && out[len(out)-1] == ' ' {
				out = out[:len(out)-1]
			}
			if lastIsLetter() {
				out = append(out, ',')
			}
			out = append(out, ' ')
		default:
			out = append(out, ' ')
		}
	}
	return strings.Join(strings.Fields(string(out)), " ")
}
