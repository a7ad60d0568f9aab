package testcalls

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"time"

	"github.com/dozvon/dozvon/scripts"
	"github.com/fsnotify/fsnotify"
)

// DefaultSettle is how long Watch waits after a change for more: an editor
// saving a file writes, renames and chmods it in one burst.
const DefaultSettle = 150 * time.Millisecond

// Watch calls run once, then again after each change to the files that
// files returns (asked anew before every run, so an import added to the
// script is watched from then on), until ctx ends. run gets the
// files that changed (none on the first run). The files' directories are
// watched, not the files, so an editor that saves by writing a new file and
// renaming it over the old one is seen too.
func Watch(ctx context.Context, files func() []string, run func(ctx context.Context, changed []string), settle time.Duration) error {
	if settle <= 0 {
		settle = DefaultSettle
	}
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return fmt.Errorf("watch: %w", err)
	}
	defer w.Close()
	watched := map[string]bool{} // absolute file paths
	dirs := map[string]bool{}
	rewatch := func() error {
		clear(watched)
		for _, f := range files() {
			abs, err := filepath.Abs(f)
			if err != nil {
				return fmt.Errorf("watch %s: %w", f, err)
			}
			watched[abs] = true
			if d := filepath.Dir(abs); !dirs[d] {
				if err := w.Add(d); err != nil {
					return fmt.Errorf("watch %s: %w", d, err)
				}
				dirs[d] = true
			}
		}
		return nil
	}
	// watch before the first run: a change made while it runs is not lost
	if err := rewatch(); err != nil {
		return err
	}
	run(ctx, nil)
	var (
		changed []string
		timer   *time.Timer
		fire    <-chan time.Time
	)
	for {
		select {
		case <-ctx.Done():
			return nil
		case err, ok := <-w.Errors:
			if !ok {
				return nil
			}
			return fmt.Errorf("watch: %w", err)
		case ev, ok := <-w.Events:
			if !ok {
				return nil
			}
			abs, err := filepath.Abs(ev.Name)
			if err != nil || !watched[abs] || ev.Op == fsnotify.Chmod {
				continue
			}
			if !slices.Contains(changed, abs) {
				changed = append(changed, abs)
			}
			if timer == nil {
				timer = time.NewTimer(settle)
			} else {
				timer.Reset(settle)
			}
			fire = timer.C
		case <-fire:
			fire = nil
			c := changed
			changed = nil
			if err := rewatch(); err != nil {
				return err
			}
			run(ctx, c)
		}
	}
}

// WatchedFiles are the files a test run depends on: the script, its
// imported phrase bases, the case files and the recordings they play.
func WatchedFiles(scriptPath string, sc *scripts.Script, files []*CaseFile, casePaths []string) []string {
	out := []string{scriptPath}
	if sc != nil {
		for _, imp := range sc.Import {
			if !filepath.IsAbs(imp) {
				imp = filepath.Join(filepath.Dir(sc.File), imp)
			}
			out = append(out, imp)
		}
	}
	out = append(out, casePaths...)
	for _, f := range files {
		for _, c := range f.Cases {
			for _, it := range c.Caller {
				if it.Audio != "" {
					out = append(out, f.AudioPath(it.Audio))
				}
			}
		}
	}
	return out
}
