package api

import (
	"context"
	"net/http"

	"github.com/dozvon/dozvon/auth"
	"github.com/dozvon/dozvon/store"
)

// route is one line of the API's table: its pattern (method and path, as
// http.ServeMux reads it), who may use it, and its handler.
type route struct {
	pattern string
	public  bool // no authentication (health, metrics, the OpenAPI document)
	roles   map[auth.Role]access
	h       handler
}

// access is what a role may do on a route.
type access int

const (
	allowed access = iota + 1
	// withRecordings: only a principal granted recordings (an integration
	// with Principal.Recordings).
	withRecordings
)

// Role sets used by the table.
var (
	everyone    = roles(allowed, auth.Admin, auth.Supervisor, auth.Collector, auth.Integration)
	managers    = roles(allowed, auth.Admin, auth.Supervisor)
	watchers    = roles(allowed, auth.Admin, auth.Supervisor, auth.Collector) // live events: integrations get webhooks
	uploaders   = roles(allowed, auth.Admin, auth.Supervisor, auth.Integration)
	launchers   = roles(allowed, auth.Admin, auth.Supervisor, auth.Collector)
	recordingTo = merge(roles(allowed, auth.Admin, auth.Supervisor, auth.Collector), roles(withRecordings, auth.Integration))
)

func roles(a access, rs ...auth.Role) map[auth.Role]access {
	m := make(map[auth.Role]access, len(rs))
	for _, r := range rs {
		m[r] = a
	}
	return m
}

func merge(ms ...map[auth.Role]access) map[auth.Role]access {
	out := map[auth.Role]access{}
	for _, m := range ms {
		for r, a := range m {
			out[r] = a
		}
	}
	return out
}

// routes is the table: every route of the server, and the one place that
// says which role may use it. A collector's narrower view of debtors and
// calls is applied by the handlers through the store's queries (Collector
// filters), never by filtering results after the fact.
func (s *Server) routes() []route {
	return []route{
		{pattern: "GET /healthz", public: true, h: s.healthz},
		{pattern: "GET /readyz", public: true, h: s.readyz},
		{pattern: "GET /metrics", public: true, h: s.serveMetrics},
		{pattern: "GET /api/v1/openapi.json", public: true, h: serveOpenAPI},
		// login and logout check their own credentials (password; cookie and
		// CSRF) in package auth
		{pattern: "POST /api/v1/login", public: true, h: s.mounted(func() http.Handler { return s.c.Login })},
		{pattern: "POST /api/v1/logout", public: true, h: s.mounted(func() http.Handler { return s.c.Logout })},
		{pattern: "POST /api/v1/portfolios", roles: uploaders, h: s.uploadPortfolio},
		{pattern: "GET /api/v1/debtors", roles: everyone, h: s.listDebtors},
		{pattern: "GET /api/v1/debtors/{id}", roles: everyone, h: s.getDebtor},
		{pattern: "PUT /api/v1/debtors/{id}/collector", roles: managers, h: s.assignCollector},
		{pattern: "GET /api/v1/calls", roles: everyone, h: s.listCalls},
		{pattern: "GET /api/v1/calls/{id}", roles: everyone, h: s.getCall},
		{pattern: "POST /api/v1/calls/click-to-call", roles: watchers, h: s.clickToCall},
		{pattern: "GET /api/v1/calls/{id}/recording", roles: recordingTo, h: s.getRecording},
		{pattern: "GET /api/v1/events", roles: watchers, h: s.events},
		{pattern: "GET /api/v1/phones/quarantine", roles: managers, h: s.listQuarantine},
		{pattern: "POST /api/v1/phones/quarantine/confirm-wrong", roles: managers, h: s.confirmWrong},
		{pattern: "POST /api/v1/phones/quarantine/restore", roles: managers, h: s.restorePhone},
		{pattern: "GET /api/v1/scripts", roles: managers, h: s.listScripts},
		{pattern: "PUT /api/v1/scripts/{name}", roles: managers, h: s.putScript},
		{pattern: "POST /api/v1/scripts/{name}/lint", roles: managers, h: s.lintScript},
		{pattern: "POST /api/v1/scripts/{name}/test", roles: managers, h: s.testScript},
		{pattern: "GET /api/v1/webhooks/dead", roles: roles(allowed, auth.Admin, auth.Integration), h: s.listDeadWebhooks},
		{pattern: "GET /api/v1/callbacks", roles: roles(allowed, auth.Admin, auth.Supervisor, auth.Collector), h: s.listCallbacks},
		{pattern: "GET /api/v1/compliance/explain", roles: roles(allowed, auth.Admin, auth.Supervisor, auth.Collector), h: s.explain},
		// a collector launches the robot on their own debtors (scoped in the store's query)
		{pattern: "POST /api/v1/campaigns", roles: launchers, h: s.createCampaign},
		{pattern: "GET /api/v1/campaigns", roles: managers, h: s.listCampaigns},
		{pattern: "GET /api/v1/campaigns/{id}", roles: managers, h: s.getCampaign},
		{pattern: "POST /api/v1/campaigns/{id}/pause", roles: managers, h: pauseCampaign.handler(s)},
		{pattern: "POST /api/v1/campaigns/{id}/resume", roles: managers, h: resumeCampaign.handler(s)},
		{pattern: "POST /api/v1/campaigns/{id}/stop", roles: managers, h: stopCampaign.handler(s)},
		// the unified report: the whole campaign, so no collector
		{pattern: "GET /api/v1/campaigns/{id}/report", roles: roles(allowed, auth.Admin, auth.Supervisor, auth.Integration), h: s.getCampaignReport},
		// messages: a collector sends to and sees only their own debtors (the
		// handlers' scoped queries); the guard decides whether it may go now
		{pattern: "GET /api/v1/messages", roles: everyone, h: s.listMessages},
		{pattern: "POST /api/v1/messages", roles: everyone, h: s.sendMessage},
	}
}

