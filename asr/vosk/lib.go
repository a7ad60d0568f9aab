package vosk

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Path is the file the library was loaded from (as given to dlopen).
func (l *Library) Path() string { return l.path }

// EnvLibrary names the environment variable that points at libvosk.so.
const EnvLibrary = "DOZVON_LIBVOSK"

// bundledLib is where tools/install-libvosk.sh puts the library, relative to the repository root.
var bundledLib = filepath.Join("third_party", "vosk", "lib", "libvosk.so")

// ErrLibraryNotFound is returned (wrapped) when no libvosk.so could be found or loaded
// by the default search; an explicit path that fails gives a different error.
var ErrLibraryNotFound = errors.New("libvosk.so not found: run tools/install-libvosk.sh or set " + EnvLibrary)

// OpenLibrary loads libvosk. When path is empty it is resolved in this order: the DOZVON_LIBVOSK
// environment variable; third_party/vosk/lib/libvosk.so in the working directory or the
// executable's directory or any of their parents; the system's libvosk.so (ld.so search path).
func OpenLibrary(path string) (*Library, error) {
	if path == "" {
		path = os.Getenv(EnvLibrary)
		if path != "" {
			lib, err := openLibraryAt(path)
			if err != nil {
				return nil, fmt.Errorf("vosk: open library from %s: %w", EnvLibrary, err)
			}
			return lib, nil
		}
	} else {
		lib, err := openLibraryAt(path)
		if err != nil {
			return nil, fmt.Errorf("vosk: open library: %w", err)
		}
		return lib, nil
	}
	cands := LibraryCandidates()
	var tried []string
	for _, c := range cands {
		if c != "libvosk.so" {
			if _, err := os.Stat(c); err != nil {
				tried = append(tried, c+" (absent)")
				continue
			}
		}
		lib, err := openLibraryAt(c)
		if err == nil {
			return lib, nil
		}
		tried = append(tried, err.Error())
	}
	return nil, fmt.Errorf("vosk: open library: %w (tried: %s)", ErrLibraryNotFound, strings.Join(tried, "; "))
}

// LibraryCandidates lists the default search order of OpenLibrary after DOZVON_LIBVOSK:
// bundled copies found upwards from the working directory and from the executable, then the
// bare name "libvosk.so" for the dynamic loader's own search.
func LibraryCandidates() []string {
	var out []string
	seen := map[string]bool{}
	add := func(p string) {
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	var bases []string
	if wd, err := os.Getwd(); err == nil {
		bases = append(bases, wd)
	}
	if exe, err := os.Executable(); err == nil {
		bases = append(bases, filepath.Dir(exe))
	}
	for _, base := range bases {
		for dir := base; ; {
			add(filepath.Join(dir, bundledLib))
			parent := filepath.Dir(dir)
			if parent == dir {
				break
			}
			dir = parent
		}
	}
	add("libvosk.so")
	return out
}
