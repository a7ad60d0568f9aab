package scripts

import (
	"bytes"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dozvon/dozvon/internal/fuzzseed"
)

// checkDiags asserts every diagnostic names one of the files and a line that
// is in it (0 or 1 for a file-wide problem).
func checkDiags(t *testing.T, diags []Diagnostic, files map[string][]byte) {
	t.Helper()
	for _, d := range diags {
		data, ok := files[d.File]
		if !ok {
			t.Fatalf("diagnostic %q names a file that is not one of %d", d, len(files))
		}
		if lines := bytes.Count(data, []byte("\n")) + 1; d.Line < 0 || d.Line > lines {
			t.Fatalf("diagnostic %q: line %d of a %d-line file", d, d.Line, lines)
		}
		if strings.TrimSpace(d.Msg) == "" {
			t.Fatalf("diagnostic without a message at %s:%d", d.File, d.Line)
		}
	}
}

// lintDir writes files (name → content) into dir and returns them by path.
// Imports of devices would hang a run on a read that never ends: such inputs
// are skipped.
func lintDir(t *testing.T, dir string, files map[string][]byte) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for name, data := range files {
		if bytes.Contains(data, []byte("/dev")) || bytes.Contains(data, []byte("/proc")) {
			t.Skip("imports outside the directory")
		}
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		out[p] = data
	}
	return out
}

// loadAgrees asserts Load fails exactly when Lint reports an error, that each
// error line of Load names its place, and that a loaded script starts at a node.
func loadAgrees(t *testing.T, path string, files map[string][]byte) {
	t.Helper()
	diags := Lint(path)
	checkDiags(t, diags, files)
	if isPhraseBase(path) {
		return // Lint checks a phrase base on its own terms; Load wants a script
	}
	s, err := Load(path)
	if hasErrors(diags) != (err != nil) {
		t.Fatalf("Lint errors %v but Load error %v", hasErrors(diags), err)
	}
	if err != nil {
		for _, line := range strings.Split(strings.TrimPrefix(err.Error(), "load script: "), "\n") {
			if !strings.HasPrefix(line, path+":") {
				if _, ok := files[strings.SplitN(line, ":", 2)[0]]; !ok {
					t.Fatalf("error line %q does not name its file", line)
				}
			}
		}
		return
	}
	if s.Node(s.Start) == nil {
		t.Fatalf("loaded script starts at %q, which is no node", s.Start)
	}
}

// fuzzBeside fuzzes a file named fuzzed next to the bundled files fixed,
// read once, and runs check on the directory of them all.
func fuzzBeside(f *testing.F, fixed []string, fuzzed string, check func(t *testing.T, dir string, files map[string][]byte)) {
	others := map[string][]byte{}
	for _, p := range fixed {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		others[filepath.Base(p)] = data
	}
	// one directory per fuzz process, rewritten every run: a t.TempDir per
	// run stalled the fuzz workers after a few runs (8 runs in 30 s)
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		all := maps.Clone(others)
		all[fuzzed] = data
		check(t, dir, lintDir(t, dir, all))
	})
}

// FuzzScript lints and loads any YAML as a dialogue script next to the
// bundled phrase base.
func FuzzScript(f *testing.F) {
	// collection.yaml is left out: with it as a seed the fuzz workers sat
	// idle (29 runs in 25 s; verify_contact.yaml, half its size, is fine)
	fuzzseed.Files(f, "verify_contact.yaml", "testdata/broken/*.yaml")
	// the small base the broken corpus imports keeps most runs quick; the
	// bundled one is there for the bundled scripts
	fuzzBeside(f, []string{"phrases.yaml", "testdata/broken/base.yaml"}, "script.yaml", func(t *testing.T, dir string, files map[string][]byte) {
		loadAgrees(t, filepath.Join(dir, "script.yaml"), files)
	})
}

// FuzzPhraseBase lints any YAML as a phrase base and loads a script of the
// broken corpus importing it (the bundled collection script, linted on every
// run, left the fuzz workers idle: 6 runs in 15 s).
func FuzzPhraseBase(f *testing.F) {
	fuzzseed.Files(f, "testdata/broken/base.yaml", "testdata/broken/*phrase*.yaml")
	fuzzBeside(f, []string{"testdata/broken/dead_end.yaml"}, "base.yaml", func(t *testing.T, _ string, files map[string][]byte) {
		for p := range files {
			loadAgrees(t, p, files)
		}
	})
}
