// Command mkcorpus writes detectstat's corpus from the tuning sources'
// sidecar texts: `go run ./detectstat/internal/mkcorpus` from the
// repository root. Only detectstat.TuningSources are read.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/dozvon/dozvon/detectstat"
)

func main() {
	dir := flag.String("sources", "detect/testdata/sources", "the sources directory")
	out := flag.String("out", "detectstat/corpus/texts.tsv", "the corpus file to write")
	flag.Parse()
	if err := run(*dir, *out); err != nil {
		fmt.Fprintln(os.Stderr, "mkcorpus:", err)
		os.Exit(1)
	}
}

func run(dir, out string) error {
	var rows []detectstat.Row
	for _, src := range detectstat.TuningSources {
		pool, err := detectstat.PoolOf(src)
		if err != nil {
			return err
		}
		wavs, err := filepath.Glob(filepath.Join(dir, src, "*", "*.wav"))
		if err != nil {
			return err
		}
		if len(wavs) == 0 {
			return fmt.Errorf("%s: no files", filepath.Join(dir, src))
		}
		sort.Strings(wavs)
		for _, w := range wavs {
			label := filepath.Base(filepath.Dir(w))
			name := strings.TrimSuffix(filepath.Base(w), ".wav")
			b, err := os.ReadFile(strings.TrimSuffix(w, ".wav") + ".txt")
			if err != nil && !os.IsNotExist(err) {
				return err
			}
			text := strings.Join(strings.Fields(string(b)), " ")
			rows = append(rows, detectstat.Row{Pool: pool, Source: src, Label: label, Name: name, Text: text})
		}
	}
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	if err := detectstat.WriteCorpus(f, rows); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
