// Command train writes detectstat's model from its corpus; `go generate
// ./detectstat/` runs it.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/dozvon/dozvon/detectstat"
)

func main() {
	corpus := flag.String("corpus", "corpus/texts.tsv", "the corpus file")
	out := flag.String("out", "model.txt", "the model file to write")
	flag.Parse()
	if err := run(*corpus, *out); err != nil {
		fmt.Fprintln(os.Stderr, "train:", err)
		os.Exit(1)
	}
}

func run(corpus, out string) error {
	in, err := os.Open(corpus)
	if err != nil {
		return err
	}
	defer in.Close()
	rows, err := detectstat.ReadCorpus(corpus, in)
	if err != nil {
		return err
	}
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	if err := detectstat.Generate(rows, f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
