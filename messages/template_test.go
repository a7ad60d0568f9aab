package messages

import (
	"errors"
	"strings"
	"testing"
)

func TestBundledTemplates(t *testing.T) {
	t.Parallel()
	set, err := Bundled()
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(set.Names(), ","); got != "call_us,payment_details,promise_reminder" {
		t.Fatalf("names %s", got)
	}
	tm, _ := set.Get("payment_details")
	subj, text, err := tm.Render(map[string]any{
		"agency":   map[string]any{"name": "ООО «Пример»", "phone": "8 800 000-00-00"},
		"debtor":   map[string]any{"name": "Иванов Иван Иванович", "first_name": "Иван"},
		"creditor": map[string]any{"name": "АО «Банк»"},
		"debt":     map[string]any{"amount": "12 345 рублей 50 копеек", "contract": "К-1"},
		"payment":  map[string]any{"details": "р/с 40817810000000000001"},
		"slots":    map[string]any{},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := "Иван, реквизиты для оплаты задолженности перед АО «Банк» (12 345 рублей 50 копеек): р/с 40817810000000000001\nООО «Пример», 8 800 000-00-00"
	if subj != "Реквизиты для оплаты" || text != want {
		t.Fatalf("rendered %q / %q", subj, text)
	}
	if _, _, err := tm.Render(map[string]any{}); !errors.Is(err, ErrRender) {
		t.Fatalf("render without data: %v", err)
	}
}

// TestTemplateErrorsNameTheLine: a bad template file is refused at load
// with file:line and what is wrong — a variable that would disclose the
// debt to a recipient nobody confirmed among them.
func TestTemplateErrorsNameTheLine(t *testing.T) {
	t.Parallel()
	head := "templates:\n  t:\n"
	for _, c := range []struct {
		name, yaml, want string
	}{
		{"debt to anyone", head + "    audience: anyone\n    channels: [sms]\n    text: |\n      Здравствуйте!\n      Сумма {{.debt.amount}}\n",
			`f.yaml:7: template "t" text: variable .debt.amount may reach only the debtor`},
		{"debtor's name to anyone", head + "    audience: anyone\n    channels: [sms]\n    text: \"Иван {{.debtor.first_name}}\"\n",
			`f.yaml:5: template "t" text: variable .debtor.first_name may reach only the debtor`},
		{"creditor in the subject", head + "    audience: anyone\n    channels: [email]\n    subject: \"{{.creditor.name}}\"\n    text: Здравствуйте\n",
			`f.yaml:5: template "t" subject: variable .creditor.name may reach only the debtor`},
		{"debt word to anyone", head + "    audience: anyone\n    channels: [sms]\n    text: |\n      Здравствуйте, {{.agency.name}}.\n      Погасите ЗАДОЛЖЕННОСТЬ.\n",
			`f.yaml:7: template "t" text: a template for anyone mentions the debt ("погасите")`},
		{"unknown variable", head + "    audience: debtor\n    channels: [sms]\n    text: |\n      {{.debtor.passport}}\n",
			`f.yaml:6: template "t" text: unknown variable .debtor.passport`},
		{"parse error", head + "    audience: debtor\n    channels: [sms]\n    text: |\n      a\n      {{.debtor.name\n",
			`text: unclosed action started at f.yaml:7`},
		{"range", head + "    audience: debtor\n    channels: [sms]\n    text: \"{{range .slots}}x{{end}}\"\n",
			`f.yaml:5: template "t" text: "{{range .slots}}x{{end}}" is not allowed`},
		{"function", head + "    audience: debtor\n    channels: [sms]\n    text: '{{printf \"%v\" .debt}}'\n",
			`f.yaml:5: template "t" text: function printf is not allowed`},
		{"no audience", head + "    channels: [sms]\n    text: x\n", `f.yaml:2: template "t": audience is required`},
		{"bad audience", head + "    audience: everyone\n    channels: [sms]\n    text: x\n", `f.yaml:3: template "t": audience "everyone"`},
		{"bad channel", head + "    audience: debtor\n    channels: [fax]\n    text: x\n", `f.yaml:4: template "t": channel "fax"`},
		{"unknown key", head + "    audience: debtor\n    channels: [sms]\n    txt: x\n", `f.yaml:5: template "t": unknown key "txt"`},
		{"no text", head + "    audience: debtor\n    channels: [sms]\n", `f.yaml:2: template "t": text is required`},
		{"bad name", "templates:\n  Bad-Name:\n    audience: debtor\n", `f.yaml:2: template name "Bad-Name"`},
		{"duplicate", "templates:\n  t: {audience: debtor, channels: [sms], text: a}\n  t: {audience: debtor, channels: [sms], text: b}\n", `f.yaml:`},
		{"not a map", "templates: [1, 2]\n", `f.yaml:1: "templates" must be a non-empty map`},
		{"empty", "", `f.yaml: empty file`},
		{"unknown top key", "template:\n  t: {}\n", `f.yaml:1: `},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("f.yaml", strings.NewReader(c.yaml))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v\nwant %s", err, c.want)
			}
		})
	}
}
