package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseVars(t *testing.T) {
	v, err := parseVars([]string{"debtor.first_name=Иван", "debtor.name=Иванов Иван", "campaign=x=y"})
	if err != nil {
		t.Fatal(err)
	}
	d := v["debtor"].(map[string]any)
	if d["first_name"] != "Иван" || d["name"] != "Иванов Иван" || v["campaign"] != "x=y" {
		t.Fatalf("got %#v", v)
	}
	if _, err := parseVars([]string{"novalue"}); err == nil {
		t.Fatal("a var without = was accepted")
	}
}

// TestSweepNeedsACreditor: a sweep that would dial real debtors refuses to
// start when neither the config nor the campaign names the creditor.
func TestSweepNeedsACreditor(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "dozvon.yaml")
	pf := filepath.Join(dir, "p.csv")
	if err := os.WriteFile(cfg, []byte("store: {dsn: \"sqlite:"+filepath.Join(dir, "d.db")+"\"}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(pf, []byte("id;fio;phone\n1;Иванов Иван Иванович;+79160000001\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr strings.Builder
	e := env{stdout: &stdout, stderr: &stderr, getenv: func(string) string { return "" }}
	if code := cmdSweep(t.Context(), e, []string{"--portfolio", pf, "--config", cfg}); code != 1 || !strings.Contains(stderr.String(), "no creditor configured") {
		t.Fatalf("exit %d, stderr %q: want a refusal naming the missing creditor", code, stderr.String())
	}
}
