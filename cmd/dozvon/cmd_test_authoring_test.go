package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dozvon/dozvon/store"
)

// TestTestGenerateCommand: --generate writes nothing for a fully covered
// bundled script, and for one case a file dozvon test runs with full edge
// coverage whose gate fails until the cases are confirmed.
func TestTestGenerateCommand(t *testing.T) {
	root := filepath.Join("..", "..")
	script := filepath.Join(root, "scripts", "verify_contact.yaml")
	code, out, errs := runCmd(t, cmdTest, "", nil, "--generate", script, filepath.Join(root, "scripts", "testdata", "verify_contact.cases.yaml"))
	if code != 0 || out != "" || !strings.Contains(errs, "nothing to generate") {
		t.Fatalf("fully covered: exit %d, stdout %q, stderr %q", code, out, errs)
	}
	dir := t.TempDir()
	one := filepath.Join(dir, "one.cases.yaml")
	if err := os.WriteFile(one, []byte("script: verify_contact.yaml\nnow: 2026-11-24T11:00:00+03:00\n"+
		"vars: {debtor: {name: \"Иванов Иван Иванович\", first_name: \"Иван\"}}\ncases:\n  - {name: no, caller: [\"нет\"], expect: {outcome: wrong_person}}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	gen := filepath.Join(dir, "gen.cases.yaml")
	if code, _, errs := runCmd(t, cmdTest, "", nil, "--generate", script, one, "--out", gen); code != 0 {
		t.Fatalf("generate: exit %d: %s", code, errs)
	}
	code, out, errs = runCmd(t, cmdTest, "", nil, script, one, gen)
	if code != 0 || !strings.Contains(out, "edges 26/26 (100.0%)") || !strings.Contains(out, "expect.unconfirmed") {
		t.Fatalf("run with the generated cases: exit %d\n%s%s", code, out, errs)
	}
	if code, _, errs := runCmd(t, cmdTest, "", nil, script, one, gen, "--gate", "98,95"); code != 1 || !strings.Contains(errs, "unconfirmed") {
		t.Fatalf("the gate passes unconfirmed cases: exit %d, %s", code, errs)
	}
}

// TestTestAuthoringFlags: misuse is a usage error naming the problem.
func TestTestAuthoringFlags(t *testing.T) {
	for _, args := range [][]string{
		{"--generate"},
		{"--generate", "a.yaml", "--watch"},
		{"--from-call", "x", "a.yaml", "b.yaml"},
		{"a.yaml", "b.yaml", "--out", "c.yaml"},
		{"a.yaml", "b.yaml", "--db", "sqlite:x"},
		{"--generate", "a.yaml", "--audio"},
	} {
		if code, _, errs := runCmd(t, cmdTest, "", nil, args...); code != 2 || !strings.Contains(errs, "usage:") {
			t.Errorf("%v: exit %d, %q", args, code, errs)
		}
	}
	db := "sqlite:" + filepath.Join(t.TempDir(), "calls.db")
	s, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if code, _, errs := runCmd(t, cmdTest, "", nil, "--from-call", "out-missing", "--db", db, "--out", filepath.Join(t.TempDir(), "c.yaml")); code != 2 || !strings.Contains(errs, "out-missing") {
		t.Fatalf("an unknown call: exit %d, %q", code, errs)
	}
}
