package detectstat

import (
	"github.com/dozvon/dozvon/naivebayes"
	"github.com/dozvon/dozvon/scripts"
)

// featChar marks a character trigram, whose evidence the model weighs less.
const featChar = naivebayes.FeatChar

// Features returns the sorted, distinct features of a recognised text, read
// through the dialogue rules' normaliser and stemmer (scripts.Tokens,
// scripts.Stem): stems, stem pairs and character trigrams. Empty text has
// none.
func Features(text string) []string {
	return naivebayes.TextFeatures(scripts.Tokens(text), scripts.Stem, nil)
}
