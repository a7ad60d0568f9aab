package naivebayes

import (
	"slices"
	"testing"
)

func TestTextFeatures(t *testing.T) {
	t.Parallel()
	identity := func(s string) string { return s }
	negates := func(w string) bool { return w == "не" }
	tests := []struct {
		name    string
		toks    []string
		negates func(string) bool
		want    []string
	}{
		{"short words: stems and a pair", []string{"да", "я"}, nil, []string{"b:да_я", "w:да", "w:я"}},
		{"a long word gives trigrams", []string{"алло"}, nil, []string{"c:^ал", "c:алл", "c:лло", "c:ло$", "w:алло"}},
		{"a negated word", []string{"не", "мог"}, negates, []string{"b:не_мог", "w:не", "¬:мог"}},
		{"no negation without the func", []string{"не", "мог"}, nil, []string{"b:не_мог", "w:мог", "w:не"}},
		{"nothing", nil, nil, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := TextFeatures(tt.toks, identity, tt.negates); !slices.Equal(got, tt.want) {
				t.Errorf("TextFeatures(%q) = %q, want %q", tt.toks, got, tt.want)
			}
		})
	}
}
