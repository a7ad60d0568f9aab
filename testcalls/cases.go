package testcalls

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/dozvon/dozvon/scripts"
	"gopkg.in/yaml.v3"
)

// CaseFile is one test-case file. Its format is a contract:
//
//	script: scripts/verify_contact.yaml
//	vars: {debtor: {name: "Иванов Иван Иванович", first_name: "Иван"}, debt: {amount: 12345.50}}
//	cases:
//	  - name: busy, callback tomorrow at ten
//	    now: 2026-11-24T11:00:00+03:00
//	    caller: ["алло", "да это я", "я сейчас занят", "перезвоните завтра в десять утра"]
//	    expect: {outcome: callback, callback_at: 2026-11-25T10:00:00+03:00, path: [identify, ask_callback]}
type CaseFile struct {
	Script string         `yaml:"script"`
	Vars   map[string]any `yaml:"vars"`
	Now    string         `yaml:"now"` // default for cases without now (extension)
	Cases  []Case         `yaml:"cases"`
	File   string         `yaml:"-"`
}

// Case is one scripted caller and what the dialogue must produce.
type Case struct {
	Name string         `yaml:"name"`
	Now  string         `yaml:"now"`  // RFC 3339; fixes the clock and the debtor's zone (its offset)
	Vars map[string]any `yaml:"vars"` // merged over the file's vars
	// TransferFails makes the operator not answer (extension).
	TransferFails bool         `yaml:"transfer_fails"`
	Caller        []CallerItem `yaml:"caller"`
	Expect        Expect       `yaml:"expect"`
	Audio         AudioOptions `yaml:"audio"` // audio level only
	Line          int          `yaml:"-"`
}

// CallerItem is one thing the caller does: a string (an utterance), or one of
// {say: "…"}, {silence: 6s}, {dtmf: "1"}, {hangup: true}, {interrupt: "…"},
// optionally with audio-level options in the same mapping: pause (quiet
// before speaking, after the robot's prompt ended), noise (white line noise
// at this SNR in dB), after (how far into the robot's prompt an interrupt
// or a hang-up comes) and audio (a WAV or MP3 file, relative to the case
// file, played instead of TTS for a say or interrupt: a real caller's
// words, as --from-call writes them). The text level ignores the options.
type CallerItem struct {
	Say       string
	Silence   time.Duration
	DTMF      string
	Hangup    bool
	Interrupt string
	Pause     time.Duration // audio only
	Noise     float64       // audio only: SNR in dB (0: the case's)
	After     time.Duration // audio only: into the prompt, for interrupt and hangup
	Audio     string        // audio only: a recording played instead of TTS (relative to the case file)
	Line      int
}

// AudioOptions are a case's audio-level settings (the text level ignores them).
type AudioOptions struct {
	// Voice is the caller's voice: an engine ("espeak-ng", "festival") with an
	// optional rate ("espeak-ng@190", "festival@1.2"); empty: rotated per case.
	Voice string `yaml:"voice"`
	// Noise is white line noise added to the caller's speech, as SNR in dB (0: none).
	Noise float64 `yaml:"noise"`
	// Codec is the call's codec, PCMU or PCMA (empty: PCMU).
	Codec string `yaml:"codec"`
	// Pickup is what the callee says on answering, over the start of the
	// robot's greeting, before the case's lines: empty is a person's
	// "алло" (DefaultPickup); "none" is a silent line; any other text is
	// said instead (a voicemail or voice assistant greeting at answer).
	Pickup string `yaml:"pickup"`
}

// DefaultPickup is what a simulated person says on answering the phone.
const DefaultPickup = "алло"

// pickup is the text the callee says on answering ("": nothing).
func (o AudioOptions) pickup() string {
	switch strings.TrimSpace(o.Pickup) {
	case "":
		return DefaultPickup
	case "none":
		return ""
	}
	return strings.TrimSpace(o.Pickup)
}

// callerActions are the keys of a caller item that say what it does; the
// others are options.
var callerActions = "say, silence, dtmf, hangup, interrupt"

