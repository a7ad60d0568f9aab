package naivebayes

import (
	"bytes"
	"slices"
	"strings"
	"testing"
)

func trained() *Model {
	m := New(0.5, 0.3, "c:", nil)
	m.Add("yes", []string{"w:да", "c:^да"})
	m.Add("yes", []string{"w:да", "w:конечн"})
	m.Add("no", []string{"w:нет", "c:^не"})
	m.Add("no", nil) // no features: teaches nothing
	m.Index()
	return m
}

func TestScoresFavourTheClassThatSawTheFeature(t *testing.T) {
	t.Parallel()
	m := trained()
	tests := []struct {
		feats []string
		want  string
	}{
		{[]string{"w:да"}, "yes"},
		{[]string{"w:нет"}, "no"},
		{[]string{"w:конечн", "w:нет", "w:да"}, "yes"},
	}
	cls := m.Classes()
	if !slices.Equal(cls, []string{"no", "yes"}) {
		t.Fatalf("classes %v, want sorted [no yes]", cls)
	}
	for _, tt := range tests {
		best, second, p := Best(m.Scores(m.Known(tt.feats), cls))
		if cls[best] != tt.want || second < 0 || p <= 0.5 || p > 1 {
			t.Errorf("%v: best %s (p %.3f, runner-up %d), want %s", tt.feats, cls[best], p, second, tt.want)
		}
	}
	if why := m.Why([]string{"w:да", "w:нет"}, "yes", "no"); len(why) != 1 || !strings.HasPrefix(why[0], "w:да(+") {
		t.Errorf("Why = %v, want only w:да for yes over no", why)
	}
}

func TestWeightedPrefixCountsLess(t *testing.T) {
	t.Parallel()
	m := trained()
	light := m.Why([]string{"c:^да"}, "yes", "no")
	m2 := *m
	m2.CharWeight = 1
	full := m2.Why([]string{"c:^да"}, "yes", "no")
	if len(light) != 1 || len(full) != 1 || light[0] == full[0] {
		t.Fatalf("a trigram's evidence at weight 0.3 %v and 1 %v should differ", light, full)
	}
}

func TestTextRoundTrip(t *testing.T) {
	t.Parallel()
	m := trained()
	var b bytes.Buffer
	if err := m.Write(&b, "test model", Param{"threshold", 0.75}); err != nil {
		t.Fatal(err)
	}
	back, params, err := Parse("m", bytes.NewReader(b.Bytes()), Form{WeightedPrefix: "c:", Params: []string{"threshold"}})
	if err != nil {
		t.Fatal(err)
	}
	var again bytes.Buffer
	if err := back.Write(&again, "test model", Param{"threshold", params["threshold"]}); err != nil {
		t.Fatal(err)
	}
	if params["threshold"] != 0.75 || back.CharWeight != 0.3 || !bytes.Equal(b.Bytes(), again.Bytes()) {
		t.Fatalf("round trip changed the model:\n%s\n---\n%s", b.String(), again.String())
	}
}

func TestParseErrorsNameTheLine(t *testing.T) {
	t.Parallel()
	onlyYes := func(c string) bool { return c == "yes" }
	tests := []struct{ name, text, want string }{
		{"an unknown line", "alpha 0.5\nclass yes 1 1\nbogus\n", "m:3: unknown line kind"},
		{"an undeclared param", "alpha 0.5\nthreshold 1\n", "m:2: unknown line kind"},
		{"a bad alpha", "alpha x\n", "m:1: alpha"},
		{"a class not allowed", "alpha 0.5\nclass maybe 1 1\n", "m:2: class maybe"},
		{"a feature of an unknown class", "alpha 0.5\nclass yes 1 1\nf w:да no=1\n", `m:3: feature w:да: unknown class "no"`},
		{"a bad count", "alpha 0.5\nclass yes 1 1\nf w:да yes=0\n", "m:3: feature w:да: bad count"},
		{"no classes", "alpha 0.5\n", "no classes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := Parse("m", strings.NewReader(tt.text), Form{ClassOK: onlyYes})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Parse error %v, want it to say %q", err, tt.want)
			}
		})
	}
}
