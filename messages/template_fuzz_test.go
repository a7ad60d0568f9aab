package messages

import (
	"strings"
	"testing"
)

// FuzzParse: the loader never panics; an error names the file; a template
// it accepts for anyone, filled with secrets in every debtor-only variable,
// shows none of them — the disclosure check misses no path to a value.
func FuzzParse(f *testing.F) {
	f.Add(string(bundled))
	for _, s := range []string{
		"templates:\n  t:\n    audience: anyone\n    channels: [sms]\n    text: \"{{if .agency.name}}{{.agency.phone}}{{else}}x{{end}}\"\n",
		"templates:\n  t:\n    audience: anyone\n    channels: [sms]\n    text: \"{{.debt.amount}}\"\n",
		"templates:\n  t:\n    audience: debtor\n    channels: [sms, email]\n    subject: \"{{.slots.x}}\"\n    text: |\n      {{/* c */}}{{.debtor.name | print}}\n",
		"templates:\n  t: {audience: anyone, channels: [sms], text: '{{with .debt}}{{.amount}}{{end}}'}\n",
		"templates:\n  t: {audience: anyone, channels: [sms], text: '{{$x := .debt}}{{$x.amount}}'}\n",
		"templates:\n  t: {audience: anyone, channels: [sms], text: '{{template \"t\" .debt}}'}\n",
		"templates:\n  t: {audience: anyone, channels: [sms], text: '{{.}}'}\n",
		"templates:\n  t: {audience: anyone, channels: [sms], text: '{{index . \"debt\"}}'}\n",
		"templates: {}\n", "", "templates:\n  - a\n", "\xff",
	} {
		f.Add(s)
	}
	secret := "СЕКРЕТ-42"
	data := map[string]any{
		"agency":   map[string]any{"name": "ООО «Пример»", "phone": "8 800 000-00-00"},
		"debtor":   map[string]any{"name": secret, "first_name": secret},
		"creditor": map[string]any{"name": secret},
		"debt":     map[string]any{"amount": secret, "contract": secret},
		"payment":  map[string]any{"details": secret},
		"slots":    map[string]any{"x": secret, "promise_at": secret},
	}
	f.Fuzz(func(t *testing.T, src string) {
		set, err := Parse("f.yaml", strings.NewReader(src))
		if err != nil {
			if !strings.HasPrefix(err.Error(), "load templates f.yaml") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		for _, n := range set.Names() {
			tm, _ := set.Get(n)
			subj, text, err := tm.Render(data)
			if err != nil {
				continue
			}
			if tm.Audience == ToAnyone && (strings.Contains(text, secret) || strings.Contains(subj, secret)) {
				t.Fatalf("template %s for anyone shows a debtor-only value: %q %q", n, subj, text)
			}
		}
	})
}
