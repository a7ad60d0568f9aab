package intentstat

import (
	"github.com/dozvon/dozvon/naivebayes"
	"github.com/dozvon/dozvon/scripts"
)

// featChar marks a character trigram, whose evidence the model weighs less.
const featChar = naivebayes.FeatChar

// negators scope over the next word: "не могу" gives "¬:мог", not "w:мог".
var negators = map[string]bool{"не": true, "ни": true}

// Features returns the sorted, distinct features of an utterance, read
// through the rules' normaliser and stemmer (scripts.Tokens, scripts.Stem):
// stems (negated ones apart), stem pairs and character trigrams.
func Features(text string) []string {
	return naivebayes.TextFeatures(scripts.Tokens(text), scripts.Stem, func(w string) bool { return negators[w] })
}
