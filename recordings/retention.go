package recordings

import (
	"archive/zip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/dozvon/dozvon/clock"
)

// Policy is how long recordings are kept. Recordings live in one folder a
// day (DIR/2006-01-02/<call id>.wav). A day folder ArchiveAfterDays old is
// packed into one zip (ARCHIVE/2006-01/2006-01-02.zip) and removed; an
// archive KeepDays after its day is deleted.
//
// Why a zip a day: a call's recording must stay easy to hand over for years
// (a complaint, a regulator's request), so the archive is a format every
// system opens and reads one member without unpacking the rest; each member
// carries a CRC, so a damaged copy shows. Deflate takes the silence out of
// two-channel call audio (one side is mostly quiet at any moment). A day
// folder is complete long before it is archived, so a zip is written once
// and never appended to; whole files are what is deleted, one per day, so
// deletion is exact to the day and cheap.
type Policy struct {
	ArchiveAfterDays int `yaml:"archive_after_days"`
	KeepDays         int `yaml:"keep_days"`
}

// DefaultPolicy keeps recordings three years and a day (a leap year
// included), archiving them after a month.
var DefaultPolicy = Policy{ArchiveAfterDays: 30, KeepDays: 3*365 + 1}

// Validate reports a policy that cannot work.
func (p Policy) Validate() error {
	switch {
	case p.ArchiveAfterDays < 2:
		return fmt.Errorf("recordings: archive_after_days %d: want 2 or more (today's and yesterday's folders may still be written)", p.ArchiveAfterDays)
	case p.KeepDays < p.ArchiveAfterDays:
		return fmt.Errorf("recordings: keep_days %d is shorter than archive_after_days %d", p.KeepDays, p.ArchiveAfterDays)
	}
	return nil
}

// SweepConfig configures a Sweeper.
type SweepConfig struct {
	Dir        string // the recordings folder
	ArchiveDir string // "": DIR/archive
	Policy     Policy // zero: DefaultPolicy
	Clock      clock.Clock
	Log        *slog.Logger
}

// Sweeper applies the retention policy to a recordings folder.
type Sweeper struct {
	dir, archive string
	policy       Policy
	clk          clock.Clock
	log          *slog.Logger
}

// NewSweeper checks cfg and returns a Sweeper.
func NewSweeper(cfg SweepConfig) (*Sweeper, error) {
	if cfg.Dir == "" {
		return nil, errors.New("recordings: no recordings folder")
	}
	if cfg.Policy == (Policy{}) {
		cfg.Policy = DefaultPolicy
	}
	if err := cfg.Policy.Validate(); err != nil {
		return nil, err
	}
	if cfg.ArchiveDir == "" {
		cfg.ArchiveDir = filepath.Join(cfg.Dir, "archive")
	}
	log := cfg.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if cfg.Policy.KeepDays < DefaultPolicy.KeepDays {
		log.Warn("recordings are kept less than three years", "keep_days", cfg.Policy.KeepDays)
	}
	return &Sweeper{dir: cfg.Dir, archive: cfg.ArchiveDir, policy: cfg.Policy, clk: clock.Or(cfg.Clock), log: log}, nil
}

// Report is what one sweep did.
type Report struct {
	Sorted    int      // loose files moved into their day's folder
	Tightened int      // files and folders whose mode was narrowed to 0600/0700
	Archived  []string // days packed into the archive
	Deleted   []string // days whose archive was deleted
}

// Entry is one line of the journal (ARCHIVE/journal.jsonl): what was done,
// to which day's recordings, naming calls by id only.
type Entry struct {
	At     time.Time `json:"at"`
	Action string    `json:"action"` // sort, tighten, archive, delete
	Day    string    `json:"day,omitempty"`
	File   string    `json:"file,omitempty"` // the archive, relative to the archive folder
	Calls  []string  `json:"calls,omitempty"`
	Count  int       `json:"count,omitempty"` // files`
}

const dayLayout = "2006-01-02"

