package main

import (
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dozvon/dozvon/auth"
	"github.com/dozvon/dozvon/clock"
	"github.com/dozvon/dozvon/store"
)

// TestUserAndTokenCommands: `user add` reads the password from stdin and
// refuses a short one; `token create` prints the token alone on the last
// line of stdout and that token authenticates as the user; `token revoke`
// and `user disable` make it fail; bad use is exit 2 with a message.
func TestUserAndTokenCommands(t *testing.T) {
	t.Parallel()
	dsn := "sqlite:" + filepath.Join(t.TempDir(), "d.db")
	db := map[string]string{"DOZVON_DB": dsn}
	type step struct {
		cmd   string
		args  []string
		stdin string
		code  int
		want  string // in stdout (code 0) or stderr
	}
	run := func(s step) string {
		t.Helper()
		f := cmdUser
		if s.cmd == "token" {
			f = cmdToken
		}
		code, stdout, stderr := runCmd(t, f, s.stdin, db, s.args...)
		got := stdout
		if s.code != 0 {
			got = stderr
		}
		if code != s.code || !strings.Contains(got, s.want) {
			t.Fatalf("%s %v: exit %d (%q / %q), want %d and %q", s.cmd, s.args, code, stdout, stderr, s.code, s.want)
		}
		return stdout
	}
	for _, s := range []step{
		{"user", []string{"add", "crm", "--role", "integration", "--recordings"}, "", 2, "first line of stdin"},
		{"user", []string{"add", "crm", "--role", "integration"}, "short\n", 2, "at least 10"},
		{"user", []string{"add", "crm", "--role", "root"}, "long enough password\n", 2, `role "root"`},
		{"user", []string{"add", "crm"}, "long enough password\n", 2, "--role"},
		{"user", []string{"add", "crm", "--role", "integration", "--recordings"}, "long enough password\r\nsecond line\n", 0, "user crm added (integration)"},
		{"user", []string{"add", "crm", "--role", "admin"}, "long enough password\n", 1, "login already exists"},
		{"user", []string{"list"}, "", 0, "crm    integration  true"},
		{"user", []string{"remove", "crm"}, "", 2, "usage"},
		{"token", []string{"create", "nobody"}, "", 1, "not found"},
		{"token", []string{"create", "crm", "--ttl", "0d"}, "", 2, "--ttl"},
		{"token", []string{"revoke", "abc"}, "", 2, "token list"},
	} {
		run(s)
	}
	out := run(step{"token", []string{"create", "crm", "--name", "CRM sync", "--ttl", "30d"}, "", 0, "shown once"})
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	secret := lines[len(lines)-1]
	if !strings.HasPrefix(secret, auth.TokenPrefix) || strings.ContainsAny(secret, " \t") {
		t.Fatalf("last line %q is not a token alone", secret)
	}
	listing := run(step{"token", []string{"list", "crm"}, "", 0, "CRM sync"})
	if strings.Contains(listing, secret[len(auth.TokenPrefix):]) {
		t.Fatalf("token list shows the secret: %s", listing)
	}

	st, err := store.Open(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	svc, err := auth.New(st, clock.System{}, auth.Options{})
	if err != nil {
		t.Fatal(err)
	}
	authenticate := func() (auth.Principal, error) {
		r := httptest.NewRequest("GET", "/api/v1/calls", nil)
		r.Header.Set("Authorization", "Bearer "+secret)
		return svc.Authenticate(r)
	}
	if p, err := authenticate(); err != nil || p.Login != "crm" || p.Role != auth.Integration || !p.Recordings {
		t.Fatalf("the printed token: %+v %v", p, err)
	}
	run(step{"token", []string{"revoke", "1"}, "", 0, "token 1 revoked"})
	if _, err := authenticate(); err == nil {
		t.Fatal("a revoked token authenticates")
	}
	// A new token works until its user is disabled.
	out = run(step{"token", []string{"create", "crm"}, "", 0, "shown once"})
	lines = strings.Split(strings.TrimRight(out, "\n"), "\n")
	secret = lines[len(lines)-1]
	if _, err := authenticate(); err != nil {
		t.Fatalf("second token: %v", err)
	}
	run(step{"user", []string{"disable", "crm"}, "", 0, "disabled"})
	if _, err := authenticate(); err == nil {
		t.Fatal("a disabled user's token authenticates")
	}
	run(step{"user", []string{"list"}, "", 0, "crm"})
}
