package web

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/dozvon/dozvon/auth"
	"github.com/dozvon/dozvon/clock"
	"github.com/dozvon/dozvon/compliance"
	"github.com/dozvon/dozvon/internal/safe"
	"github.com/dozvon/dozvon/store"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Store is what the pages read: the API's queries, with the collector
// scope applied by the store (*store.DB has them all).
type Store interface {
	ListDebtors(ctx context.Context, f store.DebtorFilter) ([]store.DebtorView, string, error)
	DebtorFor(ctx context.Context, id, collector string) (store.DebtorView, error)
	ListCalls(ctx context.Context, f store.CallFilter) ([]store.CallView, string, error)
	CallFor(ctx context.Context, id, collector string) (store.CallView, error)
	Call(ctx context.Context, id string) (store.CallRecord, error)
	Callbacks(ctx context.Context, collector string, until time.Time, limit int) ([]store.Task, error)
	Campaigns(ctx context.Context, state string) ([]store.Campaign, error)
	CampaignCountersOf(ctx context.Context, id string) (store.CampaignCounters, error)
	CampaignDenials(ctx context.Context, id string) ([]store.ReportDenial, error)
	PhoneStatuses(ctx context.Context, status, phone string) ([]store.PhoneStatus, error)
}

// Authenticator says who a request is (auth.Service): the pages answer an
// unauthenticated visitor with the login page, not the API's 401.
type Authenticator interface {
	Authenticate(r *http.Request) (auth.Principal, error)
}

// Users is the admin's user and token management (auth.Service).
type Users interface {
	ListUsers(ctx context.Context) ([]store.User, error)
	AddUser(ctx context.Context, login string, role auth.Role, password string, recordings bool) (int64, error)
	DisableUser(ctx context.Context, login string) error
	CreateToken(ctx context.Context, login, name string, ttl time.Duration) (string, auth.Token, error)
	ListTokens(ctx context.Context, login string) ([]auth.Token, error)
}

// Explainer is the 230-FZ guard's "why (not) now" (*compliance.Guard).
type Explainer interface {
	Explain(ctx context.Context, r compliance.Request, at time.Time) (compliance.Decision, error)
}

// Config is what the pages are made of.
type Config struct {
	Store Store
	Auth  Authenticator
	Users Users     // nil: the users page answers 404
	Guard Explainer // nil: the debtor's card shows no next allowed time
	// ScriptsDir is the scripts directory of GET/PUT /api/v1/scripts ("":
	// no script pages).
	ScriptsDir string
	// Script is the script a collector's campaign runs, as POST
	// /api/v1/campaigns names it (relative to the service's directory).
	Script   string
	Location *time.Location // times on the pages (default Europe/Moscow)
	Clock    clock.Clock
	Log      *slog.Logger
}

// Handler serves the pages. It is an http.Handler, safe for concurrent use.
type Handler struct {
	c    Config
	clk  clock.Clock
	log  *slog.Logger
	mux  *http.ServeMux
	tmpl map[string]*template.Template
}

// page is one line of the pages' table: its pattern, who may open it, and
// its handler. The same kind of table as the API's (api/policy.go), and
// the one place the pages decide who sees what.
type page struct {
	pattern string
	public  bool
	roles   []auth.Role
	h       func(w http.ResponseWriter, r *http.Request, p auth.Principal) error
}

var (
	viewers  = []auth.Role{auth.Admin, auth.Supervisor, auth.Collector}
	managers = []auth.Role{auth.Admin, auth.Supervisor}
	admins   = []auth.Role{auth.Admin}
)

// pages is the table of every page and page action.
func (h *Handler) pages() []page {
	return []page{
		{pattern: "GET /{$}", public: true, h: redirect("/app/")},
		{pattern: "GET /login", public: true, h: h.login},
		{pattern: "GET /static/", public: true, h: h.static},
		{pattern: "GET /app/{$}", roles: viewers, h: h.home},
		{pattern: "GET /app/debtors", roles: viewers, h: h.debtors},
		{pattern: "GET /app/debtors/{id}", roles: viewers, h: h.debtor},
		{pattern: "GET /app/console", roles: managers, h: h.console},
		{pattern: "GET /app/console/dashboard", roles: managers, h: h.dashboard},
		{pattern: "GET /app/quarantine", roles: managers, h: h.quarantine},
		{pattern: "GET /app/scripts", roles: managers, h: h.scriptList},
		{pattern: "GET /app/scripts/{name}", roles: managers, h: h.scriptEditor},
		{pattern: "GET /app/users", roles: admins, h: h.users},
		{pattern: "POST /app/users", roles: admins, h: h.addUser},
		{pattern: "POST /app/users/{login}/disable", roles: admins, h: h.disableUser},
		{pattern: "POST /app/users/{login}/tokens", roles: admins, h: h.createToken},
	}
}

// Patterns lists the table's patterns.
func (h *Handler) Patterns() []string {
	var out []string
	for _, pg := range h.pages() {
		out = append(out, pg.pattern)
	}
	return out
}