// Every sweeps now and then every d until ctx ends; a failed sweep is
// logged and tried again at the next turn.
func (s *Sweeper) Every(ctx context.Context, d time.Duration) {
	t := time.NewTicker(d)
	defer t.Stop()
	for {
		if _, err := s.Sweep(ctx); err != nil {
			s.log.Error("recordings sweep failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Sweep applies the policy once: narrows loose modes, moves loose files
// (first-audio files of unrecorded calls) into their day's folder, archives
// day folders old enough and deletes archives past the keep period.
func (s *Sweeper) Sweep(ctx context.Context) (Report, error) {
	var rep Report
	now := s.clk.Now()
	today := date(now)
	if _, err := os.Stat(s.dir); errors.Is(err, fs.ErrNotExist) {
		return rep, nil
	}
	if err := os.MkdirAll(s.archive, 0o700); err != nil {
		return rep, fmt.Errorf("recordings sweep: %w", err)
	}
	var err error
	if rep.Tightened, err = s.tighten(); err != nil {
		return rep, err
	}
	if rep.Tightened > 0 {
		s.log.Warn("recordings: modes narrowed to owner only", "files", rep.Tightened)
		s.journal(Entry{At: now, Action: "tighten", Count: rep.Tightened})
	}
	entries, err := os.ReadDir(s.dir)
	if err != nil {
		return rep, fmt.Errorf("recordings sweep: %w", err)
	}
	for _, e := range entries {
		if e.Type().IsRegular() && strings.HasSuffix(e.Name(), ".wav") {
			moved, err := s.sort(e, today)
			if err != nil {
				return rep, err
			}
			rep.Sorted += moved
		}
	}
	entries, err = os.ReadDir(s.dir)
	if err != nil {
		return rep, fmt.Errorf("recordings sweep: %w", err)
	}
	for _, e := range entries {
		day, err := time.ParseInLocation(dayLayout, e.Name(), now.Location())
		if !e.IsDir() || err != nil || day.AddDate(0, 0, s.policy.ArchiveAfterDays).After(today) {
			continue
		}
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		if err := s.archiveDay(e.Name(), now); err != nil {
			return rep, err
		}
		rep.Archived = append(rep.Archived, e.Name())
	}
	rep.Deleted, err = s.deleteOld(ctx, today, now)
	return rep, err
}

// date is t's calendar day at midnight in t's zone.
func date(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, t.Location())
}

// callID names a recording's call: the file name without ".wav" or ".first5s.wav".
func callID(name string) string {
	name = strings.TrimSuffix(name, ".wav")
	return strings.TrimSuffix(name, ".first5s")
}

// tighten narrows group and other permissions under the recordings folder
// (files written before modes were set, or copied in).
func (s *Sweeper) tighten() (int, error) {
	n := 0
	err := filepath.WalkDir(s.dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type()&fs.ModeSymlink != 0 {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		want := fs.FileMode(0o600)
		if d.IsDir() {
			want = 0o700
		}
		if info.Mode().Perm()&^want != 0 {
			if err := os.Chmod(path, info.Mode().Perm()&want); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	if err != nil {
		return n, fmt.Errorf("recordings sweep: modes: %w", err)
	}
	return n, nil
}

// sort moves a loose recording older than today into its day's folder.
func (s *Sweeper) sort(e fs.DirEntry, today time.Time) (int, error) {
	info, err := e.Info()
	if err != nil {
		return 0, fmt.Errorf("recordings sweep: %w", err)
	}
	mod := info.ModTime().In(today.Location())
	if !date(mod).Before(today) {
		return 0, nil
	}
	day := mod.Format(dayLayout)
	if err := os.MkdirAll(filepath.Join(s.dir, day), 0o700); err != nil {
		return 0, fmt.Errorf("recordings sweep: %w", err)
	}
	if err := os.Rename(filepath.Join(s.dir, e.Name()), filepath.Join(s.dir, day, e.Name())); err != nil {
		return 0, fmt.Errorf("recordings sweep: %w", err)
	}
	s.log.Info("recording moved into its day", "call", callID(e.Name()), "day", day)
	s.journal(Entry{At: s.clk.Now(), Action: "sort", Day: day, Calls: []string{callID(e.Name())}})
	return 1, nil
}

// archiveDay packs one day folder into ARCHIVE/2006-01/<day>.zip and removes
// it. The zip is written under a temporary name, synced and renamed, and
// only then are the originals removed: a crash leaves either the folder or
// the zip complete. Files already in a zip of that day with the same size
// (a sweep that died after its rename) are just removed; files that came
// late go into the next zip of the day (<day>.2.zip, …).
func (s *Sweeper) archiveDay(day string, now time.Time) error {
	src := filepath.Join(s.dir, day)
	month := filepath.Join(s.archive, day[:7])
	if err := os.MkdirAll(month, 0o700); err != nil {
		return fmt.Errorf("recordings archive %s: %w", day, err)
	}
	entries, err := os.ReadDir(src)
	if err != nil {
		return fmt.Errorf("recordings archive %s: %w", day, err)
	}
	done, err := archivedSizes(month, day)
	if err != nil {
		return fmt.Errorf("recordings archive %s: %w", day, err)
	}
	var files []fs.FileInfo
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		info, err := e.Info()
		if err != nil {
			return fmt.Errorf("recordings archive %s: %w", day, err)
		}
		if size, ok := done[e.Name()]; ok && size == uint64(info.Size()) {
			if err := os.Remove(filepath.Join(src, e.Name())); err != nil {
				return fmt.Errorf("recordings archive %s: %w", day, err)
			}
			continue
		}
		files = append(files, info)
	}
	if len(files) > 0 {
		name := nextZip(month, day)
		if err := writeZip(filepath.Join(month, name), src, files); err != nil {
			return fmt.Errorf("recordings archive %s: %w", day, err)
		}
		calls := make([]string, len(files))
		for i, f := range files {
			calls[i] = callID(f.Name())
			if err := os.Remove(filepath.Join(src, f.Name())); err != nil {
				return fmt.Errorf("recordings archive %s: %w", day, err)
			}
		}
		calls = uniq(calls)
		rel := filepath.Join(day[:7], name)
		s.log.Info("recordings archived", "day", day, "files", len(files), "archive", rel)
		s.journal(Entry{At: now, Action: "archive", Day: day, File: rel, Calls: calls, Count: len(files)})
	}
	if err := os.Remove(src); err != nil {
		// Something other than a regular file is in there: leave the folder
		// for a person to look at rather than guess.
		s.log.Warn("recordings: day folder not empty after archiving", "day", day, "err", err)
	}
	return nil
}

// zipsOf lists the archives of day in month: <day>.zip, <day>.2.zip, …
func zipsOf(month, day string) ([]string, error) {
	m, err := filepath.Glob(filepath.Join(month, day+"*.zip"))
	if err != nil {
		return nil, err
	}
	slices.Sort(m)
	return m, nil
}

// archivedSizes maps the member names already archived for day to their sizes.
func archivedSizes(month, day string) (map[string]uint64, error) {
	zips, err := zipsOf(month, day)
	if err != nil {
		return nil, err
	}
	out := map[string]uint64{}
	for _, z := range zips {
		r, err := zip.OpenReader(z)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", filepath.Base(z), err)
		}
		for _, f := range r.File {
			out[f.Name] = f.UncompressedSize64
		}
		r.Close()
	}
	return out, nil
}

// nextZip is the first free archive name for day.
func nextZip(month, day string) string {
	name := day + ".zip"
	for i := 2; ; i++ {
		if _, err := os.Stat(filepath.Join(month, name)); errors.Is(err, fs.ErrNotExist) {
			return name
		}
		name = day + "." + strconv.Itoa(i) + ".zip"
	}
}

// writeZip packs files from dir into a new zip at path, durably.
func writeZip(path, dir string, files []fs.FileInfo) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-*.zip")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // fails harmlessly after the rename
	zw := zip.NewWriter(tmp)
	for _, info := range files {
		if err := addFile(zw, dir, info); err != nil {
			tmp.Close()
			return err
		}
	}
	err = zw.Close()
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err == nil {
		err = syncDir(filepath.Dir(path))
	}
	return err
}

func addFile(zw *zip.Writer, dir string, info fs.FileInfo) error {
	h, err := zip.FileInfoHeader(info)
	if err != nil {
		return err
	}
	h.Method = zip.Deflate
	w, err := zw.CreateHeader(h)
	if err != nil {
		return err
	}
	f, err := os.Open(filepath.Join(dir, info.Name()))
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(w, f)
	return err
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// deleteOld deletes the archives whose day is KeepDays or more before today.
func (s *Sweeper) deleteOld(ctx context.Context, today, now time.Time) ([]string, error) {
	months, err := filepath.Glob(filepath.Join(s.archive, "[0-9][0-9][0-9][0-9]-[0-9][0-9]"))
	if err != nil {
		return nil, fmt.Errorf("recordings sweep: %w", err)
	}
	var deleted []string
	for _, dir := range months {
		zips, err := os.ReadDir(dir)
		if err != nil {
			return deleted, fmt.Errorf("recordings sweep: %w", err)
		}
		for _, z := range zips {
			if len(z.Name()) < len(dayLayout) || !strings.HasSuffix(z.Name(), ".zip") {
				continue
			}
			day, err := time.ParseInLocation(dayLayout, z.Name()[:len(dayLayout)], today.Location())
			if err != nil || day.AddDate(0, 0, s.policy.KeepDays).After(today) {
				continue
			}
			if err := ctx.Err(); err != nil {
				return deleted, err
			}
			path := filepath.Join(dir, z.Name())
			calls, err := members(path)
			if err != nil {
				return deleted, fmt.Errorf("recordings delete %s: %w", z.Name(), err)
			}
			if err := os.Remove(path); err != nil {
				return deleted, fmt.Errorf("recordings delete %s: %w", z.Name(), err)
			}
			rel := filepath.Join(filepath.Base(dir), z.Name())
			s.log.Info("recordings deleted: keep period over", "day", day.Format(dayLayout), "archive", rel)
			s.journal(Entry{At: now, Action: "delete", Day: day.Format(dayLayout), File: rel, Calls: calls})
			if !slices.Contains(deleted, day.Format(dayLayout)) {
				deleted = append(deleted, day.Format(dayLayout))
			}
		}
		_ = os.Remove(dir) // only when empty
	}
	return deleted, nil
}

// members names the calls in an archive.
func members(path string) ([]string, error) {
	r, err := zip.OpenReader(path)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	out := make([]string, len(r.File))
	for i, f := range r.File {
		out[i] = callID(f.Name)
	}
	return uniq(out), nil
}

// uniq sorts call ids and drops repeats (a call's recording and its first
// audio are two files of one call).
func uniq(ids []string) []string {
	slices.Sort(ids)
	return slices.Compact(ids)
}

// journal appends one entry to ARCHIVE/journal.jsonl. A journal that cannot
// be written is logged, not fatal: the log line said the same.
func (s *Sweeper) journal(e Entry) {
	b, err := json.Marshal(e)
	if err == nil {
		var f *os.File
		f, err = os.OpenFile(filepath.Join(s.archive, "journal.jsonl"), os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
		if err == nil {
			_, err = f.Write(append(b, '\n'))
			if cerr := f.Close(); err == nil {
				err = cerr
			}
		}
	}
	if err != nil {
		s.log.Error("recordings journal", "err", err)
	}
}

// Journal reads the journal's entries (none when it does not exist yet).
func (s *Sweeper) Journal() ([]Entry, error) {
	data, err := os.ReadFile(filepath.Join(s.archive, "journal.jsonl"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("recordings journal: %w", err)
	}
	var out []Entry
	for i, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		if line == "" {
			continue
		}
		var e Entry
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			return out, fmt.Errorf("recordings journal line %d: %w", i+1, err)
		}
		out = append(out, e)
	}
	return out, nil
}
