package api

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/dozvon/dozvon/auth"
)

// historyDir holds, per script, every version a PUT replaced: a script
// author can see what ran before and put it back (a PUT of its text). It
// is a hidden directory beside the scripts, so the scripts' glob and the
// flow's registry never take it for a script.
const historyDir = ".history"

// versionID names a kept version: the UTC time it was replaced and a
// prefix of its content hash, sortable by time.
var versionID = regexp.MustCompile(`^[0-9]{8}T[0-9]{6}(\.[0-9]{9})?Z-[0-9a-f]{12}$`)

// ScriptVersion is one kept version of a script.
type ScriptVersion struct {
	ID         string    `json:"id"`
	ReplacedAt time.Time `json:"replaced_at"`
	SHA256     string    `json:"sha256_prefix"`
	Bytes      int64     `json:"bytes"`
}

// keepVersion copies the script at final (if any) into its history before
// a PUT replaces it. A script that cannot be kept is not replaced: losing
// the version that ran is worse than refusing the change.
func keepVersion(dir, name, final string, at time.Time) error {
	old, err := os.ReadFile(final)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("keep version of %s: %w", name, err)
	}
	sum := sha256.Sum256(old)
	hdir := filepath.Join(dir, historyDir, name)
	if err := os.MkdirAll(hdir, 0o755); err != nil {
		return fmt.Errorf("keep version of %s: %w", name, err)
	}
	id := at.UTC().Format("20060102T150405.000000000Z") + "-" + hex.EncodeToString(sum[:6])
	tmp, err := writeTemp(hdir, name, old)
	if err != nil {
		return fmt.Errorf("keep version of %s: %w", name, err)
	}
	if err := os.Rename(tmp, filepath.Join(hdir, id+".yaml")); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("keep version of %s: %w", name, err)
	}
	return nil
}

// listScriptVersions answers a script's kept versions, newest first.
func (s *Server) listScriptVersions(w http.ResponseWriter, r *http.Request, _ auth.Principal) error {
	name, err := s.scriptParam(r)
	if err != nil {
		return err
	}
	files, err := filepath.Glob(filepath.Join(s.c.ScriptsDir, historyDir, name, "*.yaml"))
	if err != nil {
		return err
	}
	out := make([]ScriptVersion, 0, len(files))
	for _, f := range files {
		id := strings.TrimSuffix(filepath.Base(f), ".yaml")
		if !versionID.MatchString(id) {
			continue
		}
		stamp, hash, _ := strings.Cut(id, "Z-")
		at, err := time.Parse("20060102T150405.000000000", stamp)
		if err != nil {
			continue
		}
		st, err := os.Stat(f)
		if err != nil {
			continue
		}
		out = append(out, ScriptVersion{ID: id, ReplacedAt: at.UTC(), SHA256: hash, Bytes: st.Size()})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID > out[j].ID })
	writeJSON(w, http.StatusOK, map[string]any{"name": name, "versions": out})
	return nil
}

// getScriptVersion answers one kept version's YAML.
func (s *Server) getScriptVersion(w http.ResponseWriter, r *http.Request, _ auth.Principal) error {
	name, err := s.scriptParam(r)
	if err != nil {
		return err
	}
	id := r.PathValue("id")
	if !versionID.MatchString(id) {
		return badRequest("bad_parameter", "a version id is as GET …/versions lists it", "id")
	}
	b, err := os.ReadFile(filepath.Join(s.c.ScriptsDir, historyDir, name, id+".yaml"))
	if os.IsNotExist(err) {
		return errNotFound
	}
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/yaml; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_, err = w.Write(b)
	return err
}

// scriptParam is the {name} of a scripts route, checked.
func (s *Server) scriptParam(r *http.Request) (string, error) {
	if s.c.ScriptsDir == "" {
		return "", errNotFound
	}
	name := r.PathValue("name")
	if !scriptName.MatchString(name) {
		return "", badRequest("bad_parameter", "a script name is 1–64 of a-z, 0-9, _ and -, starting with a letter or digit", "name")
	}
	return name, nil
}