// authorize applies the table to one request's principal.
func (s *Server) authorize(rt route, p auth.Principal, ok bool) error {
	if rt.public {
		return nil
	}
	if !ok {
		return errUnauthenticated
	}
	if p.Role == auth.Collector && p.Login == "" {
		return errForbidden // a collector's queries are scoped by login: none, nothing
	}
	switch rt.roles[p.Role] {
	case allowed:
		return nil
	case withRecordings:
		if p.Recordings {
			return nil
		}
	}
	return errForbidden
}

// scope is the collector filter of a principal's queries: their login for
// a collector, "" (no restriction) for anyone else.
func scope(p auth.Principal) string {
	if p.Role == auth.Collector {
		return p.Login
	}
	return ""
}

func (s *Server) events(w http.ResponseWriter, r *http.Request, p auth.Principal) error {
	return s.mounted(func() http.Handler { return s.c.Events })(w, r, p)
}

// mounted serves a handler another package provides (404 while unset).
func (s *Server) mounted(h func() http.Handler) handler {
	return func(w http.ResponseWriter, r *http.Request, _ auth.Principal) error {
		if h() == nil {
			return errNotFound
		}
		h().ServeHTTP(w, r)
		return nil
	}
}

// DebtorScope answers whether a principal may see a debtor's live events,
// by the same collector-scoped query the debtor routes use (the events
// stream asks it; package events names the interface).
type DebtorScope struct {
	Store interface {
		DebtorFor(ctx context.Context, id, collector string) (store.DebtorView, error)
	}
}

// Visible implements events.Visibility: managers see every debtor, an
// integration none (it has webhooks), a collector only their own.
func (d DebtorScope) Visible(ctx context.Context, p auth.Principal, debtorID string) bool {
	switch p.Role {
	case auth.Admin, auth.Supervisor:
		return true
	case auth.Collector:
		if p.Login == "" || debtorID == "" {
			return false
		}
		_, err := d.Store.DebtorFor(ctx, debtorID, p.Login)
		return err == nil
	}
	return false
}
