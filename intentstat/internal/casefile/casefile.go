// Package casefile loads eval case files for intentstat's build tools,
// each with the bundled script it names (scripts/<base name>), loading
// every script once.
package casefile

import (
	"fmt"
	"path/filepath"

	"github.com/dozvon/dozvon/scripts"
	"github.com/dozvon/dozvon/testcalls"
)

// Loader keeps the scripts loaded so far, by path.
type Loader struct {
	Scripts map[string]*scripts.Script
}

// Load reads the case file and its script.
func (l *Loader) Load(file string) (*testcalls.CaseFile, *scripts.Script, error) {
	cf, err := testcalls.LoadCases(file)
	if err != nil {
		return nil, nil, err
	}
	path := filepath.Join("scripts", filepath.Base(cf.Script))
	if sc := l.Scripts[path]; sc != nil {
		return cf, sc, nil
	}
	sc, err := scripts.Load(path)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", file, err)
	}
	if l.Scripts == nil {
		l.Scripts = map[string]*scripts.Script{}
	}
	l.Scripts[path] = sc
	return cf, sc, nil
}
