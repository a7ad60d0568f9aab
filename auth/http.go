package auth

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// errorBody is the API's error envelope: {"error":{"code","message","field"}}.
type errorBody struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Field   string `json:"field,omitempty"`
	} `json:"error"`
}

func writeError(w http.ResponseWriter, status int, code, msg, field string) {
	var b errorBody
	b.Error.Code, b.Error.Message, b.Error.Field = code, msg, field
	writeJSON(w, status, b)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v) // the status is sent; a broken client connection has nothing left to tell
}

// writeAuthError answers an Authenticate error: 401 unauthenticated, 403
// csrf, else 500 (the store failed; its error is logged, not shown).
func (s *Service) writeAuthError(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, ErrCSRF):
		writeError(w, http.StatusForbidden, "csrf", "a mutating request with a session cookie must carry the session's CSRF token in "+CSRFHeader, "")
	case errors.Is(err, ErrUnauthenticated):
		w.Header().Set("WWW-Authenticate", `Bearer realm="dozvon"`)
		writeError(w, http.StatusUnauthorized, "unauthenticated", strings.TrimSuffix(err.Error(), ": "+ErrUnauthenticated.Error()), "")
	default:
		s.log.Error("auth: authenticate", "path", r.URL.Path, "err", err)
		writeError(w, http.StatusInternalServerError, "internal", "authentication failed on the server", "")
	}
}

// Middleware authenticates every request and puts its Principal in the
// context (FromContext); a request that is not authenticated never reaches
// next.
func (s *Service) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := s.Authenticate(r)
		if err != nil {
			s.writeAuthError(w, r, err)
			return
		}
		next.ServeHTTP(w, r.WithContext(WithPrincipal(r.Context(), p)))
	})
}

// source is the client's address for the login limit: the TCP peer, not a
// forwarded-for header a client can write itself.
func source(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// postOnly answers 405 to anything but POST and says whether r is one.
func postOnly(w http.ResponseWriter, r *http.Request) bool {
	if r.Method == http.MethodPost {
		return true
	}
	w.Header().Set("Allow", http.MethodPost)
	writeError(w, http.StatusMethodNotAllowed, "method_not_allowed", "use POST", "")
	return false
}

// LoginResponse is what POST /api/v1/login answers (the cookie is set apart).
type LoginResponse struct {
	CSRF  string `json:"csrf"`
	Role  Role   `json:"role"`
	Login string `json:"login"`
}

const maxLoginBody = 4 << 10

// LoginHandler serves POST /api/v1/login: JSON {login, password} → the
// dozvon_session cookie (HttpOnly, SameSite=Strict, Secure over TLS) and
// {csrf, role, login}. Mount it outside Middleware.
func (s *Service) LoginHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !postOnly(w, r) {
			return
		}
		if tokenInURL(r) {
			writeError(w, http.StatusBadRequest, "bad_request", "credentials in the URL are not accepted", "")
			return
		}
		var req struct {
			Login    string `json:"login"`
			Password string `json:"password"`
		}
		dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxLoginBody))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&req); err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				writeError(w, http.StatusRequestEntityTooLarge, "too_large", fmt.Sprintf("body over %d bytes", maxLoginBody), "")
				return
			}
			writeError(w, http.StatusBadRequest, "bad_request", "body: want JSON {\"login\",\"password\"}: "+err.Error(), "")
			return
		}
		if _, err := dec.Token(); err != io.EOF {
			writeError(w, http.StatusBadRequest, "bad_request", "body: one JSON object only", "")
			return
		}
		if req.Login == "" {
			writeError(w, http.StatusBadRequest, "bad_request", "login is required", "login")
			return
		}
		if req.Password == "" {
			writeError(w, http.StatusBadRequest, "bad_request", "password is required", "password")
			return
		}
		ss, err := s.Login(r.Context(), req.Login, req.Password, source(r))
		switch {
		case errors.Is(err, ErrRateLimited):
			w.Header().Set("Retry-After", strconv.Itoa(int(loginRefill/time.Second)))
			writeError(w, http.StatusTooManyRequests, "rate_limited", "too many login attempts: wait a minute", "")
			return
		case errors.Is(err, ErrUnauthenticated):
			writeError(w, http.StatusUnauthorized, "unauthenticated", "wrong login or password", "")
			return
		case err != nil:
			s.log.Error("auth: login", "err", err)
			writeError(w, http.StatusInternalServerError, "internal", "login failed on the server", "")
			return
		}
		http.SetCookie(w, &http.Cookie{Name: CookieName, Value: ss.Cookie, Path: "/", Expires: ss.ExpiresAt,
			HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil})
		writeJSON(w, http.StatusOK, LoginResponse{CSRF: ss.CSRF, Role: ss.Role, Login: ss.Login})
	})
}

// LogoutHandler serves POST /api/v1/logout: the session (authenticated with
// its CSRF token) ends and the cookie is cleared; 204. Mount it outside
// Middleware (it authenticates itself).
func (s *Service) LogoutHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !postOnly(w, r) {
			return
		}
		r.Header.Del("Authorization") // logout is of the browser session only
		if _, err := s.Authenticate(r); err != nil {
			s.writeAuthError(w, r, err)
			return
		}
		c, _ := r.Cookie(CookieName) // present: Authenticate found the session by it
		if err := s.Logout(r.Context(), c.Value); err != nil {
			s.log.Error("auth: logout", "err", err)
			writeError(w, http.StatusInternalServerError, "internal", "logout failed on the server", "")
			return
		}
		http.SetCookie(w, &http.Cookie{Name: CookieName, Value: "", Path: "/", MaxAge: -1,
			HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil})
		w.WriteHeader(http.StatusNoContent)
	})
}
