package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dozvon/dozvon/media"
	"github.com/dozvon/dozvon/store"
	"github.com/dozvon/dozvon/testcalls"
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

// TestTestFromCallCommand: a call stored with its recording becomes a case
// file, with its snippet beside it, that loads as dozvon test loads cases
// and holds no full phone number.
func TestTestFromCallCommand(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	dsn := "sqlite:" + filepath.Join(dir, "calls.db")
	db, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	rec := filepath.Join(dir, "rec.wav")
	stereo := make([]int16, 2*8000*4)
	for i := 8000 * 2; i < 8000*3; i++ {
		stereo[2*i] = 2000
	}
	if err := media.WriteWAVFile(rec, 8000, 2, stereo); err != nil {
		t.Fatal(err)
	}
	ans := time.Date(2026, 11, 24, 8, 0, 0, 0, time.UTC)
	if err := db.SaveCall(ctx, store.CallRecord{ID: "out-00ff", Direction: "outbound", To: "+79131234567", Started: ans, Answered: ans,
		Ended: ans.Add(4 * time.Second), Result: "answered", Outcome: "wrong_person", ScriptName: "verify_contact", RecordingPath: rec,
		Turns: []store.TurnRecord{{Node: "identify", Who: "robot", Kind: "say", Text: "Это Иван?", Start: ans, End: ans.Add(2 * time.Second)},
			{Node: "identify", Who: "caller", Kind: "speech", Text: "нет", Start: ans.Add(2 * time.Second), End: ans.Add(3 * time.Second)},
			{Node: "end_wrong_person", Who: "robot", Kind: "say", Text: "До свидания", Start: ans.Add(3 * time.Second), End: ans.Add(4 * time.Second)}}}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	out := filepath.Join(dir, "c.cases.yaml")
	script := filepath.Join("..", "..", "scripts", "verify_contact.yaml")
	code, stdout, errs := runCmd(t, cmdTest, "", nil, "--from-call", "out-00ff", script, "--db", dsn, "--out", out)
	if code != 0 || !strings.Contains(stdout, "1 recorded lines") {
		t.Fatalf("exit %d: %s%s", code, stdout, errs)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), "9131234567") || !strings.Contains(string(data), "c.cases.audio/01-identify.wav") {
		t.Fatalf("case holds the full number or no snippet:\n%s", data)
	}
	cf, err := testcalls.LoadCases(out)
	if err != nil {
		t.Fatal(err)
	}
	if p, err := cf.ScriptPath(); err != nil || filepath.Base(p) != "verify_contact.yaml" {
		t.Fatalf("the case's script does not resolve: %q, %v", p, err)
	}
	// at text level the stored words replay the stored outcome
	if code, stdout, errs := runCmd(t, cmdTest, "", nil, script, out); code != 0 || !strings.Contains(stdout, "1/1 cases passed") {
		t.Fatalf("the case fails at text level: exit %d\n%s%s", code, stdout, errs)
	}
}
