package auth_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dozvon/dozvon/auth"
	"github.com/dozvon/dozvon/clock"
	"github.com/dozvon/dozvon/internal/logsink"
	"github.com/dozvon/dozvon/store"
)

// fastArgon2 keeps tests quick; TestPasswordHash covers the default cost.
var fastArgon2 = auth.Argon2Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

// fixture is a service on a real SQLite store, a simulated clock and a log
// that the test reads back.
type fixture struct {
	svc *auth.Service
	db  *store.DB
	clk *clock.Sim
	log *logsink.Buffer
}

func newFixture(t *testing.T, sessionTTL time.Duration) *fixture {
	t.Helper()
	db, err := store.Open(t.Context(), "sqlite:"+filepath.Join(t.TempDir(), "d.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	logger, buf := logsink.New()
	f := &fixture{db: db, clk: clock.NewSim(time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)), log: buf}
	if f.svc, err = auth.New(db, f.clk, auth.Options{Argon2: fastArgon2, SessionTTL: sessionTTL, Logger: logger}); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *fixture) addUser(t *testing.T, login string, role auth.Role) {
	t.Helper()
	if _, err := f.svc.AddUser(t.Context(), login, role, "pw-"+login+"-long", false); err != nil {
		t.Fatal(err)
	}
}

func (f *fixture) token(t *testing.T, login string, ttl time.Duration) (string, auth.Token) {
	t.Helper()
	secret, tok, err := f.svc.CreateToken(t.Context(), login, "test", ttl)
	if err != nil {
		t.Fatal(err)
	}
	return secret, tok
}

func (f *fixture) login(t *testing.T, login string) auth.Session {
	t.Helper()
	ss, err := f.svc.Login(t.Context(), login, "pw-"+login+"-long", "192.0.2.1")
	if err != nil {
		t.Fatal(err)
	}
	return ss
}

// TestPasswordHash: the default argon2id parameters round-trip, a wrong
// password does not match, two hashes of one password differ (salt), and a
// malformed or tampered PHC string is ErrBadHash, never a match.
func TestPasswordHash(t *testing.T) {
	t.Parallel()
	h, err := auth.HashPassword("correct horse battery", auth.DefaultArgon2)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=65536,t=3,p=2$") {
		t.Fatalf("PHC string %q", h)
	}
	h2, _ := auth.HashPassword("correct horse battery", fastArgon2)
	parts := strings.Split(h, "$")
	for _, c := range []struct {
		name, hash, password string
		ok                   bool
		bad                  bool
	}{
		{"round trip", h, "correct horse battery", true, false},
		{"wrong password", h, "correct horse batterY", false, false},
		{"empty password", h, "", false, false},
		{"other parameters round trip", h2, "correct horse battery", true, false},
		{"not PHC", "plain", "x", false, true},
		{"argon2i", strings.Replace(h, "argon2id", "argon2i", 1), "correct horse battery", false, true},
		{"huge memory", strings.Join(append(append([]string{}, parts[:3]...), "m=99999999,t=3,p=2", parts[4], parts[5]), "$"), "x", false, true},
		{"bad salt", strings.Join(append(append([]string{}, parts[:4]...), "!!", parts[5]), "$"), "x", false, true},
		{"short key", strings.Join(append(append([]string{}, parts[:5]...), "AAAA"), "$"), "x", false, true},
	} {
		ok, err := auth.VerifyPassword(c.hash, c.password)
		if ok != c.ok || errors.Is(err, auth.ErrBadHash) != c.bad {
			t.Errorf("%s: ok=%v err=%v, want ok=%v bad=%v", c.name, ok, err, c.ok, c.bad)
		}
	}
	if h2b, _ := auth.HashPassword("correct horse battery", fastArgon2); h2b == h2 {
		t.Error("two hashes of one password are equal: no salt")
	}
}