// UnmarshalYAML reads a caller item with its line.
func (c *CallerItem) UnmarshalYAML(v *yaml.Node) error {
	c.Line = v.Line
	if v.Kind == yaml.ScalarNode {
		c.Say = v.Value
		return nil
	}
	if v.Kind != yaml.MappingNode || len(v.Content) == 0 {
		return fmt.Errorf("line %d: caller item: want a string or one of {say: \"…\"}, {silence: 6s}, {dtmf: \"1\"}, {hangup: true}, {interrupt: \"…\"}", v.Line)
	}
	actions := 0
	for i := 0; i+1 < len(v.Content); i += 2 {
		key, val := v.Content[i].Value, v.Content[i+1]
		switch key {
		case "say", "silence", "dtmf", "hangup", "interrupt":
			actions++
			if actions > 1 {
				return fmt.Errorf("line %d: caller item: one action per item (%s), %q is a second", v.Content[i].Line, callerActions, key)
			}
		}
		if err := c.set(key, val); err != nil {
			if errors.Is(err, errUnknownKey) {
				return fmt.Errorf("line %d: caller item: unknown key %q (%s; options pause, noise, after, audio)", v.Content[i].Line, key, callerActions)
			}
			return err
		}
	}
	if actions == 0 {
		return fmt.Errorf("line %d: caller item: no action (%s)", v.Line, callerActions)
	}
	if c.Audio != "" && c.Say == "" && c.Interrupt == "" {
		return fmt.Errorf("line %d: caller item: audio is for say and interrupt (the words stay: text level and the stand-in recognizer use them)", v.Line)
	}
	if c.After > 0 && c.Interrupt == "" && !c.Hangup {
		return fmt.Errorf("line %d: caller item: after is for interrupt and hangup", v.Line)
	}
	return nil
}

var errUnknownKey = errors.New("unknown key")

// set reads one key of a caller item.
func (c *CallerItem) set(key string, val *yaml.Node) error {
	duration := func(what string) (time.Duration, error) {
		d, err := time.ParseDuration(val.Value)
		if err != nil || d <= 0 {
			return 0, fmt.Errorf("line %d: %s %q: want a duration like 6s", val.Line, what, val.Value)
		}
		return d, nil
	}
	var err error
	switch key {
	case "say":
		if strings.TrimSpace(val.Value) == "" {
			return fmt.Errorf("line %d: say: want the words", val.Line)
		}
		c.Say = val.Value
	case "silence":
		c.Silence, err = duration("silence")
	case "pause":
		c.Pause, err = duration("pause")
	case "after":
		c.After, err = duration("after")
	case "noise":
		f, perr := strconv.ParseFloat(val.Value, 64)
		if perr != nil || f <= 0 || f > 60 {
			return fmt.Errorf("line %d: noise %q: want an SNR in dB above 0, at most 60", val.Line, val.Value)
		}
		c.Noise = f
	case "audio":
		if strings.TrimSpace(val.Value) == "" {
			return fmt.Errorf("line %d: audio: want a WAV or MP3 file, relative to the case file", val.Line)
		}
		c.Audio = val.Value
	case "dtmf":
		if val.Value == "" || strings.Trim(val.Value, "0123456789*#") != "" {
			return fmt.Errorf("line %d: dtmf %q: want digits, * or #", val.Line, val.Value)
		}
		c.DTMF = val.Value
	case "hangup":
		if val.Value != "true" {
			return fmt.Errorf("line %d: hangup: want true", val.Line)
		}
		c.Hangup = true
	case "interrupt":
		if strings.TrimSpace(val.Value) == "" {
			return fmt.Errorf("line %d: interrupt: want the words said over the prompt", val.Line)
		}
		c.Interrupt = val.Value
	default:
		return errUnknownKey
	}
	return err
}

