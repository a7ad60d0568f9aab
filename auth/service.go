package auth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/dozvon/dozvon/clock"
	"github.com/dozvon/dozvon/store"
)

// ErrUnauthenticated means the request carries no valid credential: none,
// unknown, expired, revoked, a disabled user, or a token in the URL.
var ErrUnauthenticated = errors.New("unauthenticated")

// ErrCSRF means a cookie-authenticated mutating request lacks the session's
// CSRF token in the X-CSRF-Token header.
var ErrCSRF = errors.New("missing or wrong X-CSRF-Token")

// ErrRateLimited means too many login attempts for a login from one source.
var ErrRateLimited = errors.New("too many login attempts")

// Names on the wire.
const (
	CookieName = "dozvon_session"
	CSRFHeader = "X-CSRF-Token"
)

// Store is what the service needs of the store (*store.DB has it).
type Store interface {
	AddUser(ctx context.Context, u store.User) (int64, error)
	UserByLogin(ctx context.Context, login string) (store.User, error)
	UserByID(ctx context.Context, id int64) (store.User, error)
	ListUsers(ctx context.Context) ([]store.User, error)
	SetPasswordHash(ctx context.Context, login, hash string) error
	DisableUser(ctx context.Context, login string, at time.Time) error
	AddToken(ctx context.Context, t store.APIToken) (int64, error)
	TokenByHash(ctx context.Context, hash string) (store.APIToken, error)
	ListTokens(ctx context.Context, userID int64) ([]store.APIToken, error)
	TouchToken(ctx context.Context, id int64, at time.Time) error
	RevokeToken(ctx context.Context, id int64, at time.Time) error
	AddSession(ctx context.Context, s store.Session) error
	SessionByHash(ctx context.Context, hash string) (store.Session, error)
	DeleteSession(ctx context.Context, hash string) error
	DeleteExpiredSessions(ctx context.Context, at time.Time) (int64, error)
}

// Service answers "who is this request" from the store: users, tokens and
// browser sessions. It is safe for concurrent use.
type Service struct {
	st         Store
	clk        clock.Clock
	log        *slog.Logger
	params     Argon2Params
	sessionTTL time.Duration
	hashing    chan struct{} // argon2 runs at most cap() at a time
	limiter    *loginLimiter
	dummyHash  string // verified against when the login is unknown
}

// Options tune a Service; zero values take the defaults.
type Options struct {
	Argon2     Argon2Params  // DefaultArgon2
	SessionTTL time.Duration // 12 h: a working day, then log in again
	Logger     *slog.Logger  // slog.Default()
}