// whoami answers 200 with the principal the middleware put in the context.
var whoami = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	p, ok := auth.FromContext(r.Context())
	if !ok {
		http.Error(w, "no principal", http.StatusInternalServerError)
		return
	}
	json.NewEncoder(w).Encode(p)
})

// TestAuthenticate: every way of presenting a credential through
// Middleware — bearer tokens (good, revoked, expired on the injected clock,
// of a disabled user, in the query string) and session cookies (reads, and
// mutating requests without, with a wrong and with the right CSRF header).
func TestAuthenticate(t *testing.T) {
	t.Parallel()
	f := newFixture(t, time.Hour)
	ctx := t.Context()
	f.addUser(t, "ivanov", auth.Supervisor)
	f.addUser(t, "sidorov", auth.Integration)
	good, _ := f.token(t, "ivanov", 90*24*time.Hour)
	revoked, rt := f.token(t, "ivanov", 90*24*time.Hour)
	if err := f.svc.RevokeToken(ctx, rt.ID); err != nil {
		t.Fatal(err)
	}
	expiring, _ := f.token(t, "ivanov", time.Hour)
	disabledTok, _ := f.token(t, "sidorov", 90*24*time.Hour)
	oldSession := f.login(t, "ivanov")
	disabledSession := f.login(t, "sidorov")
	if err := f.svc.DisableUser(ctx, "sidorov"); err != nil {
		t.Fatal(err)
	}
	f.clk.JumpTo(f.clk.Now().Add(2 * time.Hour)) // the 1 h token and the first session expire
	ss := f.login(t, "ivanov")

	cookie := func(v string) func(*http.Request) {
		return func(r *http.Request) { r.AddCookie(&http.Cookie{Name: auth.CookieName, Value: v}) }
	}
	bearer := func(v string) func(*http.Request) {
		return func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+v) }
	}
	csrf := func(v string) func(*http.Request) {
		return func(r *http.Request) { r.Header.Set(auth.CSRFHeader, v) }
	}
	for _, c := range []struct {
		name   string
		method string
		query  string
		set    []func(*http.Request)
		status int
		code   string
	}{
		{"nothing", "GET", "", nil, 401, "unauthenticated"},
		{"token", "GET", "", []func(*http.Request){bearer(good)}, 200, ""},
		{"token, mutating: no CSRF needed", "POST", "", []func(*http.Request){bearer(good)}, 200, ""},
		{"token, lower-case scheme", "GET", "", []func(*http.Request){func(r *http.Request) { r.Header.Set("Authorization", "bearer "+good) }}, 200, ""},
		{"basic scheme", "GET", "", []func(*http.Request){func(r *http.Request) { r.SetBasicAuth("ivanov", "pw-ivanov-long") }}, 401, "unauthenticated"},
		{"unknown token", "GET", "", []func(*http.Request){bearer("dzv_AAAA")}, 401, "unauthenticated"},
		{"revoked token", "GET", "", []func(*http.Request){bearer(revoked)}, 401, "unauthenticated"},
		{"expired token", "GET", "", []func(*http.Request){bearer(expiring)}, 401, "unauthenticated"},
		{"disabled user's token", "GET", "", []func(*http.Request){bearer(disabledTok)}, 401, "unauthenticated"},
		{"token in the query string", "GET", "access_token=" + url.QueryEscape(good), nil, 401, "unauthenticated"},
		{"token in the query string beside a good header", "GET", "t=" + url.QueryEscape(good), []func(*http.Request){bearer(good)}, 401, "unauthenticated"},
		{"session cookie", "GET", "", []func(*http.Request){cookie(ss.Cookie)}, 200, ""},
		{"session cookie, POST without CSRF", "POST", "", []func(*http.Request){cookie(ss.Cookie)}, 403, "csrf"},
		{"session cookie, DELETE with a wrong CSRF", "DELETE", "", []func(*http.Request){cookie(ss.Cookie), csrf(oldSession.CSRF)}, 403, "csrf"},
		{"session cookie, PUT with the right CSRF", "PUT", "", []func(*http.Request){cookie(ss.Cookie), csrf(ss.CSRF)}, 200, ""},
		{"expired session", "GET", "", []func(*http.Request){cookie(oldSession.Cookie)}, 401, "unauthenticated"},
		{"disabled user's session", "GET", "", []func(*http.Request){cookie(disabledSession.Cookie)}, 401, "unauthenticated"},
		{"made-up session", "GET", "", []func(*http.Request){cookie("x" + ss.Cookie)}, 401, "unauthenticated"},
	} {
		r := httptest.NewRequest(c.method, "/api/v1/debtors?"+c.query, nil)
		for _, s := range c.set {
			s(r)
		}
		w := httptest.NewRecorder()
		f.svc.Middleware(whoami).ServeHTTP(w, r)
		if w.Code != c.status {
			t.Errorf("%s: %d %s, want %d", c.name, w.Code, w.Body, c.status)
			continue
		}
		if c.status == 200 {
			var p auth.Principal
			if err := json.Unmarshal(w.Body.Bytes(), &p); err != nil || p.Login != "ivanov" || p.Role != auth.Supervisor || p.ViaCookie != (c.set[0] != nil && strings.Contains(c.name, "cookie")) {
				t.Errorf("%s: principal %s %v", c.name, w.Body, err)
			}
			continue
		}
		var e struct {
			Error struct{ Code, Message string }
		}
		if err := json.Unmarshal(w.Body.Bytes(), &e); err != nil || e.Error.Code != c.code || e.Error.Message == "" {
			t.Errorf("%s: body %s (%v), want code %q", c.name, w.Body, err, c.code)
		}
	}
	// The expired session is pruned, the live one kept.
	if n, err := f.svc.DeleteExpiredSessions(ctx); err != nil || n != 1 {
		t.Errorf("expired sessions deleted: %d %v, want 1", n, err)
	}
	// The last use of a token is recorded; listings carry no secret.
	ts, err := f.svc.ListTokens(ctx, "ivanov")
	if err != nil || len(ts) != 3 {
		t.Fatalf("tokens: %+v %v", ts, err)
	}
	if ts[2].LastUsedAt.IsZero() {
		t.Errorf("the used token has no last use: %+v", ts[2])
	}
	listing, _ := json.Marshal(ts)
	for _, secret := range []string{good, revoked, expiring} {
		if strings.Contains(string(listing), secret) || strings.Contains(string(listing), secret[len(auth.TokenPrefix):]) {
			t.Errorf("a token listing shows a secret: %s", listing)
		}
	}
	assertNoSecrets(t, f.log.String(), good, revoked, expiring, disabledTok, ss.Cookie, ss.CSRF, oldSession.Cookie, "pw-ivanov-long", "pw-sidorov-long")
}

