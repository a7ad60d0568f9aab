package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// usersSchema is migration step 9: who may use the service (issue 13).
// Secrets are never stored: pass_hash is an argon2id PHC string, token_hash
// and id_hash are SHA-256 of random secrets shown once. 0 is "never" for the
// instants (disabled_at, expires_at, revoked_at, last_used_at).
const usersSchema = `CREATE TABLE users (
		id {{id}},
		login TEXT NOT NULL UNIQUE,
		role TEXT NOT NULL,
		pass_hash TEXT NOT NULL,
		recordings_grant INTEGER NOT NULL DEFAULT 0,
		created_at BIGINT NOT NULL,
		disabled_at BIGINT NOT NULL DEFAULT 0
	);
	CREATE TABLE api_tokens (
		id {{id}},
		user_id BIGINT NOT NULL REFERENCES users(id),
		name TEXT NOT NULL DEFAULT '',
		token_hash TEXT NOT NULL UNIQUE,
		created_at BIGINT NOT NULL,
		expires_at BIGINT NOT NULL DEFAULT 0,
		revoked_at BIGINT NOT NULL DEFAULT 0,
		last_used_at BIGINT NOT NULL DEFAULT 0
	);
	CREATE INDEX api_tokens_user ON api_tokens(user_id);
	CREATE TABLE sessions (
		id_hash TEXT PRIMARY KEY,
		user_id BIGINT NOT NULL REFERENCES users(id),
		csrf TEXT NOT NULL,
		created_at BIGINT NOT NULL,
		expires_at BIGINT NOT NULL
	);
	CREATE INDEX sessions_user ON sessions(user_id)`

// ErrDuplicateLogin is returned when a user with that login already exists.
var ErrDuplicateLogin = errors.New("login already exists")

// User is a person or system that uses the service. Role is the auth
// package's role name; the store keeps it as text.
type User struct {
	ID         int64
	Login      string
	Role       string
	PassHash   string
	Recordings bool // granted access to call recordings (integrations)
	CreatedAt  time.Time
	DisabledAt time.Time // zero: active
}

// APIToken is a bearer token of a user, known by its hash only.
type APIToken struct {
	ID         int64
	UserID     int64
	Name       string
	Hash       string
	CreatedAt  time.Time
	ExpiresAt  time.Time // zero: never
	RevokedAt  time.Time // zero: not revoked
	LastUsedAt time.Time // zero: never used
}

// Session is a browser's login, known by the hash of its cookie value.
type Session struct {
	IDHash    string
	UserID    int64
	CSRF      string
	CreatedAt time.Time
	ExpiresAt time.Time
}

const userCols = `id, login, role, pass_hash, recordings_grant, created_at, disabled_at`

func scanUser(row interface{ Scan(...any) error }) (User, error) {
	var u User
	var rec int
	var created, disabled int64
	if err := row.Scan(&u.ID, &u.Login, &u.Role, &u.PassHash, &rec, &created, &disabled); err != nil {
		return User{}, err
	}
	u.Recordings, u.CreatedAt, u.DisabledAt = rec != 0, fromNS(created), fromNS(disabled)
	return u, nil
}

// AddUser stores u and returns its id; a taken login is ErrDuplicateLogin.
func (db *DB) AddUser(ctx context.Context, u User) (int64, error) {
	if u.Login == "" || u.Role == "" || u.PassHash == "" {
		return 0, fmt.Errorf("add user %q: login, role and password hash are required", u.Login)
	}
	// ON CONFLICT … DO NOTHING RETURNING: no row back means the login is
	// taken, told apart from other failures without parsing driver errors.
	var id int64
	err := db.sql.QueryRowContext(ctx, db.q(`INSERT INTO users (login, role, pass_hash, recordings_grant, created_at, disabled_at)
		VALUES (?, ?, ?, ?, ?, 0) ON CONFLICT (login) DO NOTHING RETURNING id`),
		u.Login, u.Role, u.PassHash, boolInt(u.Recordings), ns(u.CreatedAt)).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("add user %q: %w", u.Login, ErrDuplicateLogin)
	}
	if err != nil {
		return 0, fmt.Errorf("add user %q: %w", u.Login, err)
	}
	return id, nil
}

