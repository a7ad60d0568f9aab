package intentstat

import (
	"bufio"
	"fmt"
	"io"
	"io/fs"
	"path"
	"slices"
	"strings"
)

// None is the label of an utterance that carries no intent ("эээ", "чё?",
// a story with no answer in it): the model predicts it too, so a filler is
// not forced into the nearest intent.
const None = "none"

// Row is one labelled utterance of the corpus.
type Row struct {
	Source  string   // where it comes from: an eval source, "bundled", "phrases", "written"
	Intent  string   // the label; None for no intent
	Allowed []string // the intents the step allowed; nil when any
	Text    string
}

// ReadCorpus reads rows in the corpus's TSV form: source, intent, allowed
// (comma-separated, "*" for any), text; "#" lines and blank lines are
// skipped. name is used in errors.
func ReadCorpus(name string, r io.Reader) ([]Row, error) {
	var rows []Row
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	line := 0
	for sc.Scan() {
		line++
		s := sc.Text()
		if strings.TrimSpace(s) == "" || strings.HasPrefix(s, "#") {
			continue
		}
		f := strings.Split(s, "\t")
		if len(f) != 4 {
			return nil, fmt.Errorf("read corpus %s:%d: %d tab-separated fields, want 4 (source, intent, allowed, text)", name, line, len(f))
		}
		if f[0] == "" || f[1] == "" || strings.TrimSpace(f[3]) == "" {
			return nil, fmt.Errorf("read corpus %s:%d: empty source, intent or text", name, line)
		}
		row := Row{Source: f[0], Intent: f[1], Text: f[3]}
		if f[2] != "*" && f[2] != "" {
			row.Allowed = strings.Split(f[2], ",")
		}
		rows = append(rows, row)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read corpus %s: %w", name, err)
	}
	return rows, nil
}

// WriteCorpus writes rows in the form ReadCorpus reads.
func WriteCorpus(w io.Writer, rows []Row) error {
	bw := bufio.NewWriter(w)
	for _, r := range rows {
		allowed := "*"
		if len(r.Allowed) > 0 {
			a := slices.Clone(r.Allowed)
			slices.Sort(a)
			allowed = strings.Join(slices.Compact(a), ",")
		}
		text := strings.Join(strings.Fields(r.Text), " ")
		fmt.Fprintf(bw, "%s\t%s\t%s\t%s\n", r.Source, r.Intent, allowed, text)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write corpus: %w", err)
	}
	return nil
}

// ReadCorpusDir reads every *.tsv file of dir, in name order.
func ReadCorpusDir(fsys fs.FS, dir string) ([]Row, error) {
	names, err := fs.Glob(fsys, path.Join(dir, "*.tsv"))
	if err != nil {
		return nil, fmt.Errorf("read corpus %s: %w", dir, err)
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("read corpus %s: no *.tsv files", dir)
	}
	slices.Sort(names)
	var rows []Row
	for _, n := range names {
		f, err := fsys.Open(n)
		if err != nil {
			return nil, fmt.Errorf("read corpus: %w", err)
		}
		rs, err := ReadCorpus(n, f)
		f.Close()
		if err != nil {
			return nil, err
		}
		rows = append(rows, rs...)
	}
	return rows, nil
}
