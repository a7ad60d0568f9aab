package scripts

import (
	"fmt"

	"github.com/dozvon/dozvon/tts"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Verbalizer turns money and dates into Russian for the prompt text: Spoken
// (words, the default) or Written (digits), both from the tts package.
type Verbalizer interface {
	FormatMoney(kopecks int64) string      // "12 345 рублей 50 копеек"
	FormatDate(t time.Time) string         // nominative: "25 ноября" / "двадцать пятое ноября"
	FormatDateGenitive(t time.Time) string // "до 25 ноября" / "до двадцать пятого ноября"
	FormatTime(t time.Time) string         // "10:00" / "десять часов"
}

// Env is what rendering and conditions read: the call's variables, the slots
// collected so far, the clock and the verbalizer.
type Env struct {
	Vars       map[string]any
	Slots      map[string]string
	Now        time.Time // already in the debtor's location
	Verbalizer Verbalizer
}

var (
	varRef   = regexp.MustCompile(`\{([a-zA-Z_][a-zA-Z0-9_.]*)(?:\|([a-z_]+))?\}`)
	pauseRef = regexp.MustCompile(`\[pause(?:\s+(\d+)ms)?\]`)
	stress   = regexp.MustCompile(`\+(\p{L})`)
)

// VarRef is one variable used in phrase markup.
type VarRef struct{ Path, Filter string }

// Refs lists the variables used in markup.
func Refs(markup string) []VarRef {
	var out []VarRef
	for _, m := range varRef.FindAllStringSubmatch(markup, -1) {
		out = append(out, VarRef{Path: m[1], Filter: m[2]})
	}
	return out
}

// Filters is the list of known template filters.
// money: rubles; date: the date in the genitive ("перезвоним 25 ноября", "до
// 25 ноября"); date_nom: nominative ("сегодня 25 ноября"); time; datetime:
// genitive date and time ("25 ноября в 10:00").
func Filters() []string { return []string{"money", "date", "date_nom", "time", "datetime"} }

// RenderText renders phrase markup into plain text for the Conversation:
// variables are substituted (with filters), stress marks removed and pauses
// turned into an ellipsis the synthesisers pause on.
func RenderText(markup string, env Env) (string, error) {
	var firstErr error
	out := varRef.ReplaceAllStringFunc(markup, func(m string) string {
		sm := varRef.FindStringSubmatch(m)
		v, ok := env.Lookup(sm[1])
		if !ok {
			if firstErr == nil {
				firstErr = fmt.Errorf("render: variable %q is not set", sm[1])
			}
			return ""
		}
		s, err := applyFilter(v, sm[2], env)
		if err != nil && firstErr == nil {
			firstErr = fmt.Errorf("render: {%s|%s}: %w", sm[1], sm[2], err)
		}
		return s
	})
	out = pauseRef.ReplaceAllString(out, "…")
	out = stress.ReplaceAllString(out, "$1")
	return strings.Join(strings.Fields(out), " "), firstErr
}

// Render renders a phrase by id.
func (s *Script) Render(id string, env Env) (text, audio string, err error) {
	p, ok := s.Phrases[id]
	if !ok {
		return "", "", fmt.Errorf("render: unknown phrase %q", id)
	}
	text, err = RenderText(p.Text, env)
	if err != nil {
		return text, "", fmt.Errorf("render phrase %q (%s:%d): %w", id, p.File, p.Line, err)
	}
	if p.Audio != "" {
		audio = p.Audio
		if !strings.HasPrefix(audio, "/") {
			audio = joinDir(p.File, audio)
		}
	}
	return text, audio, nil
}

func joinDir(file, rel string) string {
	if i := strings.LastIndexByte(file, '/'); i >= 0 {
		return file[:i+1] + rel
	}
	return rel
}

// Lookup finds a dotted path: "slot.NAME" in the slots, "now" for the clock,
// anything else in the variables.
func (e Env) Lookup(path string) (any, bool) {
	if name, ok := strings.CutPrefix(path, "slot."); ok {
		v, ok := e.Slots[name]
		return v, ok
	}
	if path == "now" {
		return e.Now, true
	}
	var cur any = e.Vars
	for _, part := range strings.Split(path, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		cur, ok = m[part]
		if !ok {
			return nil, false
		}
	}
	return cur, cur != nil
}

func applyFilter(v any, filter string, env Env) (string, error) {
	vb := env.Verbalizer
	if vb == nil {
		vb = Spoken{}
	}
	switch filter {
	case "":
		return toString(v), nil
	case "money":
		rub, err := toFloat(v)
		if err != nil {
			return "", err
		}
		return vb.FormatMoney(int64(math.Round(rub * 100))), nil
	case "date", "date_nom", "time", "datetime":
		t, err := toTime(v, env.Now.Location())
		if err != nil {
			return "", err
		}
		switch filter {
		case "date":
			return vb.FormatDateGenitive(t), nil
		case "date_nom":
			return vb.FormatDate(t), nil
		case "time":
			return vb.FormatTime(t), nil
		}
		return vb.FormatDateGenitive(t) + " в " + vb.FormatTime(t), nil
	}
	return "", fmt.Errorf("unknown filter %q (known: %s)", filter, strings.Join(Filters(), ", "))
}

func toString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case time.Time:
		return x.Format(time.RFC3339)
	}
	return fmt.Sprint(v)
}