// Beside serves the pages beside other (the API) on one listener: each
// page pattern comes here, everything else goes to other (whose own
// catch-all answers the 404s).
func (h *Handler) Beside(other http.Handler) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/", other)
	for _, p := range h.Patterns() {
		mux.Handle(p, h)
	}
	return mux
}

// New parses the embedded templates and returns the pages' handler.
func New(c Config) (*Handler, error) {
	if c.Store == nil || c.Auth == nil {
		return nil, errors.New("web: a store and an authenticator are required")
	}
	if c.Location == nil {
		loc, err := time.LoadLocation("Europe/Moscow")
		if err != nil {
			return nil, fmt.Errorf("web: %w", err)
		}
		c.Location = loc
	}
	h := &Handler{c: c, clk: clock.Or(c.Clock), log: c.Log, mux: http.NewServeMux()}
	if h.log == nil {
		h.log = slog.New(slog.DiscardHandler)
	}
	var err error
	if h.tmpl, err = parseTemplates(c.Location); err != nil {
		return nil, err
	}
	for _, pg := range h.pages() {
		h.mux.Handle(pg.pattern, h.wrap(pg))
	}
	return h, nil
}

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) { h.mux.ServeHTTP(w, r) }

// errForbidden and errNotFound are answered as pages.
var (
	errForbidden = errors.New("forbidden")
	errNotFound  = errors.New("not found")
)

// httpError is an error with the status to answer (an action's bad input).
type httpError struct {
	status int
	msg    string
}

func (e *httpError) Error() string { return e.msg }

// wrap puts a page behind authentication and the table.
func (h *Handler) wrap(pg page) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Referrer-Policy", "same-origin")
		// everything is the service's own: no CDN, no inline script
		w.Header().Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; media-src 'self'; connect-src 'self'; frame-ancestors 'none'")
		var p auth.Principal
		if !pg.public {
			var err error
			if p, err = h.c.Auth.Authenticate(r); err != nil {
				h.authFailed(w, r, err)
				return
			}
			if !slices.Contains(pg.roles, p.Role) || (p.Role == auth.Collector && p.Login == "") {
				h.fail(w, r, p, errForbidden)
				return
			}
		}
		if panicked := safe.Run(h.log, "web "+pg.pattern, func() {
			if err := pg.h(w, r, p); err != nil {
				h.fail(w, r, p, err)
			}
		}); panicked != nil {
			http.Error(w, "Внутренняя ошибка", http.StatusInternalServerError)
		}
	})
}

// authFailed sends a visitor with no session to the login page (an
// action gets the status: it is a script's request, not a visitor's).
func (h *Handler) authFailed(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, auth.ErrCSRF):
		http.Error(w, "Сессия устарела: войдите снова", http.StatusForbidden)
	case !errors.Is(err, auth.ErrUnauthenticated):
		h.log.Error("web: authenticate", "path", r.URL.Path, "err", err)
		http.Error(w, "Внутренняя ошибка", http.StatusInternalServerError)
	case r.Method != http.MethodGet:
		http.Error(w, "Войдите снова", http.StatusUnauthorized)
	default:
		http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
	}
}

// fail answers a page's error as a page (or plain text for an action).
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, p auth.Principal, err error) {
	status, msg := http.StatusInternalServerError, "Внутренняя ошибка"
	var he *httpError
	switch {
	case errors.Is(err, errForbidden):
		status, msg = http.StatusForbidden, "Нет доступа к этой странице"
	case errors.Is(err, errNotFound), errors.Is(err, store.ErrNotFound):
		status, msg = http.StatusNotFound, "Не найдено"
	case errors.As(err, &he):
		status, msg = he.status, he.msg
	default:
		h.log.Error("web: page failed", "path", r.URL.Path, "err", err)
	}
	if r.Method != http.MethodGet {
		http.Error(w, msg, status)
		return
	}
	h.render(w, status, "error", view{Title: msg, P: p, Data: msg})
}

// redirect answers with a redirection to to.
func redirect(to string) func(http.ResponseWriter, *http.Request, auth.Principal) error {
	return func(w http.ResponseWriter, r *http.Request, _ auth.Principal) error {
		http.Redirect(w, r, to, http.StatusSeeOther)
		return nil
	}
}

// static serves the embedded script and style sheet.
func (h *Handler) static(w http.ResponseWriter, r *http.Request, _ auth.Principal) error {
	w.Header().Set("Cache-Control", "no-cache") // revalidated: a new binary's script is seen at once
	sub, err := fs.Sub(staticFS, "static")
	if err != nil {
		return err
	}
	http.StripPrefix("/static/", http.FileServerFS(sub)).ServeHTTP(w, r)
	return nil
}

// home sends each role to its page.
func (h *Handler) home(w http.ResponseWriter, r *http.Request, p auth.Principal) error {
	if p.Role == auth.Collector {
		http.Redirect(w, r, "/app/debtors", http.StatusSeeOther)
	} else {
		http.Redirect(w, r, "/app/console", http.StatusSeeOther)
	}
	return nil
}

// scope is the collector filter of a principal's queries, as the API's.
func scope(p auth.Principal) string {
	if p.Role == auth.Collector {
		return p.Login
	}
	return ""
}
