package intentstat

import (
	"slices"
	"unicode/utf8"

	"github.com/dozvon/dozvon/scripts"
)

// Feature prefixes: a word's stem, a stem under a negation ("не могу" gives
// "¬:мог", not "w:мог"), two adjacent stems, a character trigram of a word
// (an ASR-misspelt ending keeps most of its trigrams).
const (
	featWord    = "w:"
	featNegated = "¬:"
	featBigram  = "b:"
	featChar    = "c:"
)

// negators scope over the next word.
var negators = map[string]bool{"не": true, "ни": true}

// Features returns the sorted, distinct features of an utterance, read
// through the rules' normaliser and stemmer (scripts.Tokens, scripts.Stem).
func Features(text string) []string {
	toks := scripts.Tokens(text)
	set := map[string]bool{}
	prev := ""
	for i, t := range toks {
		s := scripts.Stem(t)
		if i > 0 && negators[toks[i-1]] {
			set[featNegated+s] = true
		} else {
			set[featWord+s] = true
		}
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