// assertNoSecrets fails when a log holds a secret or an argon2 hash.
func assertNoSecrets(t *testing.T, log string, secrets ...string) {
	t.Helper()
	if log == "" {
		t.Fatal("nothing was logged: the check below would prove nothing")
	}
	for _, s := range secrets {
		if strings.Contains(log, s) {
			t.Errorf("the log holds a secret %.6s…:\n%s", s, log)
		}
	}
	if strings.Contains(log, "$argon2id$") {
		t.Errorf("the log holds a password hash:\n%s", log)
	}
}

// TestLoginLogoutHTTP: POST /api/v1/login over real HTTP sets the session
// cookie with its attributes (Secure only over TLS) and answers the CSRF
// token; bad bodies are 400 naming the problem, a wrong password 401, the
// sixth attempt in a minute for one login and source 429 (others are
// unaffected); logout needs the CSRF token and ends the session.
func TestLoginLogoutHTTP(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 0)
	f.addUser(t, "petrova", auth.Collector)
	f.addUser(t, "orlov", auth.Admin)
	mux := http.NewServeMux()
	mux.Handle("/api/v1/login", f.svc.LoginHandler())
	mux.Handle("/api/v1/logout", f.svc.LogoutHandler())
	mux.Handle("/api/v1/whoami", f.svc.Middleware(whoami))
	plain := httptest.NewServer(mux)
	defer plain.Close()
	tls := httptest.NewTLSServer(mux)
	defer tls.Close()

	post := func(srv *httptest.Server, path, body string, hdr map[string]string, c *http.Cookie) *http.Response {
		t.Helper()
		req, _ := http.NewRequest("POST", srv.URL+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		if c != nil {
			req.AddCookie(c)
		}
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { resp.Body.Close() })
		return resp
	}
	for _, c := range []struct {
		name, body string
		status     int
		field      string
	}{
		{"not JSON", "login=petrova", 400, ""},
		{"unknown field", `{"login":"petrova","password":"x","remember":true}`, 400, ""},
		{"two objects", `{"login":"petrova","password":"x"}{}`, 400, ""},
		{"no login", `{"password":"x"}`, 400, "login"},
		{"no password", `{"login":"petrova"}`, 400, "password"},
		{"too big", `{"login":"` + strings.Repeat("a", 5000) + `","password":"x"}`, 413, ""},
		{"wrong password", `{"login":"petrova","password":"wrong-password"}`, 401, ""},
		{"unknown login", `{"login":"nobody","password":"wrong-password"}`, 401, ""},
	} {
		resp := post(plain, "/api/v1/login", c.body, nil, nil)
		var e struct {
			Error struct{ Code, Message, Field string }
		}
		json.NewDecoder(resp.Body).Decode(&e)
		if resp.StatusCode != c.status || e.Error.Field != c.field || e.Error.Message == "" || len(resp.Cookies()) != 0 {
			t.Errorf("%s: %d %+v cookies %v, want %d field %q", c.name, resp.StatusCode, e, resp.Cookies(), c.status, c.field)
		}
	}

	for _, srv := range []*httptest.Server{plain, tls} {
		resp := post(srv, "/api/v1/login", `{"login":"orlov","password":"pw-orlov-long"}`, nil, nil)
		var lr auth.LoginResponse
		if err := json.NewDecoder(resp.Body).Decode(&lr); err != nil || resp.StatusCode != 200 || lr.Role != auth.Admin || lr.Login != "orlov" || lr.CSRF == "" {
			t.Fatalf("login: %d %+v %v", resp.StatusCode, lr, err)
		}
		var sc *http.Cookie
		for _, c := range resp.Cookies() {
			if c.Name == auth.CookieName {
				sc = c
			}
		}
		if sc == nil || !sc.HttpOnly || sc.SameSite != http.SameSiteStrictMode || sc.Secure != (srv == tls) || sc.Path != "/" {
			t.Fatalf("session cookie %+v", sc)
		}
		if r := post(srv, "/api/v1/whoami", "", map[string]string{auth.CSRFHeader: lr.CSRF}, sc); r.StatusCode != 200 {
			t.Fatalf("authenticated POST: %d", r.StatusCode)
		}
		if r := post(srv, "/api/v1/logout", "", nil, sc); r.StatusCode != 403 {
			t.Fatalf("logout without CSRF: %d", r.StatusCode)
		}
		if r := post(srv, "/api/v1/logout", "", map[string]string{auth.CSRFHeader: lr.CSRF}, sc); r.StatusCode != 204 {
			t.Fatalf("logout: %d", r.StatusCode)
		}
		if r := post(srv, "/api/v1/whoami", "", map[string]string{auth.CSRFHeader: lr.CSRF}, sc); r.StatusCode != 401 {
			t.Fatalf("after logout: %d", r.StatusCode)
		}
	}

	// petrova: 1 attempt above (bad bodies never reach the password check);
	// 4 more pass the limiter, the sixth is 429 even with the right password;
	// orlov from the same source still logs in.
	for i := range 4 {
		if r := post(plain, "/api/v1/login", `{"login":"petrova","password":"wrong-password"}`, nil, nil); r.StatusCode != 401 {
			t.Fatalf("attempt %d: %d", i+2, r.StatusCode)
		}
	}
	r := post(plain, "/api/v1/login", `{"login":"petrova","password":"pw-petrova-long"}`, nil, nil)
	if r.StatusCode != 429 || r.Header.Get("Retry-After") == "" {
		t.Fatalf("sixth attempt: %d", r.StatusCode)
	}
	if r := post(plain, "/api/v1/login", `{"login":"orlov","password":"pw-orlov-long"}`, nil, nil); r.StatusCode != 200 {
		t.Fatalf("another login from the same source: %d", r.StatusCode)
	}
	f.clk.JumpTo(f.clk.Now().Add(time.Minute)) // the injected clock refills the bucket
	if r := post(plain, "/api/v1/login", `{"login":"petrova","password":"pw-petrova-long"}`, nil, nil); r.StatusCode != 200 {
		t.Fatalf("a minute later: %d", r.StatusCode)
	}
	if r, _ := http.Get(plain.URL + "/api/v1/login"); r.StatusCode != 405 {
		t.Fatalf("GET login: %d", r.StatusCode)
	}
	assertNoSecrets(t, f.log.String(), "pw-petrova-long", "pw-orlov-long", "wrong-password")
}

