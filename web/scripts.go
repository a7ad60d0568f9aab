package web

import (
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/dozvon/dozvon/auth"
)

// scriptName is a script's name as the API's routes take it.
var scriptName = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,63}$`)

// scriptNames lists the scripts directory's YAML files by name.
func (h *Handler) scriptNames() ([]string, error) {
	if h.c.ScriptsDir == "" {
		return nil, nil
	}
	files, err := filepath.Glob(filepath.Join(h.c.ScriptsDir, "*.yaml"))
	if err != nil {
		return nil, err
	}
	var out []string
	for _, f := range files {
		if n := strings.TrimSuffix(filepath.Base(f), ".yaml"); scriptName.MatchString(n) {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out, nil
}

func (h *Handler) scriptList(w http.ResponseWriter, r *http.Request, p auth.Principal) error {
	if h.c.ScriptsDir == "" {
		return errNotFound
	}
	names, err := h.scriptNames()
	if err != nil {
		return err
	}
	h.render(w, http.StatusOK, "scripts", view{Title: "Сценарии", P: p, Nav: "scripts", Data: names})
	return nil
}

type editorData struct {
	Name, Text string
	New        bool
}

func (h *Handler) scriptEditor(w http.ResponseWriter, r *http.Request, p auth.Principal) error {
	name := r.PathValue("name")
	if h.c.ScriptsDir == "" || !scriptName.MatchString(name) {
		return errNotFound
	}
	d := editorData{Name: name}
	b, err := os.ReadFile(filepath.Join(h.c.ScriptsDir, name+".yaml"))
	switch {
	case errors.Is(err, os.ErrNotExist):
		d.New = true // a new script: published by its first PUT
	case err != nil:
		return err
	}
	d.Text = string(b)
	h.render(w, http.StatusOK, "script", view{Title: "Сценарий " + name, P: p, Nav: "scripts", Data: d})
	return nil
}