// UserByLogin returns the user with that login, or ErrNotFound.
func (db *DB) UserByLogin(ctx context.Context, login string) (User, error) {
	return db.userWhere(ctx, "login", login, fmt.Sprintf("user %q", login))
}

// UserByID returns the user with that id, or ErrNotFound.
func (db *DB) UserByID(ctx context.Context, id int64) (User, error) {
	return db.userWhere(ctx, "id", id, fmt.Sprintf("user %d", id))
}

// userWhere reads the one user whose column col (a constant) is key.
func (db *DB) userWhere(ctx context.Context, col string, key any, op string) (User, error) {
	u, err := scanUser(db.rd.QueryRowContext(ctx, db.q(`SELECT `+userCols+` FROM users WHERE `+col+` = ?`), key))
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, fmt.Errorf("%s: %w", op, ErrNotFound)
	}
	if err != nil {
		return User{}, fmt.Errorf("%s: %w", op, err)
	}
	return u, nil
}

// ListUsers returns every user by login.
func (db *DB) ListUsers(ctx context.Context) ([]User, error) {
	return queryAll(ctx, db, "list users", scanUser, `SELECT `+userCols+` FROM users ORDER BY login`)
}

// queryAll reads every row of a query with scan; errors name op.
func queryAll[T any](ctx context.Context, db *DB, op string, scan func(interface{ Scan(...any) error }) (T, error), query string, args ...any) ([]T, error) {
	rows, err := db.rd.QueryContext(ctx, db.q(query), args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", op, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	return out, nil
}

// execOne runs a statement that must change exactly one row: none is
// ErrNotFound under op.
func (db *DB) execOne(ctx context.Context, op, query string, args ...any) error {
	res, err := db.sql.ExecContext(ctx, db.q(query), args...)
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("%s: %w", op, err)
	} else if n == 0 {
		return fmt.Errorf("%s: %w", op, ErrNotFound)
	}
	return nil
}

// SetPasswordHash replaces a user's password hash.
func (db *DB) SetPasswordHash(ctx context.Context, login, hash string) error {
	return db.execOne(ctx, fmt.Sprintf("set password of %q", login), `UPDATE users SET pass_hash = ? WHERE login = ?`, hash, login)
}

// DisableUser marks a user disabled at at (kept for the audit trail, never
// deleted) and ends its sessions; its tokens stop working as the auth
// package checks disabled_at on every request.
func (db *DB) DisableUser(ctx context.Context, login string, at time.Time) error {
	op := fmt.Sprintf("disable user %q", login)
	if err := db.execOne(ctx, op, `UPDATE users SET disabled_at = ? WHERE login = ? AND disabled_at = 0`, ns(at), login); err != nil {
		if _, e := db.UserByLogin(ctx, login); e == nil {
			return nil // already disabled
		}
		return err
	}
	if _, err := db.sql.ExecContext(ctx, db.q(`DELETE FROM sessions WHERE user_id = (SELECT id FROM users WHERE login = ?)`), login); err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	return nil
}

const tokenCols = `id, user_id, name, token_hash, created_at, expires_at, revoked_at, last_used_at`

func scanToken(row interface{ Scan(...any) error }) (APIToken, error) {
	var t APIToken
	var c, e, r, l int64
	if err := row.Scan(&t.ID, &t.UserID, &t.Name, &t.Hash, &c, &e, &r, &l); err != nil {
		return APIToken{}, err
	}
	t.CreatedAt, t.ExpiresAt, t.RevokedAt, t.LastUsedAt = fromNS(c), fromNS(e), fromNS(r), fromNS(l)
	return t, nil
}

