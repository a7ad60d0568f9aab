// Command train writes intentstat's model from its corpus; `go generate
// ./intentstat/` runs it. The threshold is the one cross-validation by
// source chose (go run ./intentstat/internal/cv); it is stored with the
// model.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/dozvon/dozvon/intentstat"
)

func main() {
	corpus := flag.String("corpus", "corpus", "the corpus directory (*.tsv)")
	out := flag.String("out", "model.txt", "the model file to write")
	flag.Parse()
	rows, err := intentstat.ReadCorpusDir(os.DirFS("."), *corpus)
	if err != nil {
		fmt.Fprintln(os.Stderr, "train:", err)
		os.Exit(1)
	}
	f, err := os.Create(*out)
	if err != nil {
		fmt.Fprintln(os.Stderr, "train:", err)
		os.Exit(1)
	}
	if err := intentstat.Generate(rows, f); err != nil {
		fmt.Fprintln(os.Stderr, "train:", err)
		os.Exit(1)
	}
	if err := f.Close(); err != nil {
		fmt.Fprintln(os.Stderr, "train:", err)
		os.Exit(1)
	}
}