// New returns a service on st with clk's time.
func New(st Store, clk clock.Clock, o Options) (*Service, error) {
	if o.Argon2 == (Argon2Params{}) {
		o.Argon2 = DefaultArgon2
	}
	if o.SessionTTL <= 0 {
		o.SessionTTL = 12 * time.Hour
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	s := &Service{st: st, clk: clock.Or(clk), log: o.Logger, params: o.Argon2, sessionTTL: o.SessionTTL,
		hashing: make(chan struct{}, 2), limiter: newLoginLimiter()}
	dummy, err := HashPassword("not a password of anyone", s.params)
	if err != nil {
		return nil, err
	}
	s.dummyHash = dummy
	return s, nil
}

// hash and verify run argon2 under the service's concurrency bound.
func (s *Service) hash(ctx context.Context, password string) (string, error) {
	if err := s.acquire(ctx); err != nil {
		return "", err
	}
	defer func() { <-s.hashing }()
	return HashPassword(password, s.params)
}

func (s *Service) verify(ctx context.Context, encoded, password string) (bool, error) {
	if err := s.acquire(ctx); err != nil {
		return false, err
	}
	defer func() { <-s.hashing }()
	return VerifyPassword(encoded, password)
}

func (s *Service) acquire(ctx context.Context) error {
	select {
	case s.hashing <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func checkPassword(password string) error {
	if strings.TrimSpace(password) == "" {
		return errors.New("password is empty")
	}
	if n := len([]rune(password)); n < MinPasswordLen {
		return fmt.Errorf("password is %d characters: want at least %d", n, MinPasswordLen)
	}
	return nil
}

// AddUser creates a user; a taken login is store.ErrDuplicateLogin.
func (s *Service) AddUser(ctx context.Context, login string, role Role, password string, recordings bool) (int64, error) {
	if err := checkLogin(login); err != nil {
		return 0, fmt.Errorf("add user: %w", err)
	}
	if _, err := ParseRole(string(role)); err != nil {
		return 0, fmt.Errorf("add user %q: %w", login, err)
	}
	if err := checkPassword(password); err != nil {
		return 0, fmt.Errorf("add user %q: %w", login, err)
	}
	h, err := s.hash(ctx, password)
	if err != nil {
		return 0, fmt.Errorf("add user %q: %w", login, err)
	}
	id, err := s.st.AddUser(ctx, store.User{Login: login, Role: string(role), PassHash: h, Recordings: recordings, CreatedAt: s.clk.Now()})
	if err != nil {
		return 0, err
	}
	s.log.Info("auth: user added", "login", login, "role", role)
	return id, nil
}

// checkLogin keeps logins printable and short: they appear in logs, the
// command line and the debtors.collector column.
func checkLogin(login string) error {
	if login == "" || len(login) > 64 {
		return fmt.Errorf("login %q: want 1 to 64 characters", login)
	}
	for _, r := range login {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("._@-", r)) {
			return fmt.Errorf("login %q: only latin letters, digits and . _ @ -", login)
		}
	}
	return nil
}

// SetPassword replaces a user's password.
func (s *Service) SetPassword(ctx context.Context, login, password string) error {
	if err := checkPassword(password); err != nil {
		return fmt.Errorf("set password of %q: %w", login, err)
	}
	h, err := s.hash(ctx, password)
	if err != nil {
		return fmt.Errorf("set password of %q: %w", login, err)
	}
	if err := s.st.SetPasswordHash(ctx, login, h); err != nil {
		return err
	}
	s.log.Info("auth: password changed", "login", login)
	return nil
}

// DisableUser stops a user: its sessions end and its tokens stop working.
func (s *Service) DisableUser(ctx context.Context, login string) error {
	if err := s.st.DisableUser(ctx, login, s.clk.Now()); err != nil {
		return err
	}
	s.log.Info("auth: user disabled", "login", login)
	return nil
}

// ListUsers returns every user (the hashes stay in the store's rows; print
// only what a listing needs).
func (s *Service) ListUsers(ctx context.Context) ([]store.User, error) {
	return s.st.ListUsers(ctx)
}

// Token is what a listing shows of a token: never the secret or its hash.
type Token struct {
	ID         int64     `json:"id"`
	Name       string    `json:"name"`
	CreatedAt  time.Time `json:"created_at"`
	ExpiresAt  time.Time `json:"expires_at"`
	RevokedAt  time.Time `json:"revoked_at,omitzero"`
	LastUsedAt time.Time `json:"last_used_at,omitzero"`
}

// CreateToken makes a bearer token for login valid for ttl and returns it:
// the only time the secret exists outside the caller's hands.
func (s *Service) CreateToken(ctx context.Context, login, name string, ttl time.Duration) (string, Token, error) {
	if ttl <= 0 {
		return "", Token{}, fmt.Errorf("create token for %q: ttl %v: want a positive expiry", login, ttl)
	}
	u, err := s.st.UserByLogin(ctx, login)
	if err != nil {
		return "", Token{}, fmt.Errorf("create token: %w", err)
	}
	if !u.DisabledAt.IsZero() {
		return "", Token{}, fmt.Errorf("create token for %q: user is disabled", login)
	}
	secret, err := newSecret(TokenPrefix)
	if err != nil {
		return "", Token{}, err
	}
	now := s.clk.Now()
	t := store.APIToken{UserID: u.ID, Name: name, Hash: secretHash(secret), CreatedAt: now, ExpiresAt: now.Add(ttl)}
	if t.ID, err = s.st.AddToken(ctx, t); err != nil {
		return "", Token{}, err
	}
	s.log.Info("auth: token created", "login", login, "token_id", t.ID, "expires", t.ExpiresAt)
	return secret, tokenView(t), nil
}

func tokenView(t store.APIToken) Token {
	return Token{ID: t.ID, Name: t.Name, CreatedAt: t.CreatedAt, ExpiresAt: t.ExpiresAt, RevokedAt: t.RevokedAt, LastUsedAt: t.LastUsedAt}
}

// ListTokens lists login's tokens without their secrets.
func (s *Service) ListTokens(ctx context.Context, login string) ([]Token, error) {
	u, err := s.st.UserByLogin(ctx, login)
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	ts, err := s.st.ListTokens(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	out := make([]Token, len(ts))
	for i, t := range ts {
		out[i] = tokenView(t)
	}
	return out, nil
}

// RevokeToken revokes the token with id at once.
func (s *Service) RevokeToken(ctx context.Context, id int64) error {
	if err := s.st.RevokeToken(ctx, id, s.clk.Now()); err != nil {
		return err
	}
	s.log.Info("auth: token revoked", "token_id", id)
	return nil
}

// Session is a browser login: Cookie goes in the dozvon_session cookie,
// CSRF to the page, which sends it back in X-CSRF-Token.
type Session struct {
	Cookie    string
	CSRF      string
	Login     string
	Role      Role
	ExpiresAt time.Time
}

// Login checks a password and opens a session. source is the client's
// address, for the attempt limit. A wrong login or password is
// ErrUnauthenticated (which of the two is not said), too many attempts
// ErrRateLimited.
func (s *Service) Login(ctx context.Context, login, password, source string) (Session, error) {
	now := s.clk.Now()
	if !s.limiter.allow(login, source, now) {
		s.log.Warn("auth: login rate-limited", "login", login, "source", source)
		return Session{}, ErrRateLimited
	}
	u, err := s.st.UserByLogin(ctx, login)
	known := err == nil
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return Session{}, fmt.Errorf("login: %w", err)
	}
	hash := u.PassHash
	if !known {
		// Spend the same argon2 time on an unknown login, so timing does not
		// tell which logins exist.
		hash = s.dummyHash
	}
	ok, err := s.verify(ctx, hash, password)
	if err != nil {
		return Session{}, fmt.Errorf("login %q: %w", login, err)
	}
	if !ok || !known || !u.DisabledAt.IsZero() {
		s.log.Info("auth: login refused", "login", login, "source", source)
		return Session{}, fmt.Errorf("wrong login or password: %w", ErrUnauthenticated)
	}
	role, err := ParseRole(u.Role)
	if err != nil {
		return Session{}, fmt.Errorf("login %q: stored %w", login, err)
	}
	cookie, err := newSecret("")
	if err != nil {
		return Session{}, err
	}
	csrf, err := newSecret("")
	if err != nil {
		return Session{}, err
	}
	ss := Session{Cookie: cookie, CSRF: csrf, Login: u.Login, Role: role, ExpiresAt: now.Add(s.sessionTTL)}
	if err := s.st.AddSession(ctx, store.Session{IDHash: secretHash(cookie), UserID: u.ID, CSRF: csrf, CreatedAt: now, ExpiresAt: ss.ExpiresAt}); err != nil {
		return Session{}, err
	}
	s.log.Info("auth: logged in", "login", login, "source", source)
	return ss, nil
}

// Logout ends the session whose cookie value is cookie.
func (s *Service) Logout(ctx context.Context, cookie string) error {
	return s.st.DeleteSession(ctx, secretHash(cookie))
}

// DeleteExpiredSessions removes ended sessions from the store (an expired
// one is refused anyway; this keeps the table small). serve runs it now and
// then.
func (s *Service) DeleteExpiredSessions(ctx context.Context) (int64, error) {
	return s.st.DeleteExpiredSessions(ctx, s.clk.Now())
}

// PruneSessions deletes expired sessions every period until ctx ends:
// they are refused anyway, but a session table should not grow for ever.
func (s *Service) PruneSessions(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if n, err := s.DeleteExpiredSessions(ctx); err != nil {
				s.log.Warn("pruning expired sessions", "err", err)
			} else if n > 0 {
				s.log.Debug("expired sessions pruned", "count", n)
			}
		}
	}
}

