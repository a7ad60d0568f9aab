package scripts

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// Registry hands out loaded scripts for new calls and reloads a script when
// its file or an imported phrase base changes (modification time and size,
// then the content hash). A running call keeps the *Script it got: scripts are
// immutable, a reload makes a new one. Safe for concurrent use.
type Registry struct {
	mu      sync.Mutex
	entries map[string]*regEntry
}

type regEntry struct {
	script *Script
	stamps map[string]fileStamp
}

type fileStamp struct {
	mod  time.Time
	size int64
}

// NewRegistry makes an empty registry.
func NewRegistry() *Registry { return &Registry{entries: map[string]*regEntry{}} }

// Get returns the current version of the script at path, loading or reloading
// it when a file changed. When a changed file no longer loads, Get returns the
// last good version together with the error, so new calls keep working.
func (r *Registry) Get(path string) (*Script, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("script registry: %w", err)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	e := r.entries[abs]
	if e != nil && !changed(e.stamps) {
		return e.script, nil
	}
	s, err := Load(path)
	if err != nil {
		if e != nil {
			return e.script, fmt.Errorf("script registry: reload %s (keeping version %s): %w", path, e.script.VersionString(), err)
		}
		return nil, fmt.Errorf("script registry: %w", err)
	}
	if e != nil && e.script.Hash == s.Hash {
		e.stamps = stamps(s)
		return e.script, nil
	}
	r.entries[abs] = &regEntry{script: s, stamps: stamps(s)}
	return s, nil
}

func stamps(s *Script) map[string]fileStamp {
	out := map[string]fileStamp{}
	files := []string{s.File}
	for _, imp := range s.Import {
		if !filepath.IsAbs(imp) {
			imp = filepath.Join(filepath.Dir(s.File), imp)
		}
		files = append(files, imp)
	}
	for _, f := range files {
		if st, err := os.Stat(f); err == nil {
			out[f] = fileStamp{st.ModTime(), st.Size()}
		}
	}
	return out
}

func changed(st map[string]fileStamp) bool {
	for f, old := range st {
		cur, err := os.Stat(f)
		if err != nil || !cur.ModTime().Equal(old.mod) || cur.Size() != old.size {
			return true
		}
	}
	return false
}
