package naivebayes

import (
	"slices"
	"unicode/utf8"
)

// Feature prefixes of TextFeatures: a word's stem, a stem under a negation,
// two adjacent stems, a character trigram of a word of four letters or more
// (a misheard ending keeps most of its trigrams; an unseen inflection of a
// seen word shares its stem).
const (
	FeatWord    = "w:"
	FeatNegated = "¬:"
	FeatBigram  = "b:"
	FeatChar    = "c:"
)

// TextFeatures returns the sorted, distinct features of tokens: stem gives
// a word's stem; a word right after one that negated reports is counted as
// negated instead of as itself (nil: no negation).
func TextFeatures(toks []string, stem func(string) string, negates func(string) bool) []string {
	set := map[string]bool{}
	prev := ""
	for i, t := range toks {
		s := stem(t)
		if i > 0 && negates != nil && negates(toks[i-1]) {
			set[FeatNegated+s] = true
		} else {
			set[FeatWord+s] = true
		}
		if prev != "" {
			set[FeatBigram+prev+"_"+s] = true
		}
		prev = s
		if utf8.RuneCountInString(t) >= 4 {
			rs := []rune("^" + t + "$")
			for k := 0; k+3 <= len(rs); k++ {
				set[FeatChar+string(rs[k:k+3])] = true
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
