package intentstat_test

import (
	"bytes"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/dozvon/dozvon/intentstat"
)

func TestFeatures(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		text      string
		has, lack []string
	}{
		{"a negation scopes over the next word", "не могу", []string{"¬:мог", "w:не", "b:не_мог"}, []string{"w:мог"}},
		{"the word itself when not negated", "могу", []string{"w:мог"}, []string{"¬:мог"}},
		{"character trigrams of a long word, with its edges", "занят", []string{"c:^за", "c:ят$", "w:зан"}, nil},
		{"no trigrams of a short word", "да", []string{"w:да"}, []string{"c:^да"}},
		{"morphology: one stem for two forms", "перезвоните", []string{"w:перезвон"}, nil},
		{"punctuation and case do not matter", "Да, ДА!", []string{"w:да", "b:да_да"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := intentstat.Features(tt.text)
			for _, f := range tt.has {
				if !slices.Contains(fs, f) {
					t.Errorf("Features(%q) = %v, lacks %q", tt.text, fs, f)
				}
			}
			for _, f := range tt.lack {
				if slices.Contains(fs, f) {
					t.Errorf("Features(%q) = %v, has %q", tt.text, fs, f)
				}
			}
		})
	}
	if fs := intentstat.Features(" ,.. "); len(fs) != 0 {
		t.Errorf("Features of punctuation = %v, want none", fs)
	}
}

func smallModel(threshold float64) *intentstat.Model {
	rows := []intentstat.Row{
		{Source: "a", Intent: "yes", Text: "да это я"},
		{Source: "a", Intent: "yes", Text: "да слушаю"},
		{Source: "a", Intent: "yes", Text: "ага я"},
		{Source: "a", Intent: "busy", Text: "перезвоните позже я занят"},
		{Source: "b", Intent: "busy", Text: "неудобно сейчас перезвоните"},
		{Source: "b", Intent: "busy", Text: "занята на работе"},
		{Source: "b", Intent: "no", Text: "нет не удобно"},
		{Source: "b", Intent: intentstat.None, Text: "эээ ну"},
		{Source: "b", Intent: intentstat.None, Text: "чего"},
	}
	return intentstat.Train(rows, 0.5, threshold)
}

func TestPredict(t *testing.T) {
	t.Parallel()
	m := smallModel(0)
	tests := []struct {
		name    string
		text    string
		allowed []string
		want    string
	}{
		{"a seen answer", "да это я", nil, "yes"},
		{"an unseen form of a seen stem", "перезвоните попозже, занятой", nil, "busy"},
		{"an ASR-misspelt ending, by trigrams", "перезвонитя", nil, "busy"},
		{"only allowed intents compete", "перезвоните позже я занят", []string{"yes", "no"}, ""},
		{"a filler is None, no intent", "эээ ну", nil, ""},
		{"nothing known", "шмяк", nil, ""},
		{"empty", "", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := m.Predict(tt.text, tt.allowed)
			if p.Intent != tt.want {
				t.Fatalf("Predict(%q, %v) = %q (p=%.3f), want %q", tt.text, tt.allowed, p.Intent, p.P, tt.want)
			}
			if p.Intent != "" && (p.P <= 0 || p.P > 1 || len(p.Why) == 0) {
				t.Fatalf("Predict(%q) = %+v: want a probability in (0,1] and the features that decided it", tt.text, p)
			}
		})
	}
}

func TestGuessThreshold(t *testing.T) {
	t.Parallel()
	p := smallModel(0).Predict("неудобно сейчас", nil)
	if p.Intent != "busy" {
		t.Fatalf("Predict = %+v, want busy", p)
	}
	if got, _, why := smallModel(p.P-1e-9).Guess("неудобно сейчас", nil); got != "busy" || !strings.Contains(why, "vs") {
		t.Errorf("Guess under the threshold = %q (%s), want busy with why", got, why)
	}
	if got, _, _ := smallModel(p.P+1e-9).Guess("неудобно сейчас", nil); got != "" {
		t.Errorf("Guess over the threshold = %q, want none", got)
	}
}