// TestServiceValidation: bad users, passwords and expiries are errors that
// name the problem; a taken login is store.ErrDuplicateLogin.
func TestServiceValidation(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 0)
	ctx := t.Context()
	f.addUser(t, "ivanov", auth.Admin)
	for _, c := range []struct {
		name string
		err  error
		want string
	}{
		{"short password", func() error { _, err := f.svc.AddUser(ctx, "a", auth.Admin, "short", false); return err }(), "at least 10"},
		{"empty password", func() error { _, err := f.svc.AddUser(ctx, "a", auth.Admin, "   ", false); return err }(), "empty"},
		{"bad role", func() error { _, err := f.svc.AddUser(ctx, "a", "root", "long enough pw", false); return err }(), `role "root"`},
		{"bad login", func() error { _, err := f.svc.AddUser(ctx, "a b", auth.Admin, "long enough pw", false); return err }(), "login"},
		{"duplicate", func() error { _, err := f.svc.AddUser(ctx, "ivanov", auth.Admin, "long enough pw", false); return err }(), store.ErrDuplicateLogin.Error()},
		{"no expiry", func() error { _, _, err := f.svc.CreateToken(ctx, "ivanov", "", 0); return err }(), "positive expiry"},
		{"token of nobody", func() error { _, _, err := f.svc.CreateToken(ctx, "nobody", "", time.Hour); return err }(), "not found"},
		{"short new password", f.svc.SetPassword(ctx, "ivanov", "short"), "at least 10"},
		{"revoke unknown", f.svc.RevokeToken(ctx, 42), "not found"},
	} {
		if c.err == nil || !strings.Contains(c.err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.name, c.err, c.want)
		}
	}
	if err := f.svc.SetPassword(ctx, "ivanov", "a new long password"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Login(ctx, "ivanov", "a new long password", "x"); err != nil {
		t.Fatalf("login with the new password: %v", err)
	}
	if _, err := f.svc.Login(ctx, "ivanov", "pw-ivanov-long", "x"); !errors.Is(err, auth.ErrUnauthenticated) {
		t.Fatalf("login with the old password: %v", err)
	}
}

// BenchmarkHashPassword measures the default argon2id cost (the figure in
// DefaultArgon2's comment).
func BenchmarkHashPassword(b *testing.B) {
	for b.Loop() {
		if _, err := auth.HashPassword("correct horse battery", auth.DefaultArgon2); err != nil {
			b.Fatal(err)
		}
	}
}
