package compliance

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/dozvon/dozvon/store"
)

// LoadCalendar is the built-in production calendar with the given xmlcalendar
// files (each overriding its year) and regional holiday files
// (subject;YYYY-MM-DD;title per line) added, in that order.
func LoadCalendar(calendars, regionals []string) (*Calendar, error) {
	cal, err := DefaultCalendar()
	if err != nil {
		return nil, err
	}
	for _, p := range calendars {
		if err := withFile(p, "calendar", func(f *os.File) error { return cal.AddXML(f, p) }); err != nil {
			return nil, err
		}
	}
	for _, p := range regionals {
		if err := withFile(p, "regional holidays", func(f *os.File) error { return cal.AddRegionalHolidays(f, p) }); err != nil {
			return nil, err
		}
	}
	return cal, nil
}

// ReadNumplanFiles parses Минцифры registry files (ABC-*.csv, DEF-9xx.csv),
// one slice of ranges per file, and checks that together they make a plan
// (no overlaps), so a bad file is found before anything is stored.
func ReadNumplanFiles(paths []string) ([][]Range, error) {
	parsed := make([][]Range, len(paths))
	var all []Range
	for i, p := range paths {
		if err := withFile(p, "numplan", func(f *os.File) (err error) { parsed[i], err = ParseNumplan(f, p); return err }); err != nil {
			return nil, err
		}
		all = append(all, parsed[i]...)
	}
	if _, err := NewPlan(all); err != nil {
		return nil, err
	}
	return parsed, nil
}

// LoadNumplanFiles is the plan the registry files make together.
func LoadNumplanFiles(paths []string) (*Plan, error) {
	parsed, err := ReadNumplanFiles(paths)
	if err != nil {
		return nil, err
	}
	var all []Range
	for _, rs := range parsed {
		all = append(all, rs...)
	}
	return NewPlan(all)
}

// StoredPlan loads the numbering plan kept in the store at dsn. An SQLite
// store that does not exist yet gives a nil plan, and is not created.
func StoredPlan(ctx context.Context, dsn string) (*Plan, error) {
	if path, ok := strings.CutPrefix(dsn, "sqlite:"); ok {
		if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
			return nil, nil
		}
	}
	db, err := store.Open(ctx, dsn)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	rs, err := db.NumRanges(ctx)
	if err != nil {
		return nil, err
	}
	return PlanFromStore(rs)
}

// withFile opens path for read; what names the file's kind in errors.
func withFile(path, what string, read func(*os.File) error) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	defer f.Close()
	return read(f)
}
