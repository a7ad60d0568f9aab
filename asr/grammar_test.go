package asr

import (
	"strings"
	"testing"
)

func TestGrammarJSON(t *testing.T) {
	tests := []struct {
		name    string
		phrases []string
		want    string
		wantErr string
	}{
		{name: "yes/no", phrases: []string{"да", "нет"}, want: `["да","нет","[unk]"]`},
		{name: "normalised", phrases: []string{"  Да!", "НЕТ,  ", "Всё  верно"}, want: `["да","нет","всё верно","[unk]"]`},
		{name: "duplicates after normalising", phrases: []string{"Да", "да.", "ДА"}, want: `["да","[unk]"]`},
		{name: "explicit [unk] kept once, in place", phrases: []string{"[unk]", "алло"}, want: `["[unk]","алло"]`},
		{name: "hyphen and digits", phrases: []string{"кто-то", "5 тысяч"}, want: `["кто-то","5 тысяч","[unk]"]`},
		{name: "quotes are escaped", phrases: []string{`скажи "да"`}, want: `["скажи да","[unk]"]`},
		{name: "empty list", phrases: nil, wantErr: "no phrases"},
		{name: "punctuation only", phrases: []string{"да", "?!"}, wantErr: `phrase 1 "?!" has no words`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := GrammarJSON(tt.phrases)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("GrammarJSON(%q) error %v, want %q", tt.phrases, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("GrammarJSON(%q) = %s, %v; want %s", tt.phrases, got, err, tt.want)
			}
		})
	}
}
