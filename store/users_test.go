package store_test

import (
	"errors"
	"testing"
	"time"

	"github.com/dozvon/dozvon/store"
)

// addUser stores a user of role at at and returns its id.
func addUser(t *testing.T, db *store.DB, login, role string, at time.Time) int64 {
	t.Helper()
	id, err := db.AddUser(t.Context(), store.User{Login: login, Role: role, PassHash: "$argon2id$" + login, CreatedAt: at})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// TestUsersTokensSessions: a login is unique (ErrDuplicateLogin), tokens and
// sessions round-trip by hash, revoking and disabling stick, unknown keys
// are ErrNotFound — on SQLite and PostgreSQL.
func TestUsersTokensSessions(t *testing.T) {
	eachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		at := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
		id := addUser(t, db, "petrova", "collector", at)
		if _, err := db.AddUser(ctx, store.User{Login: "petrova", Role: "admin", PassHash: "$argon2id$y", CreatedAt: at}); !errors.Is(err, store.ErrDuplicateLogin) {
			t.Fatalf("duplicate login: %v", err)
		}
		if _, err := db.AddUser(ctx, store.User{Login: "x", Role: "admin"}); err == nil {
			t.Fatal("a user without a password hash was stored")
		}
		u, err := db.UserByLogin(ctx, "petrova")
		if err != nil || u.ID != id || u.Role != "collector" || !u.CreatedAt.Equal(at) || !u.DisabledAt.IsZero() {
			t.Fatalf("user: %+v %v", u, err)
		}
		if _, err := db.UserByLogin(ctx, "nobody"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("unknown login: %v", err)
		}
		if err := db.SetPasswordHash(ctx, "nobody", "h"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("set password of unknown: %v", err)
		}

		tid, err := db.AddToken(ctx, store.APIToken{UserID: id, Name: "crm", Hash: "h1", CreatedAt: at, ExpiresAt: at.Add(time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.AddToken(ctx, store.APIToken{UserID: id, Hash: "h1", CreatedAt: at}); err == nil {
			t.Fatal("two tokens with one hash")
		}
		if err := db.TouchToken(ctx, tid, at.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		if err := db.RevokeToken(ctx, tid, at.Add(2*time.Minute)); err != nil {
			t.Fatal(err)
		}
		if err := db.RevokeToken(ctx, tid, at.Add(3*time.Minute)); err != nil {
			t.Fatal(err)
		}
		tok, err := db.TokenByHash(ctx, "h1")
		if err != nil || tok.ID != tid || tok.Name != "crm" || !tok.RevokedAt.Equal(at.Add(2*time.Minute)) || !tok.LastUsedAt.Equal(at.Add(time.Minute)) {
			t.Fatalf("token: %+v %v", tok, err)
		}
		if err := db.RevokeToken(ctx, 999, at); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("revoke unknown: %v", err)
		}
		if ts, err := db.ListTokens(ctx, id); err != nil || len(ts) != 1 {
			t.Fatalf("list tokens: %+v %v", ts, err)
		}

		if err := db.AddSession(ctx, store.Session{IDHash: "s1", UserID: id, CSRF: "c", CreatedAt: at, ExpiresAt: at.Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
		if s, err := db.SessionByHash(ctx, "s1"); err != nil || s.CSRF != "c" || !s.ExpiresAt.Equal(at.Add(time.Hour)) {
			t.Fatalf("session: %+v %v", s, err)
		}
		// Disabling ends the user's sessions; twice is no error.
		for range 2 {
			if err := db.DisableUser(ctx, "petrova", at.Add(time.Hour)); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := db.SessionByHash(ctx, "s1"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("session of a disabled user: %v", err)
		}
		if err := db.DisableUser(ctx, "nobody", at); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("disable unknown: %v", err)
		}
		if us, err := db.ListUsers(ctx); err != nil || len(us) != 1 || us[0].DisabledAt.IsZero() {
			t.Fatalf("list users: %+v %v", us, err)
		}
	})
}