func TestWriteParseRoundTrip(t *testing.T) {
	t.Parallel()
	m := smallModel(0.75)
	var a bytes.Buffer
	if err := m.Write(&a); err != nil {
		t.Fatal(err)
	}
	back, err := intentstat.Parse("a", bytes.NewReader(a.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := back.Write(&b); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatalf("round trip differs:\n%s\n---\n%s", a.String(), b.String())
	}
	if back.Threshold != 0.75 || !slices.Equal(back.Classes(), m.Classes()) {
		t.Fatalf("parsed threshold %v, classes %v", back.Threshold, back.Classes())
	}
	for _, text := range []string{"да это я", "перезвоните", "нет"} {
		if x, y := m.Predict(text, nil), back.Predict(text, nil); x.Intent != y.Intent || x.P != y.P {
			t.Errorf("%q: %+v before, %+v after the round trip", text, x, y)
		}
	}
}

func TestParseErrorsNameTheLine(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, text, want string }{
		{"an unknown line", "alpha 0.5\nclass yes 1 1\nbogus\n", "m:3: unknown line kind"},
		{"a bad alpha", "alpha x\n", "m:1: alpha"},
		{"a feature of an unknown class", "alpha 0.5\nclass yes 1 1\nf w:да no=1\n", `m:3: feature w:да: unknown class "no"`},
		{"a bad count", "alpha 0.5\nclass yes 1 1\nf w:да yes=0\n", "m:3: feature w:да: bad count"},
		{"no classes", "alpha 0.5\n", "no classes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := intentstat.Parse("m", strings.NewReader(tt.text))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Parse error %v, want it to say %q", err, tt.want)
			}
		})
	}
}

func TestReadCorpusErrors(t *testing.T) {
	t.Parallel()
	if _, err := intentstat.ReadCorpus("c.tsv", strings.NewReader("# c\na\tyes\t*\tда\nb\tyes\tда\n")); err == nil || !strings.Contains(err.Error(), "c.tsv:3") {
		t.Fatalf("error %v, want one naming c.tsv:3", err)
	}
	rows, err := intentstat.ReadCorpus("c.tsv", strings.NewReader("a\tyes\tyes,no\tда\n\nb\tbusy\t*\tзанят\n"))
	if err != nil || len(rows) != 2 || !slices.Equal(rows[0].Allowed, []string{"yes", "no"}) || rows[1].Allowed != nil {
		t.Fatalf("rows %+v, err %v", rows, err)
	}
}

// TestBundledModelIsGenerated regenerates the model from corpus/ and fails
// when the committed model.txt differs: run `go generate ./intentstat/`.
func TestBundledModelIsGenerated(t *testing.T) {
	t.Parallel()
	rows, err := intentstat.ReadCorpusDir(os.DirFS("."), "corpus")
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := intentstat.Generate(rows, &b); err != nil {
		t.Fatal(err)
	}
	committed, err := os.ReadFile("model.txt")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b.Bytes(), committed) {
		t.Fatal("model.txt is not what corpus/ generates: run `go generate ./intentstat/` and commit it")
	}
	m, err := intentstat.Bundled()
	if err != nil {
		t.Fatal(err)
	}
	if m.Threshold != intentstat.DefaultThreshold || len(m.Classes()) < 5 {
		t.Fatalf("bundled model: threshold %v, classes %v", m.Threshold, m.Classes())
	}
}

// TestOverrule: a model overrules only at or above its overrule threshold,
// never when the threshold is 0 (Train's default).
func TestOverrule(t *testing.T) {
	t.Parallel()
	m := intentstat.Train([]intentstat.Row{
		{Source: "t", Intent: "busy", Text: "шуршу по хозяйству"},
		{Source: "t", Intent: "busy", Text: "шуршу на кухне"},
		{Source: "t", Intent: intentstat.None, Text: "эээ ну"},
	}, 0.5, 0.9)
	p := m.Predict("шуршу по хозяйству", nil)
	if p.Intent != "busy" {
		t.Fatalf("predict %q (p=%.3f), want busy", p.Intent, p.P)
	}
	tests := []struct {
		name string
		at   float64
		want string
	}{
		{"never", 0, ""},
		{"sure enough", p.P, "busy"},
		{"not sure enough", p.P + 1e-9, ""},
	}
	for _, tt := range tests {
		if got, _ := m.WithOverrule(tt.at).Overrule("шуршу по хозяйству", nil); got != tt.want {
			t.Errorf("%s: overrule %q, want %q", tt.name, got, tt.want)
		}
	}
	b, err := intentstat.Bundled()
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := b.WithOverrule(0).Overrule("нет", nil); got != "" {
		t.Fatalf("overrule 0 overruled with %q", got)
	}
}
