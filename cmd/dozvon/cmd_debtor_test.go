package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dozvon/dozvon/portfolio"
)

// TestDebtorCommand: two contracts of one name and birth date are one
// person after `dozvon import`; `debtor split` (with a note) makes them two,
// `debtor merge` one again; bad use is exit 2.
func TestDebtorCommand(t *testing.T) {
	dir := t.TempDir()
	csv := filepath.Join(dir, "p.csv")
	if err := os.WriteFile(csv, []byte("ФИО;Телефон;Номер договора;Дата рождения\n"+
		"Сидоров Иван;89164440001;С-1;03.03.1970\nсидоров  иван;89164440002;С-2;03.03.1970\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := portfolio.ReadFile(csv)
	if err != nil {
		t.Fatal(err)
	}
	a, b := res.Debtors[0].ID, res.Debtors[1].ID
	db := map[string]string{"DOZVON_DB": "sqlite:" + filepath.Join(dir, "d.db")}
	if code, _, stderr := runCmd(t, cmdImport, "", db, csv); code != 0 {
		t.Fatalf("import: %d %s", code, stderr)
	}
	for _, c := range []struct {
		args  []string
		code  int
		out   []string // each must appear in stdout (code 0) or stderr
		notIn string
	}{
		{[]string{"show", a}, 0, []string{"merged at import", a, b}, ""},
		{[]string{"split", b}, 2, []string{"--note is required"}, ""},
		{[]string{"split", b, "--note", "namesake"}, 0, []string{"split: moved " + b, "set by hand", b}, a},
		{[]string{"show", a}, 0, []string{a}, b},
		{[]string{"merge", b, "--note", "x"}, 2, []string{"--into is required"}, ""},
		{[]string{"merge", b, "--into", a, "--note", "same passport"}, 0, []string{a, b}, ""},
		{[]string{"show", "nobody"}, 1, []string{"not found"}, ""},
		{[]string{"rename", a}, 2, []string{"usage"}, ""},
	} {
		code, stdout, stderr := runCmd(t, cmdDebtor, "", db, c.args...)
		got := stdout
		if c.code != 0 {
			got = stderr
		}
		if code != c.code {
			t.Errorf("%v: exit %d, want %d (%s%s)", c.args, code, c.code, stdout, stderr)
			continue
		}
		for _, w := range c.out {
			if !strings.Contains(got, w) {
				t.Errorf("%v: %q lacks %q", c.args, got, w)
			}
		}
		if c.notIn != "" && strings.Contains(stdout[strings.LastIndex(stdout, "person "):], c.notIn) {
			t.Errorf("%v: %q still lists %s", c.args, stdout, c.notIn)
		}
	}
}

// TestCallMalformedDestination: `dozvon call --to` with something that is
// neither a SIP URI nor a phone number is a usage error naming --to, before
// anything starts; a foreign number is no such error.
func TestCallMalformedDestination(t *testing.T) {
	code, _, stderr := runCmd(t, cmdCall, "", nil, "--to", "+7 916 12x 45 67")
	if code != 2 || !strings.Contains(stderr, "--to") || !strings.Contains(stderr, "parse phone") {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	// a foreign number gets past the check (and fails later on the missing script file, not on the number)
	code, _, stderr = runCmd(t, cmdCall, "", nil, "--to", "+44 20 7946 0958", "--script", filepath.Join(t.TempDir(), "none.yaml"))
	if strings.Contains(stderr, "--to") || code == 0 {
		t.Fatalf("foreign number: exit %d: %s", code, stderr)
	}
}
