package api

import (
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/dozvon/dozvon/auth"
	"github.com/dozvon/dozvon/scripts"
)

// maxScriptBody bounds a script upload: scripts are a few kilobytes.
const maxScriptBody = 1 << 20

// scriptName is a script's name in the URL: the file name without
// ".yaml", so no path can be smuggled in.
var scriptName = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,63}$`)

// ScriptInfo is one file of the scripts directory.
type ScriptInfo struct {
	Name string `json:"name"`
	// Kind is "script", "phrases" (a phrase base scripts import) or
	// "invalid" (the file does not lint clean: Error says why).
	Kind    string `json:"kind"`
	Version string `json:"version,omitempty"` // a script's version and content hash, as stored with its calls
	Error   string `json:"error,omitempty"`
}

func (s *Server) listScripts(w http.ResponseWriter, _ *http.Request, _ auth.Principal) error {
	if s.c.ScriptsDir == "" {
		return errNotFound
	}
	files, err := filepath.Glob(filepath.Join(s.c.ScriptsDir, "*.yaml"))
	if err != nil {
		return err
	}
	sort.Strings(files)
	out := make([]ScriptInfo, 0, len(files))
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".yaml")
		if !scriptName.MatchString(name) {
			continue // not addressable through the API (and not one it wrote)
		}
		out = append(out, scriptInfo(name, f))
	}
	writeJSON(w, http.StatusOK, map[string]any{"scripts": out})
	return nil
}

func scriptInfo(name, path string) ScriptInfo {
	if errs := lintErrors(path); len(errs) > 0 {
		return ScriptInfo{Name: name, Kind: "invalid", Error: errs[0].String()}
	}
	sc, err := scripts.Load(path)
	if err != nil { // lints clean but is no script: a phrase base
		return ScriptInfo{Name: name, Kind: "phrases"}
	}
	return ScriptInfo{Name: name, Kind: "script", Version: sc.VersionString()}
}

func lintErrors(path string) []scripts.Diagnostic {
	var errs []scripts.Diagnostic
	for _, d := range scripts.Lint(path) {
		if !d.Warning {
			errs = append(errs, d)
		}
	}
	return errs
}

// putScript lints the body where it will live (imports resolve against the
// scripts directory) under a temporary name, then renames it over the
// script: a reader — the flow's registry on its next call — sees the old
// file or the new one, never half of one, and never one that does not lint.
func (s *Server) putScript(w http.ResponseWriter, r *http.Request, _ auth.Principal) error {
	name, err := s.scriptParam(r)
	if err != nil {
		return err
	}
	if err := wantContentType(r, "application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml"); err != nil {
		return err
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxScriptBody))
	if err != nil {
		return bodyError(err)
	}
	final := filepath.Join(s.c.ScriptsDir, name+".yaml")
	_, statErr := os.Stat(final)
	tmp, err := writeTemp(s.c.ScriptsDir, name, body)
	if err != nil {
		return err
	}
	defer os.Remove(tmp) // after a rename there is nothing left to remove
	if errs := lintErrors(tmp); len(errs) > 0 {
		return lintFailed(errs, tmp, name+".yaml")
	}
	if err := keepVersion(s.c.ScriptsDir, name, final, s.clk.Now()); err != nil {
		return err
	}
	if err := os.Rename(tmp, final); err != nil {
		return err
	}
	info := scriptInfo(name, final)
	status := http.StatusOK
	if errors.Is(statErr, os.ErrNotExist) {
		status = http.StatusCreated
	}
	writeJSON(w, status, info)
	return nil
}

// writeTemp writes body to a new hidden file in dir, synced to disk.
func writeTemp(dir, name string, body []byte) (string, error) {
	f, err := os.CreateTemp(dir, "."+name+".*.yaml")
	if err != nil {
		return "", err
	}
	_, err = f.Write(body)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return "", err
	}
	return f.Name(), nil
}

// lintFailed is the 422 of a script that does not lint: every error as
// "file:line: message" (the temporary file named as the script), the first
// one's line in the field.
func lintFailed(errs []scripts.Diagnostic, tmp, file string) error {
	lines := make([]string, len(errs))
	for i, d := range errs {
		if d.File == tmp {
			d.File = file
		} else {
			d.File = filepath.Base(d.File) // an imported phrase base: no server paths in answers
		}
		lines[i] = d.String()
	}
	return &Error{Status: http.StatusUnprocessableEntity, Code: "lint", Message: strings.Join(lines, "\n"), Field: "line:" + strconv.Itoa(errs[0].Line)}
}
