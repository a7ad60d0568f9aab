package testcalls

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dozvon/dozvon/internal/fuzzseed"
)

// FuzzLoadCases reads any YAML as a script's test case file. A refusal names
// the file on every line (with a line where there is one); an accepted file
// has cases, each with a name, an expected outcome and a clock start.
func FuzzLoadCases(f *testing.F) {
	fuzzseed.Files(f, "../scripts/testdata/*.cases.yaml")
	f.Add([]byte("script: x.yaml\ncases:\n  - name: a\n    expect: {outcome: identified, callback_at: soon}\n"))
	// one file per fuzz process, rewritten every run: a t.TempDir per run
	// stalled the fuzz workers after a few runs (8 runs in 30 s)
	path := filepath.Join(f.TempDir(), "x.cases.yaml")
	f.Fuzz(func(t *testing.T, data []byte) {
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		cf, err := LoadCases(path)
		if err != nil {
			msg := strings.TrimPrefix(err.Error(), "load cases: ")
			if msg == err.Error() {
				t.Fatalf("error %q does not say what failed", err)
			}
			for _, line := range strings.Split(msg, "\n") {
				if !strings.HasPrefix(line, path) {
					t.Fatalf("error line %q does not name the file", line)
				}
			}
			return
		}
		if len(cf.Cases) == 0 {
			t.Fatal("accepted a file without cases")
		}
		for i := range cf.Cases {
			c := &cf.Cases[i]
			if c.Name == "" || c.Expect.Outcome == "" {
				t.Fatalf("accepted case %+v", c)
			}
			if _, err := cf.now(c); err != nil {
				t.Fatalf("accepted case %q without a clock start: %v", c.Name, err)
			}
		}
	})
}