// Number reads a variable as a number: YAML and JSON numbers or a numeric string.
func Number(v any) (float64, error) { return toFloat(v) }

func toFloat(v any) (float64, error) {
	switch x := v.(type) {
	case float64:
		return x, nil
	case float32:
		return float64(x), nil
	case int:
		return float64(x), nil
	case int64:
		return float64(x), nil
	case string:
		f, err := strconv.ParseFloat(strings.ReplaceAll(strings.TrimSpace(x), ",", "."), 64)
		if err != nil {
			return 0, fmt.Errorf("not a number: %q", x)
		}
		return f, nil
	}
	return 0, fmt.Errorf("not a number: %v", v)
}

func toTime(v any, loc *time.Location) (time.Time, error) {
	switch x := v.(type) {
	case time.Time:
		return x.In(loc), nil
	case string:
		for _, layout := range []string{time.RFC3339, "2006-01-02T15:04", "2006-01-02"} {
			if t, err := time.ParseInLocation(layout, x, loc); err == nil {
				return t.In(loc), nil
			}
		}
	}
	return time.Time{}, fmt.Errorf("not a date: %v", v)
}

// Spoken verbalises money and dates in words for the synthesiser
// ("двенадцать тысяч триста сорок пять рублей", "двадцать пятое ноября"); it is
// the default of Env.
type Spoken struct{}

// FormatMoney spells an amount.
func (Spoken) FormatMoney(kopecks int64) string { return tts.SpellMoney(kopecks) }

// FormatDate spells a date in the nominative.
func (Spoken) FormatDate(t time.Time) string { return tts.SpellDate(t) }

// FormatDateGenitive spells a date in the genitive.
func (Spoken) FormatDateGenitive(t time.Time) string { return tts.SpellDateGenitive(t) }

// FormatTime spells a clock time.
func (Spoken) FormatTime(t time.Time) string { return tts.SpellTime(t) }

// Written formats money and dates with digits ("12 345 рублей 50 копеек",
// "25 ноября"), for logs and screens.
type Written struct{}

// FormatMoney formats an amount.
func (Written) FormatMoney(kopecks int64) string { return tts.FormatMoney(kopecks) }

// FormatDate formats a date.
func (Written) FormatDate(t time.Time) string { return tts.FormatDate(t) }

// FormatDateGenitive formats a date; with digits it is the same as FormatDate.
func (Written) FormatDateGenitive(t time.Time) string { return tts.FormatDate(t) }

// FormatTime formats a clock time as "10:00".
func (Written) FormatTime(t time.Time) string { return t.Format("15:04") }

// Eval evaluates a condition.
func (c *Cond) Eval(env Env) bool {
	if c == nil {
		return true
	}
	for _, sub := range c.All {
		if !sub.Eval(env) {
			return false
		}
	}
	if len(c.Any) > 0 {
		ok := false
		for _, sub := range c.Any {
			if sub.Eval(env) {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	if c.Var != "" {
		v, set := env.Lookup(c.Var)
		if c.Exists != nil && *c.Exists != set {
			return false
		}
		s := ""
		if set {
			s = toString(v)
		}
		if c.Eq != nil && s != *c.Eq {
			return false
		}
		if c.Ne != nil && s == *c.Ne {
			return false
		}
		if len(c.In) > 0 {
			found := false
			for _, x := range c.In {
				if x == s {
					found = true
				}
			}
			if !found {
				return false
			}
		}
		if c.Gt != nil || c.Lt != nil {
			f, err := toFloat(v)
			if !set || err != nil {
				return false
			}
			if c.Gt != nil && !(f > *c.Gt) {
				return false
			}
			if c.Lt != nil && !(f < *c.Lt) {
				return false
			}
		}
	}
	mins := env.Now.Hour()*60 + env.Now.Minute()
	if c.After != "" {
		if m, err := clockMinutes(c.After); err != nil || mins < m {
			return false
		}
	}
	if c.Before != "" {
		if m, err := clockMinutes(c.Before); err != nil || mins >= m {
			return false
		}
	}
	if len(c.Weekday) > 0 {
		wd := [...]string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}[env.Now.Weekday()]
		found := false
		for _, w := range c.Weekday {
			if strings.ToLower(w) == wd {
				found = true
			}
		}
		if !found {
			return false
		}
	}
	return true
}

func clockMinutes(s string) (int, error) {
	t, err := time.Parse("15:04", s)
	if err != nil {
		return 0, fmt.Errorf("time of day %q: want HH:MM", s)
	}
	return t.Hour()*60 + t.Minute(), nil
}
