package fuzzseed

import (
	"os"
	"path/filepath"
	"testing"
)

// Files adds the content of every file matching the glob patterns (relative
// to the package under test) as a seed of f. A pattern that matches nothing
// fails the target: moved testdata must not leave a fuzz target unseeded.
func Files(f *testing.F, patterns ...string) {
	f.Helper()
	for _, p := range patterns {
		files, err := filepath.Glob(p)
		if err != nil || len(files) == 0 {
			f.Fatalf("fuzz seeds %q: no such files (%v)", p, err)
		}
		for _, file := range files {
			data, err := os.ReadFile(file)
			if err != nil {
				f.Fatalf("fuzz seeds: %v", err)
			}
			f.Add(data)
		}
	}
}
