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
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	const hdr = "АВС/ DEF;От;До;Емкость;Оператор;Регион;Территория ГАР;ИНН\n"
	def := write("DEF-9xx.csv", hdr+"913;0000000;9999999;10000000;ПАО МТС;Новосибирская область;;1\n")
	abc := write("ABC-3xx.csv", hdr+"383;0000000;9999999;10000000;ПАО Ростелеком;Новосибирская область;;2\n")
	clash := write("DEF-clash.csv", hdr+"913;0000000;0000009;10;ООО А;г. Москва;;3\n")
	badRow := write("DEF-bad.csv", hdr+"913;00x0000;0000009;10;ООО А;г. Москва;;3\n")
	regional := write("regional.txt", "Республика Татарстан;2026-08-30;День Республики\n")
	badRegional := write("regional-bad.txt", "Республика Татарстан;30.08.2026\n")
	missing := filepath.Join(dir, "missing.csv")

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
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Errorf("%s: error %v, want %q", tt.name, err, tt.err)
				}
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
			if tt.err == "" && (err != nil || cal == nil) {
				t.Errorf("%s: %v", tt.name, err)
			}
			if tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)) {
				t.Errorf("%s: error %v, want %q", tt.name, err, tt.err)
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