// Expect is what a case checks. Times match within ±30 minutes; path is a
// subsequence of the visited nodes; said / not_said are word fragments
// looked for in the robot's prompts (extensions).
type Expect struct {
	Outcome      string   `yaml:"outcome"`
	CallbackAt   string   `yaml:"callback_at"`
	PromiseAt    string   `yaml:"promise_at"`
	MeetingAt    string   `yaml:"meeting_at"`
	MeetingPlace string   `yaml:"meeting_place"`
	Amount       *float64 `yaml:"amount"`
	TransferTo   string   `yaml:"transfer_to"`
	Path         []string `yaml:"path"`
	Said         []string `yaml:"said"`
	NotSaid      []string `yaml:"not_said"`
	// MaxTurnGap is the longest the robot may take to answer (the caller's
	// speech end to the robot's next prompt), audio level only.
	MaxTurnGap Duration `yaml:"max_turn_gap"`
	// Unconfirmed marks an expectation written by a tool (--generate,
	// --from-call) from what the robot did, not by an author: the case runs
	// and counts, the report lists it, and a --gate fails until an author
	// confirms it by deleting the mark.
	Unconfirmed bool `yaml:"unconfirmed"`
}

// Duration is a YAML duration ("2s", "1500ms").
type Duration time.Duration

// UnmarshalYAML reads a duration.
func (d *Duration) UnmarshalYAML(v *yaml.Node) error {
	x, err := time.ParseDuration(v.Value)
	if err != nil || x <= 0 {
		return fmt.Errorf("line %d: %q: want a duration like 2s", v.Line, v.Value)
	}
	*d = Duration(x)
	return nil
}

// UnmarshalYAML records the case's line.
func (c *Case) UnmarshalYAML(v *yaml.Node) error {
	type plain Case
	if err := v.Decode((*plain)(c)); err != nil {
		return err
	}
	c.Line = v.Line
	return nil
}

// LoadCases reads and checks a case file. Errors name file:line.
func LoadCases(path string) (*CaseFile, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load cases: %w", err)
	}
	var f CaseFile
	if ds := scripts.DecodeStrict(path, data, &f); len(ds) > 0 {
		var errs []error
		for _, d := range ds {
			errs = append(errs, errors.New(d.String()))
		}
		return nil, fmt.Errorf("load cases: %w", errors.Join(errs...))
	}
	f.File = path
	var errs []error
	for i := range f.Cases {
		c := &f.Cases[i]
		if c.Name == "" {
			errs = append(errs, fmt.Errorf("%s:%d: case without a name", path, c.Line))
		}
		if _, err := f.now(c); err != nil {
			errs = append(errs, fmt.Errorf("%s:%d: case %q: %w", path, c.Line, c.Name, err))
		}
		if err := c.Audio.check(); err != nil {
			errs = append(errs, fmt.Errorf("%s:%d: case %q: audio: %w", path, c.Line, c.Name, err))
		}
		for _, it := range c.Caller {
			if it.Audio == "" {
				continue
			}
			if _, err := os.Stat(f.AudioPath(it.Audio)); err != nil {
				errs = append(errs, fmt.Errorf("%s:%d: case %q: audio %q: %w", path, it.Line, c.Name, it.Audio, err))
			}
		}
		if c.Expect.Outcome == "" {
			errs = append(errs, fmt.Errorf("%s:%d: case %q: expect.outcome is required", path, c.Line, c.Name))
		}
		for _, t := range []struct{ k, v string }{{"callback_at", c.Expect.CallbackAt}, {"promise_at", c.Expect.PromiseAt}, {"meeting_at", c.Expect.MeetingAt}} {
			if t.v != "" {
				if _, err := time.Parse(time.RFC3339, t.v); err != nil {
					errs = append(errs, fmt.Errorf("%s:%d: case %q: expect.%s %q: want RFC 3339", path, c.Line, c.Name, t.k, t.v))
				}
			}
		}
	}
	if len(f.Cases) == 0 {
		errs = append(errs, fmt.Errorf("%s: no cases", path))
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("load cases: %w", errors.Join(errs...))
	}
	return &f, nil
}

