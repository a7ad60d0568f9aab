package testcalls

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
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
	Line          int          `yaml:"-"`
}

// CallerItem is one thing the caller does: a string (an utterance), or one of
// {silence: 6s}, {dtmf: "1"}, {hangup: true}, {interrupt: "…"}.
type CallerItem struct {
	Say       string
	Silence   time.Duration
	DTMF      string
	Hangup    bool
	Interrupt string
	Line      int
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
}

// UnmarshalYAML reads a caller item with its line.
func (c *CallerItem) UnmarshalYAML(v *yaml.Node) error {
	c.Line = v.Line
	if v.Kind == yaml.ScalarNode {
		c.Say = v.Value
		return nil
	}
	if v.Kind != yaml.MappingNode || len(v.Content) != 2 {
		return fmt.Errorf("line %d: caller item: want a string or one of {silence: 6s}, {dtmf: \"1\"}, {hangup: true}, {interrupt: \"…\"}", v.Line)
	}
	key, val := v.Content[0].Value, v.Content[1]
	switch key {
	case "silence":
		d, err := time.ParseDuration(val.Value)
		if err != nil || d <= 0 {
			return fmt.Errorf("line %d: silence %q: want a duration like 6s", val.Line, val.Value)
		}
		c.Silence = d
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
		return fmt.Errorf("line %d: caller item: unknown key %q (silence, dtmf, hangup, interrupt)", v.Content[0].Line, key)
	}
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

// Steps turns the case's caller items into steps for the simulated callee,
// so the same case can run at audio level over SIP/RTP.
func (c *Case) Steps() []Step {
	out := make([]Step, 0, len(c.Caller))
	for _, it := range c.Caller {
		switch {
		case it.Hangup:
			out = append(out, Step{Hangup: true})
		case it.DTMF != "":
			out = append(out, Step{DTMF: it.DTMF})
		case it.Silence > 0:
			out = append(out, Step{Silence: it.Silence})
		case it.Interrupt != "":
			out = append(out, Step{Interrupt: it.Interrupt})
		default:
			out = append(out, Step{Say: it.Say})
		}
	}
	return out
}
