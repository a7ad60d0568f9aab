package compliance

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLoadFiles: the file loaders behind `dozvon compliance check` and
// `dozvon numplan import` (moved from cmd): good files load, a bad one is an
// error naming the file and the place, and no file set is half-loaded.
func TestLoadFiles(t *testing.T) {
	dir := t.TempDir()
	const hdr = "АВС/ DEF;От;До;Емкость;Оператор;Регион;Территория ГАР;ИНН\n"
	files := [][2]string{
		{"DEF-9xx.csv", hdr + "913;0000000;9999999;10000000;ПАО МТС;Новосибирская область;;1\n"},
		{"ABC-3xx.csv", hdr + "383;0000000;9999999;10000000;ПАО Ростелеком;Новосибирская область;;2\n"},
		{"DEF-clash.csv", hdr + "913;0000000;0000009;10;ООО А;г. Москва;;3\n"},
		{"DEF-bad.csv", hdr + "913;00x0000;0000009;10;ООО А;г. Москва;;3\n"},
		{"regional.txt", "Республика Татарстан;2026-08-30;День Республики\n"},
		{"regional-bad.txt", "Республика Татарстан;30.08.2026\n"},
	}
	paths := make([]string, len(files))
	for i, f := range files {
		paths[i] = filepath.Join(dir, f[0])
		if err := os.WriteFile(paths[i], []byte(f[1]), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	def, abc, clash, badRow, regional, badRegional := paths[0], paths[1], paths[2], paths[3], paths[4], paths[5]
	missing := filepath.Join(dir, "missing.csv")
	// failed says whether err is the error wanted ("": none), and reports a wrong one.
	failed := func(name string, err error, want string) bool {
		if want == "" {
			return false
		}
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want %q", name, err, want)
		}
		return true
	}

	t.Run("numbering plan", func(t *testing.T) {
		tests := []struct {
			name   string
			files  []string
			ranges []int
			err    string
		}{
			{"two files", []string{def, abc}, []int{1, 1}, ""},
			{"a bad row names file and line", []string{def, badRow}, nil, "DEF-bad.csv:2"},
			{"files that overlap", []string{def, clash}, nil, "overlaps"},
			{"a missing file", []string{missing}, nil, "numplan: open " + missing},
		}
		for _, tt := range tests {
			parsed, err := ReadNumplanFiles(tt.files)
			if failed(tt.name, err, tt.err) {
				continue
			}
			if err != nil || len(parsed) != len(tt.ranges) || len(parsed[0]) != tt.ranges[0] {
				t.Fatalf("%s: %d files parsed, %v", tt.name, len(parsed), err)
			}
			plan, err := LoadNumplanFiles(tt.files)
			if err != nil || plan.Len() != 2 {
				t.Fatalf("%s: plan %v, %v", tt.name, plan, err)
			}
		}
	})
	t.Run("calendar", func(t *testing.T) {
		tests := []struct {
			name                 string
			calendars, regionals []string
			err                  string
		}{
			{"built-in with a regional file", nil, []string{regional}, ""},
			{"a bad regional line", nil, []string{badRegional}, "regional holidays " + badRegional + ":1"},
			{"a missing calendar", []string{missing}, nil, "calendar: open " + missing},
		}
		for _, tt := range tests {
			cal, err := LoadCalendar(tt.calendars, tt.regionals)
			if !failed(tt.name, err, tt.err) && (err != nil || cal == nil) {
				t.Errorf("%s: %v", tt.name, err)
			}
		}
	})
	t.Run("stored plan of a store not made yet", func(t *testing.T) {
		path := filepath.Join(dir, "none", "dozvon.db")
		plan, err := StoredPlan(t.Context(), "sqlite:"+path)
		if plan != nil || err != nil {
			t.Fatalf("got %v, %v; want no plan", plan, err)
		}
		if _, err := os.Stat(filepath.Dir(path)); !os.IsNotExist(err) {
			t.Fatalf("looking up the plan created the store: %v", err)
		}
	})
}