// AudioPath resolves a caller item's audio file: relative to the case file.
func (f *CaseFile) AudioPath(name string) string {
	if filepath.IsAbs(name) {
		return name
	}
	return filepath.Join(filepath.Dir(f.File), name)
}

// now is the case's clock start.
func (f *CaseFile) now(c *Case) (time.Time, error) {
	s := c.Now
	if s == "" {
		s = f.Now
	}
	if s == "" {
		return time.Time{}, errors.New("now is required (e.g. now: 2026-11-24T11:00:00+03:00)")
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("now %q: want RFC 3339 with the debtor's offset", s)
	}
	return t, nil
}

// vars merges the case's vars over the file's.
func (f *CaseFile) vars(c *Case) map[string]any {
	return merge(f.Vars, c.Vars)
}

func merge(a, b map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		if bm, ok := v.(map[string]any); ok {
			if am, ok := out[k].(map[string]any); ok {
				out[k] = merge(am, bm)
				continue
			}
		}
		out[k] = v
	}
	return out
}

// ScriptPath resolves the file's script: relative to the working directory,
// else to the case file's directory and its parents (so "scripts/x.yaml"
// works from the repo root and from inside scripts/testdata).
func (f *CaseFile) ScriptPath() (string, error) {
	if f.Script == "" {
		return "", fmt.Errorf("%s: script is not set", f.File)
	}
	if filepath.IsAbs(f.Script) {
		return f.Script, nil
	}
	if _, err := os.Stat(f.Script); err == nil {
		return f.Script, nil
	}
	dir := filepath.Dir(f.File)
	for i := 0; i < 6; i++ {
		p := filepath.Join(dir, f.Script)
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
		dir = filepath.Join(dir, "..")
	}
	return "", fmt.Errorf("%s: script %q not found", f.File, f.Script)
}

// PauseBelow is the longest {silence: …} the audio level plays as a pause
// before the next item rather than as no answer: below the shortest listen
// timeout, as the text level reads a silence shorter than the node's timeout.
const PauseBelow = 5 * time.Second

// Steps turns the case's caller items into steps for the simulated callee,
// so the same case runs at audio level over SIP/RTP with the text level's
// meaning: a short silence is a pause before the next item, and a caller
// who runs out of items hangs up at the robot's next prompt.
func (c *Case) Steps() []Step {
	out := make([]Step, 0, len(c.Caller)+1)
	var pause time.Duration
	for _, it := range c.Caller {
		p := pause + it.Pause
		pause = 0
		switch {
		case it.Hangup && it.After > 0:
			out = append(out, Step{HangupAfter: it.After})
		case it.Hangup:
			out = append(out, Step{Hangup: true, Pause: p})
		case it.DTMF != "":
			out = append(out, Step{DTMF: it.DTMF, Pause: p})
		case it.Silence > 0 && it.Silence < PauseBelow:
			pause = p + it.Silence
		case it.Silence > 0:
			out = append(out, Step{Silence: p + it.Silence})
		case it.Interrupt != "":
			out = append(out, Step{Interrupt: it.Interrupt, After: it.After, Noise: it.Noise})
		default:
			out = append(out, Step{Say: it.Say, Pause: p, Noise: it.Noise})
		}
	}
	if pause > 0 {
		out = append(out, Step{Silence: pause})
	}
	if n := len(out); n == 0 || (!out[n-1].Hangup && out[n-1].HangupAfter == 0) {
		out = append(out, Step{Hangup: true})
	}
	return out
}

// check validates the options.
func (o AudioOptions) check() error {
	switch o.Codec {
	case "", "PCMU", "PCMA":
	default:
		return fmt.Errorf("codec %q: want PCMU or PCMA", o.Codec)
	}
	if o.Noise < 0 || o.Noise > 60 {
		return fmt.Errorf("noise %v: want an SNR in dB between 0 (none) and 60", o.Noise)
	}
	if o.Voice != "" {
		if _, err := ParseVoice(o.Voice); err != nil {
			return err
		}
	}
	return nil
}
