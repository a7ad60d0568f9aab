package detectstat

import (
	"slices"
	"unicode/utf8"

	"github.com/dozvon/dozvon/scripts"
)

// Feature prefixes: a word's stem, two adjacent stems, a character trigram
// of a word of four letters or more (a misheard ending keeps most of its
// trigrams; an unseen inflection of a seen word shares its stem).
const (
	featWord   = "w:"
	featBigram = "b:"
	featChar   = "c:"
)

// Features returns the sorted, distinct features of a recognised text, read
// through the dialogue rules' normaliser and stemmer (scripts.Tokens,
// scripts.Stem). Empty text has none.
func Features(text string) []string {
	toks := scripts.Tokens(text)
	set := map[string]bool{}
	prev := ""
	for _, t := range toks {
		s := scripts.Stem(t)
		set[featWord+s] = true
		if prev != "" {
			set[featBigram+prev+"_"+s] = true
		}
		prev = s
		if utf8.RuneCountInString(t) >= 4 {
			rs := []rune("^" + t + "$")
			for k := 0; k+3 <= len(rs); k++ {
				set[featChar+string(rs[k:k+3])] = true
			}
		}
	}
	out := make([]string, 0, len(set))
	for f := range set {
		out = append(out, f)
	}
	slices.Sort(out)
	return out
}
