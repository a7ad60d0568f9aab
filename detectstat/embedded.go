package detectstat

import (
	"bytes"
	_ "embed"
)

//go:embed model.txt
var modelText []byte

// Bundled parses the model generated from corpus/texts.tsv and embedded in
// the binary. Each call parses anew: callers keep the one they use.
func Bundled() (*Model, error) { return Parse("model.txt", bytes.NewReader(modelText)) }
