package detectstat

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

func readCorpus(t *testing.T) []Row {
	t.Helper()
	f, err := os.Open("corpus/texts.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := ReadCorpus("corpus/texts.tsv", f)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// TestModelIsCurrent: model.txt is what `go generate` makes of the corpus.
func TestModelIsCurrent(t *testing.T) {
	var b bytes.Buffer
	if err := Generate(readCorpus(t), &b); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b.Bytes(), modelText) {
		t.Error("model.txt is stale: run `go generate ./detectstat/` (or `make detect-model`)")
	}
}

// TestCorpusHoldsTuningSourcesOnly: every row comes from a tuning source
// and its pool is the one PoolOf names; a held-out pair is refused.
func TestCorpusHoldsTuningSourcesOnly(t *testing.T) {
	rows := readCorpus(t)
	if len(rows) < 2000 {
		t.Fatalf("%d rows, want the tuning sources' ~2,300 files", len(rows))
	}
	for _, r := range rows {
		p, err := PoolOf(r.Source)
		if err != nil || p != r.Pool {
			t.Fatalf("%s/%s: pool %q, PoolOf %q %v", r.Source, r.Name, r.Pool, p, err)
		}
	}
	for _, src := range []string{"heldout18-voices", "heldout18-line", "heldout19-voices", "heldout19-line", "set"} {
		if _, err := PoolOf(src); err == nil {
			t.Errorf("PoolOf(%q) accepted a source outside the tuning loop", src)
		}
	}
	for src, want := range map[string]string{"festival-g711": "T", "heldout-phone": "H", "heldout12-line": "H12", "heldout12-voices": "H12", "tuning3-registers": "T3"} {
		if p, _ := PoolOf(src); p != want {
			t.Errorf("PoolOf(%q) = %q, want %q", src, p, want)
		}
	}
}

// TestPredictExplains: a prediction gives a posterior over the classes and
// names its deciding features; a text of unknown words gives none.
func TestPredictExplains(t *testing.T) {
	rows := []Row{
		{Label: "human", Text: "алло слушаю"}, {Label: "human", Text: "да говорите"},
		{Label: "machine", Text: "оставьте сообщение после сигнала"}, {Label: "machine", Text: "вы позвонили ивану оставьте сообщение"},
		{Label: "announcement", Text: "абонент недоступен"}, {Label: "silence", Text: ""},
	}
	m := Train(rows, DefaultAlpha, DefaultCharWeight)
	p := m.Predict("оставьте ваше сообщение")
	if p.Class != "machine" || p.NonPerson() < 0.5 || len(p.Why) == 0 || !strings.Contains(p.Why[0], "vs") {
		t.Errorf("Predict = %+v", p)
	}
	var sum float64
	for _, v := range p.P {
		sum += v
	}
	if sum < 0.999 || sum > 1.001 {
		t.Errorf("posterior sums to %g", sum)
	}
	if p := m.Predict("ъъъ"); p.Class != "" || p.NonPerson() != 0 {
		t.Errorf("unknown words: %+v", p)
	}
	if _, ok := p.P["silence"]; ok {
		t.Error("a class with no text learned a posterior")
	}
}

// TestParseErrors: a broken model file is refused with its line named.
func TestParseErrors(t *testing.T) {
	for _, bad := range []string{
		"alpha x\n",
		"alpha 0.5\nclass robot 1 1\n",
		"alpha 0.5\nclass human 1 1\nf w:x nobody=1\n",
		"alpha 0.5\nwhat\n",
		"charweight 1\n",
	} {
		if _, err := Parse("m", strings.NewReader(bad)); err == nil || !strings.Contains(err.Error(), "parse model m") {
			t.Errorf("Parse(%q) = %v, want an error naming the model", bad, err)
		}
	}
	var b bytes.Buffer
	if err := Train([]Row{{Label: "human", Text: "алло"}, {Label: "machine", Text: "запись"}}, 0.5, 0.3).Write(&b); err != nil {
		t.Fatal(err)
	}
	if _, err := Parse("m", &b); err != nil {
		t.Errorf("a written model does not parse: %v", err)
	}
}

// TestReadCorpusErrors: a malformed row is refused with its line named.
func TestReadCorpusErrors(t *testing.T) {
	for _, bad := range []string{"T\tx\thuman\tname\n", "T\tx\trobot\tname\ttext\n"} {
		if _, err := ReadCorpus("c", strings.NewReader(bad)); err == nil || !strings.Contains(err.Error(), "read corpus c:1") {
			t.Errorf("ReadCorpus(%q) = %v", bad, err)
		}
	}
}