// tokenInURL says whether a query string carries something that looks like
// a credential: URLs end up in proxy logs, browser history and Referer
// headers, so such a request is refused outright rather than ignored.
func tokenInURL(r *http.Request) bool {
	q := r.URL.Query()
	for k, vs := range q {
		switch strings.ToLower(k) {
		case "token", "access_token", "api_key", "apikey", "session", CookieName:
			return true
		}
		for _, v := range vs {
			if strings.HasPrefix(v, TokenPrefix) {
				return true
			}
		}
	}
	return false
}

func mutating(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace:
		return false
	}
	return true
}

// Authenticate says who r is: a bearer token in the Authorization header,
// else the session cookie (then a mutating method must carry the session's
// CSRF token). Invalid credentials are ErrUnauthenticated or ErrCSRF
// (wrapped with the reason); other errors are the store's.
func (s *Service) Authenticate(r *http.Request) (Principal, error) {
	ctx := r.Context()
	if tokenInURL(r) {
		return Principal{}, fmt.Errorf("credentials in the URL are not accepted, send Authorization: Bearer: %w", ErrUnauthenticated)
	}
	now := s.clk.Now()
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, secret, ok := strings.Cut(h, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(secret) == "" {
			return Principal{}, fmt.Errorf("authorization header: want Bearer TOKEN: %w", ErrUnauthenticated)
		}
		t, err := s.st.TokenByHash(ctx, secretHash(strings.TrimSpace(secret)))
		switch {
		case err != nil:
			return Principal{}, lookupErr(err, "unknown token")
		case !t.RevokedAt.IsZero():
			return Principal{}, fmt.Errorf("token %d revoked: %w", t.ID, ErrUnauthenticated)
		case !t.ExpiresAt.IsZero() && !now.Before(t.ExpiresAt):
			return Principal{}, fmt.Errorf("token %d expired: %w", t.ID, ErrUnauthenticated)
		}
		p, err := s.principal(ctx, t.UserID)
		if err != nil {
			return Principal{}, err
		}
		// last_used_at at minute precision: a write per request would queue
		// every API read behind SQLite's one writer.
		if now.Sub(t.LastUsedAt) >= time.Minute {
			if err := s.st.TouchToken(ctx, t.ID, now); err != nil {
				s.log.Warn("auth: token last use not recorded", "token_id", t.ID, "err", err)
			}
		}
		return p, nil
	}
	c, err := r.Cookie(CookieName)
	if err != nil || c.Value == "" {
		return Principal{}, fmt.Errorf("no credentials: log in or send Authorization: Bearer: %w", ErrUnauthenticated)
	}
	ss, err := s.st.SessionByHash(ctx, secretHash(c.Value))
	switch {
	case err != nil:
		return Principal{}, lookupErr(err, "session ended")
	case !now.Before(ss.ExpiresAt):
		return Principal{}, fmt.Errorf("session expired: %w", ErrUnauthenticated)
	}
	p, err := s.principal(ctx, ss.UserID)
	if err != nil {
		return Principal{}, err
	}
	if mutating(r.Method) && !sameSecret(r.Header.Get(CSRFHeader), ss.CSRF) {
		return Principal{}, ErrCSRF
	}
	p.ViaCookie = true
	return p, nil
}

// principal loads an active user as a Principal.
func (s *Service) principal(ctx context.Context, userID int64) (Principal, error) {
	u, err := s.st.UserByID(ctx, userID)
	switch {
	case err != nil:
		return Principal{}, lookupErr(err, "user gone")
	case !u.DisabledAt.IsZero():
		return Principal{}, fmt.Errorf("user disabled: %w", ErrUnauthenticated)
	}
	role, err := ParseRole(u.Role)
	if err != nil {
		return Principal{}, fmt.Errorf("authenticate: stored %w", err)
	}
	return Principal{UserID: u.ID, Login: u.Login, Role: role, Recordings: u.Recordings}, nil
}

// lookupErr is a failed credential lookup: a missing row is
// unauthenticated (said as what), anything else the store's failure.
func lookupErr(err error, what string) error {
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("%s: %w", what, ErrUnauthenticated)
	}
	return fmt.Errorf("authenticate: %w", err)
}
