package api

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/dozvon/dozvon/auth"
	"github.com/dozvon/dozvon/clock"
	"github.com/dozvon/dozvon/internal/safe"
	"github.com/dozvon/dozvon/portfolio"
	"github.com/dozvon/dozvon/scheduler"
	"github.com/dozvon/dozvon/store"
)

// Authenticator says who sent a request: its middleware puts the
// auth.Principal in the request's context (auth.WithPrincipal) when the
// credentials are good. A request it lets through without one is answered
// 401 by the policy wrapper.
type Authenticator interface {
	Middleware(http.Handler) http.Handler
}

// Store is what the API reads and writes.
type Store interface {
	portfolio.Writer
	ListDebtors(ctx context.Context, f store.DebtorFilter) ([]store.DebtorView, string, error)
	DebtorFor(ctx context.Context, id, collector string) (store.DebtorView, error)
	AssignCollector(ctx context.Context, debtorID, login string) error
	ListCalls(ctx context.Context, f store.CallFilter) ([]store.CallView, string, error)
	CallFor(ctx context.Context, id, collector string) (store.CallView, error)
	Call(ctx context.Context, id string) (store.CallRecord, error)
	Upload(ctx context.Context, sha string) ([]byte, bool, error)
	SaveUpload(ctx context.Context, sha string, report []byte, source string, at time.Time) ([]byte, bool, error)
	OpsStore
}

// Check is one readiness probe of /readyz: nil when its part is ready.
type Check func(ctx context.Context) error

// Config is what a Server is made of.
type Config struct {
	Store Store
	Auth  Authenticator
	// Events is the live event stream mounted at GET /api/v1/events (nil:
	// 404 until the events package is wired).
	Events http.Handler
	// Login and Logout are the browser session's doors (package auth),
	// public routes that check their own credentials (nil: 404).
	Login, Logout http.Handler
	// Ready names the checks of /readyz (store reachable, SIP listening,
	// trunks registered).
	Ready   map[string]Check
	Metrics *Metrics // nil: a registry of the server's own
	Log     *slog.Logger
	Clock   clock.Clock
	// RecordDir is where recordings live: a recording is served only when
	// its stored path is inside it.
	RecordDir string
	// Campaigns is the campaign routes' store (nil: Store, when it is one).
	Campaigns CampaignStore
	// CheckCampaign checks a new campaign's script and non-human reaction
	// as the dialer will run them (callflow.Flow.CheckCampaign); nil: the
	// scheduler's own checks only.
	CheckCampaign func(scheduler.Config) error
	// CampaignRoot is what a campaign's script path is relative to ("":
	// the working directory, which serve reads --script from too). Not
	// ScriptsDir: a campaign's path may reach scripts outside it.
	CampaignRoot string
	// MaxUpload bounds a portfolio upload (default 32 MiB).
	MaxUpload int64
	// ScriptsDir is the directory of dialogue scripts GET/PUT /scripts
	// list and write ("": those routes answer 404).
	ScriptsDir string
	// Guard explains the 230-FZ decision for GET /compliance/explain (nil: 404).
	Guard Explainer
	// Messages sends and lists SMS and e-mail (/messages; nil: 404).
	Messages Messenger
	// Caller places click-to-call calls (POST /calls/click-to-call; nil: 404).
	Caller Caller
}

// Server is the HTTP API. It is an http.Handler, safe for concurrent use.
type Server struct {
	c        Config
	log      *slog.Logger
	clk      clock.Clock
	metrics  *Metrics
	mux      *http.ServeMux
	draining atomic.Bool
}

// New returns a Server with every route of the table mounted.
func New(c Config) *Server {
	if c.MaxUpload <= 0 {
		c.MaxUpload = 32 << 20
	}
	s := &Server{c: c, log: c.Log, clk: clock.Or(c.Clock), metrics: c.Metrics, mux: http.NewServeMux()}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.metrics == nil {
		s.metrics = NewMetrics()
	}
	for _, rt := range s.routes() {
		s.mux.Handle(rt.pattern, s.wrap(rt))
	}
	s.mux.Handle("/", s.wrap(route{pattern: "/", public: true, h: s.noRoute}))
	return s
}

// noRoute answers what no route took: 405 naming the allowed methods when
// the path is a route's, else 404 — both as the envelope, where the mux
// alone would answer in plain text.
func (s *Server) noRoute(w http.ResponseWriter, r *http.Request, _ auth.Principal) error {
	var allow []string
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := s.mux.Handler(probe); pattern != "/" && pattern != "" {
			allow = append(allow, m)
		}
	}
	if len(allow) == 0 {
		return errNotFound
	}
	w.Header().Set("Allow", strings.Join(allow, ", "))
	return &Error{Status: http.StatusMethodNotAllowed, Code: "method_not_allowed", Message: r.Method + " is not allowed here: " + strings.Join(allow, ", ")}
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// Drain makes the server refuse new mutations (503) and report not ready,
// while reads and requests in progress go on: the first step of a SIGTERM.
func (s *Server) Drain() { s.draining.Store(true) }

// Metrics is the registry the server counts on.
func (s *Server) Metrics() *Metrics { return s.metrics }

// handler is a route's handler: it answers, or returns an error the
// wrapper writes as the envelope.
type handler func(w http.ResponseWriter, r *http.Request, p auth.Principal) error

// wrap puts one route behind everything every route has: the request
// metric under its pattern, panic recovery, drain, authentication and the
// policy table.
func (s *Server) wrap(rt route) http.Handler {
	label := rt.pattern
	inner := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.draining.Load() && r.Method != http.MethodGet && r.Method != http.MethodHead {
			s.writeError(w, r, errDraining) // says nothing of the resource: before authentication
			return
		}
		p, ok := auth.FromContext(r.Context())
		if err := s.authorize(rt, p, ok); err != nil {
			s.writeError(w, r, err)
			return
		}
		if err := rt.h(w, r, p); err != nil {
			s.writeError(w, r, err)
		}
	})
	var h http.Handler = inner
	if !rt.public && s.c.Auth != nil {
		h = s.c.Auth.Middleware(inner)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		if p := safe.Run(s.log, "api "+label, func() { h.ServeHTTP(sw, r) }); p != nil {
			if sw.status == 0 {
				s.writeError(sw, r, errInternal)
			} else {
				sw.status = http.StatusInternalServerError // counted as what it was
			}
		}
		s.metrics.request(label, sw.code(), time.Since(start))
	})
}
