package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/dozvon/dozvon/store"
)

// TestMessageCommand wires `dozvon message`: templates list, an e-mail
// address recorded, a send refused for disclosure (the number is not
// confirmed) and one denied by the guard (the debtor filed a refusal) —
// both exit 3, stored, and nothing reaches the test SMS gateway. (The wall
// clock decides the hours, so the test sends nothing the hours could change.)
func TestMessageCommand(t *testing.T) {
	var hits atomic.Int32
	gw := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		hits.Add(1)
	}))
	defer gw.Close()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "dozvon.yaml")
	if err := os.WriteFile(cfg, []byte("messages:\n  agency: ООО «Пример»\n  sms:\n    url: "+gw.URL+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	dsn := "sqlite:" + filepath.Join(dir, "d.db")
	db, err := store.Open(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []store.Debtor{{ID: "d1", Region: "г. Москва", Phones: []string{"+79161234567"}}, {ID: "d2", Region: "г. Москва", Phones: []string{"+79161234568"}}} {
		if err := db.UpsertDebtor(t.Context(), d); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.AddBlock(t.Context(), store.Block{DebtorID: "d2", Kind: "refusal"}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	env := map[string]string{"DOZVON_DB": dsn}
	for _, c := range []struct {
		args []string
		code int
		out  string // in stdout (code 0) or stderr
	}{
		{[]string{"templates", "--config", cfg}, 0, "payment_details   debtor"},
		{[]string{"email", "--debtor", "d1", "Ivan@Mail.Example", "--config", cfg}, 0, ""},
		{[]string{"email", "--debtor", "d1", "not an address", "--config", cfg}, 2, "not an e-mail address"},
		{[]string{"send", "--debtor", "d1", "--template", "payment_details", "--config", cfg}, 3, "disclosure to an unconfirmed recipient"},
		{[]string{"send", "--debtor", "d2", "--template", "call_us", "--config", cfg}, 3, "denied by the 230-FZ guard: blocked: refusal"},
		{[]string{"send", "--debtor", "d1", "--template", "call_us", "--channel", "email", "--config", cfg}, 1, "no email sender"},
		{[]string{"send", "--debtor", "d1", "--config", cfg}, 2, "usage"},
		{[]string{"list", "--config", cfg}, 0, "denied"},
	} {
		code, stdout, stderr := runCmd(t, cmdMessage, "", env, c.args...)
		got := stdout
		if c.code != 0 {
			got = stderr
		}
		if code != c.code || !strings.Contains(got, c.out) {
			t.Errorf("message %v: %d\nstdout %s\nstderr %s", c.args, code, stdout, stderr)
		}
		if strings.Contains(stdout+stderr, "1234567") {
			t.Errorf("message %v shows a number: %s %s", c.args, stdout, stderr)
		}
	}
	if n := hits.Load(); n != 0 {
		t.Fatalf("the gateway got %d requests", n)
	}
	db, err = store.Open(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	es, err := db.DebtorEmails(t.Context(), "d1")
	if err != nil || len(es) != 1 || es[0].Address != "Ivan@mail.example" {
		t.Fatalf("e-mails: %+v %v", es, err)
	}
}
