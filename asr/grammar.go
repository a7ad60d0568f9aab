package asr

import (
	"encoding/json"
	"fmt"
	"strings"
	"unicode"
)

// UnknownWord is Vosk's garbage word: in a grammar it absorbs speech that matches no phrase,
// so that "не знаю" is not forced into "нет".
const UnknownWord = "[unk]"

// NormalizePhrase lower-cases a grammar phrase and collapses punctuation and runs of spaces into
// single spaces. "ё" is kept (asr/vosk falls back to "е" for words its model spells that way).
// "[unk]" is kept as is.
func NormalizePhrase(p string) string {
	if strings.TrimSpace(p) == UnknownWord {
		return UnknownWord
	}
	var b strings.Builder
	space := false
	for _, r := range strings.ToLower(p) {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '\'':
		default:
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// GrammarJSON builds the grammar argument of vosk_recognizer_new_grm from phrases: a JSON array
// of normalised, de-duplicated phrases in their original order, with "[unk]" appended when it is
// not already there. A phrase that normalises to nothing is an error naming its index.
//
//	GrammarJSON([]string{"Да", "нет!"}) == `["да","нет","[unk]"]`
func GrammarJSON(phrases []string) (string, error) {
	if len(phrases) == 0 {
		return "", fmt.Errorf("asr: grammar: no phrases")
	}
	seen := make(map[string]bool, len(phrases)+1)
	out := make([]string, 0, len(phrases)+1)
	for i, p := range phrases {
		n := NormalizePhrase(p)
		if n == "" {
			return "", fmt.Errorf("asr: grammar: phrase %d %q has no words", i, p)
		}
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	if !seen[UnknownWord] {
		out = append(out, UnknownWord)
	}
	js, err := json.Marshal(out)
	if err != nil {
		return "", fmt.Errorf("asr: grammar: %w", err)
	}
	return string(js), nil
}
