package scripts

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestBundledScriptsLintClean(t *testing.T) {
	for _, d := range Lint("phrases.yaml") {
		t.Errorf("phrase base: %s", d)
	}
	for _, f := range []string{"verify_contact.yaml", "collection.yaml"} {
		t.Run(f, func(t *testing.T) {
			for _, d := range Lint(f) {
				t.Errorf("%s", d)
			}
			s, err := Load(f)
			if err != nil {
				t.Fatal(err)
			}
			if s.Limits.MaxTurns <= 0 || len(s.Nodes) == 0 {
				t.Fatalf("loaded an empty script: %+v", s.Limits)
			}
		})
	}
}

// TestBrokenCorpus lints each file of testdata/broken and expects every
// "# want: file:line: message" of its header among the diagnostics.
func TestBrokenCorpus(t *testing.T) {
	files, err := filepath.Glob("testdata/broken/*.yaml")
	if err != nil || len(files) < 15 {
		t.Fatalf("corpus: %d files, err %v", len(files), err)
	}
	for _, f := range files {
		if filepath.Base(f) == "base.yaml" {
			continue
		}
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			var wants []string
			for _, line := range strings.Split(string(data), "\n") {
				if w, ok := strings.CutPrefix(line, "# want: "); ok {
					wants = append(wants, "testdata/broken/"+w)
				}
			}
			if len(wants) == 0 {
				t.Fatal("no # want: lines")
			}
			var got []string
			for _, d := range Lint(f) {
				if !d.Warning {
					got = append(got, d.String())
				}
			}
			for _, w := range wants {
				found := false
				for _, g := range got {
					if strings.HasPrefix(g, w) {
						found = true
					}
				}
				if !found {
					t.Errorf("missing %q\ngot:\n  %s", w, strings.Join(got, "\n  "))
				}
			}
			if _, err := Load(f); err == nil {
				t.Error("Load accepted a broken script")
			}
		})
	}
}

// TestPhraseMentionsDebt: the phrase-level parts (tags, variables, markup)
// are the script's; the words are the 230-FZ content rules' (compliance).
func TestPhraseMentionsDebt(t *testing.T) {
	tests := []struct {
		name string
		p    Phrase
		want bool
	}{
		{"tagged", Phrase{Text: "Назовите сумму", Tags: []string{TagDebt}}, true},
		{"debt variable", Phrase{Text: "Сумма {debt.amount|money}."}, true},
		{"the debt variable itself", Phrase{Text: "Итого {debt}"}, true},
		{"debt word", Phrase{Text: "У вас задолженность."}, true},
		{"debt word in another form", Phrase{Text: "по вашему долгу"}, true},
		{"stress mark inside a debt word", Phrase{Text: "Ваша з+адолженность"}, true},
		{"money in digits", Phrase{Text: "К оплате 12 345 руб."}, true},
		{"debtor variable only", Phrase{Text: "Я говорю с {debtor.first_name}?"}, false},
		{"a variable named like a debt word is not said", Phrase{Text: "Перезвоню {credit_time|time}"}, false},
		{"a pause is not a number", Phrase{Text: "Алло [pause 300ms] вы слышите?"}, false},
		{"neutral", Phrase{Text: "Спасибо, до свидания."}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.p.MentionsDebt(); got != tt.want {
				t.Errorf("MentionsDebt(%q) = %v, want %v", tt.p.Text, got, tt.want)
			}
		})
	}
}
