package api

import (
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/dozvon/dozvon/auth"
	"github.com/dozvon/dozvon/scripts"
	"github.com/dozvon/dozvon/testcalls"
)

// LintNote is one diagnostic of a script draft, at its line.
type LintNote struct {
	Line    int    `json:"line"`
	Warning bool   `json:"warning,omitempty"`
	Message string `json:"message"`
	File    string `json:"file,omitempty"` // set when the note is of an imported file, not the draft
}

// draft reads a script draft from the body into a hidden file beside the
// script it would replace (imports resolve as they will once published)
// and returns its path, removed by the returned func.
func (s *Server) draft(w http.ResponseWriter, r *http.Request) (name, tmp string, done func(), err error) {
	if s.c.ScriptsDir == "" {
		return "", "", nil, errNotFound
	}
	name = r.PathValue("name")
	if !scriptName.MatchString(name) {
		return "", "", nil, badRequest("bad_parameter", "a script name is 1–64 of a-z, 0-9, _ and -, starting with a letter or digit", "name")
	}
	if err := wantContentType(r, "application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml"); err != nil {
		return "", "", nil, err
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxScriptBody))
	if err != nil {
		return "", "", nil, bodyError(err)
	}
	tmp, err = writeTemp(s.c.ScriptsDir, name, body)
	if err != nil {
		return "", "", nil, err
	}
	return name, tmp, func() { os.Remove(tmp) }, nil
}

// lintScript answers POST /scripts/{name}/lint: the draft in the body is
// linted as PUT would lint it, and every note comes back at its line (200
// even when there are errors: the notes are the answer; the script
// editor asks as its author types). Nothing is written.
func (s *Server) lintScript(w http.ResponseWriter, r *http.Request, _ auth.Principal) error {
	_, tmp, done, err := s.draft(w, r)
	if err != nil {
		return err
	}
	defer done()
	notes := []LintNote{}
	for _, d := range scripts.Lint(tmp) {
		n := LintNote{Line: d.Line, Warning: d.Warning, Message: d.Msg}
		if d.File != tmp {
			n.File = filepath.Base(d.File) // an imported phrase base: no server paths in answers
		}
		notes = append(notes, n)
	}
	writeJSON(w, http.StatusOK, map[string]any{"notes": notes})
	return nil
}

// testScript answers POST /scripts/{name}/test: the draft in the body runs
// the text-level cases of testdata/{name}.cases.yaml in the scripts
// directory (testcalls.RunText), before it is published. A draft that does
// not lint is the 422 of PUT.
func (s *Server) testScript(w http.ResponseWriter, r *http.Request, _ auth.Principal) error {
	name, tmp, done, err := s.draft(w, r)
	if err != nil {
		return err
	}
	defer done()
	if errs := lintErrors(tmp); len(errs) > 0 {
		return lintFailed(errs, tmp, name+".yaml")
	}
	sc, err := scripts.Load(tmp)
	if err != nil {
		return invalid("not a script (a phrase base has no cases): "+err.Error(), "")
	}
	cases, err := testcalls.LoadCases(filepath.Join(s.c.ScriptsDir, "testdata", name+".cases.yaml"))
	if errors.Is(err, os.ErrNotExist) {
		return &Error{Status: http.StatusNotFound, Code: "not_found", Message: "no cases for " + name + ": write them in testdata/" + name + ".cases.yaml beside the scripts"}
	}
	// no server paths in answers: places are relative to the scripts directory
	rel := func(s string) string { return strings.ReplaceAll(s, cases.File, "testdata/"+name+".cases.yaml") }
	if err != nil {
		return invalid(strings.ReplaceAll(err.Error(), s.c.ScriptsDir+string(filepath.Separator), ""), "cases")
	}
	rep := testcalls.RunText(r.Context(), sc, []*testcalls.CaseFile{cases}, s.log)
	for i := range rep.Results {
		rep.Results[i].Place = rel(rep.Results[i].Place)
		rep.Results[i].Reason = strings.ReplaceAll(rel(rep.Results[i].Reason), tmp, name+".yaml")
	}
	writeJSON(w, http.StatusOK, rep)
	return nil
}