// AddToken stores a token (by its hash) and returns its id.
func (db *DB) AddToken(ctx context.Context, t APIToken) (int64, error) {
	var id int64
	err := db.sql.QueryRowContext(ctx, db.q(`INSERT INTO api_tokens (user_id, name, token_hash, created_at, expires_at, revoked_at, last_used_at)
		VALUES (?, ?, ?, ?, ?, 0, 0) RETURNING id`), t.UserID, t.Name, t.Hash, ns(t.CreatedAt), ns(t.ExpiresAt)).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("add token for user %d: %w", t.UserID, err)
	}
	return id, nil
}

// TokenByHash returns the token with that hash, or ErrNotFound.
func (db *DB) TokenByHash(ctx context.Context, hash string) (APIToken, error) {
	t, err := scanToken(db.rd.QueryRowContext(ctx, db.q(`SELECT `+tokenCols+` FROM api_tokens WHERE token_hash = ?`), hash))
	if errors.Is(err, sql.ErrNoRows) {
		return APIToken{}, fmt.Errorf("token: %w", ErrNotFound)
	}
	if err != nil {
		return APIToken{}, fmt.Errorf("token: %w", err)
	}
	return t, nil
}

// ListTokens returns a user's tokens, newest first.
func (db *DB) ListTokens(ctx context.Context, userID int64) ([]APIToken, error) {
	return queryAll(ctx, db, "list tokens", scanToken, `SELECT `+tokenCols+` FROM api_tokens WHERE user_id = ? ORDER BY id DESC`, userID)
}

// TouchToken records that a token was used at at.
func (db *DB) TouchToken(ctx context.Context, id int64, at time.Time) error {
	return db.execOne(ctx, fmt.Sprintf("touch token %d", id), `UPDATE api_tokens SET last_used_at = ? WHERE id = ?`, ns(at), id)
}

// RevokeToken revokes a token at at; revoking a revoked token keeps the
// first instant; an unknown id is ErrNotFound.
func (db *DB) RevokeToken(ctx context.Context, id int64, at time.Time) error {
	return db.execOne(ctx, fmt.Sprintf("revoke token %d", id),
		`UPDATE api_tokens SET revoked_at = CASE WHEN revoked_at = 0 THEN ? ELSE revoked_at END WHERE id = ?`, ns(at), id)
}

// AddSession stores a browser session.
func (db *DB) AddSession(ctx context.Context, s Session) error {
	if _, err := db.sql.ExecContext(ctx, db.q(`INSERT INTO sessions (id_hash, user_id, csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`),
		s.IDHash, s.UserID, s.CSRF, ns(s.CreatedAt), ns(s.ExpiresAt)); err != nil {
		return fmt.Errorf("add session for user %d: %w", s.UserID, err)
	}
	return nil
}

// SessionByHash returns the session with that id hash, or ErrNotFound.
func (db *DB) SessionByHash(ctx context.Context, hash string) (Session, error) {
	var s Session
	var c, e int64
	err := db.rd.QueryRowContext(ctx, db.q(`SELECT id_hash, user_id, csrf, created_at, expires_at FROM sessions WHERE id_hash = ?`), hash).
		Scan(&s.IDHash, &s.UserID, &s.CSRF, &c, &e)
	if errors.Is(err, sql.ErrNoRows) {
		return Session{}, fmt.Errorf("session: %w", ErrNotFound)
	}
	if err != nil {
		return Session{}, fmt.Errorf("session: %w", err)
	}
	s.CreatedAt, s.ExpiresAt = fromNS(c), fromNS(e)
	return s, nil
}

// DeleteSession ends a session; an unknown one is no error (logging out twice).
func (db *DB) DeleteSession(ctx context.Context, hash string) error {
	if _, err := db.sql.ExecContext(ctx, db.q(`DELETE FROM sessions WHERE id_hash = ?`), hash); err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

// DeleteExpiredSessions removes sessions expired before at and returns how many.
func (db *DB) DeleteExpiredSessions(ctx context.Context, at time.Time) (int64, error) {
	res, err := db.sql.ExecContext(ctx, db.q(`DELETE FROM sessions WHERE expires_at <= ?`), ns(at))
	if err != nil {
		return 0, fmt.Errorf("delete expired sessions: %w", err)
	}
	n, _ := res.RowsAffected()
	return n, nil
}
