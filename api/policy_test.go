package api

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/dozvon/dozvon/auth"
	"github.com/dozvon/dozvon/store"
)

// TestEveryRouteByRole is the endpoint × role table: every route of the
// server, asked by each role and by nobody, answers what the policy says
// (ok: a 2xx). A route added without a row here fails the test.
func TestEveryRouteByRole(t *testing.T) {
	t.Parallel()
	events := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) })
	// the mounted handlers stand in for package auth's and events' own
	// (tested there); the table checks the API lets the right callers reach them
	scriptsDir, script := scriptsDirForTests(t)
	sent := 0
	rg := newRig(t, func(c *Config) { c.Events, c.Login, c.Logout = events, events, events }, func(c *Config) { c.ScriptsDir = scriptsDir }, withGuard(t),
		withMessages(t, &sent), func(c *Config) { c.Caller = &callerForTests{} })
	quarantineForTests(t, rg)
	deadLettersForTests(t, rg.db)
	const ok = 0
	granted := as{role: integration.role, login: "crm", recordings: true}
	cols := []as{admin, supervisor, ivanova, integration, granted, nobody}
	csv := []byte("ФИО;Телефон\nПетров Пётр;+79131110000\n")
	tests := []struct {
		pattern, path, ctype string
		body                 []byte
		want                 [6]int // admin, supervisor, collector, integration, integration with recordings, nobody
	}{
		{"GET /healthz", "/healthz", "", nil, [6]int{ok, ok, ok, ok, ok, ok}},
		{"GET /readyz", "/readyz", "", nil, [6]int{ok, ok, ok, ok, ok, ok}},
		{"GET /metrics", "/metrics", "", nil, [6]int{ok, ok, ok, ok, ok, ok}},
		{"GET /api/v1/openapi.json", "/api/v1/openapi.json", "", nil, [6]int{ok, ok, ok, ok, ok, ok}},
		{"POST /api/v1/login", "/api/v1/login", "application/json", []byte(`{}`), [6]int{ok, ok, ok, ok, ok, ok}},
		{"POST /api/v1/logout", "/api/v1/logout", "", nil, [6]int{ok, ok, ok, ok, ok, ok}},
		{"POST /api/v1/portfolios", "/api/v1/portfolios", "text/csv", csv, [6]int{ok, ok, 403, ok, ok, 401}},
		{"GET /api/v1/debtors", "/api/v1/debtors", "", nil, [6]int{ok, ok, ok, ok, ok, 401}},
		{"GET /api/v1/debtors/{id}", "/api/v1/debtors/d1", "", nil, [6]int{ok, ok, ok, ok, ok, 401}},
		{"PUT /api/v1/debtors/{id}/collector", "/api/v1/debtors/d1/collector", "application/json", []byte(`{"collector":"ivanova"}`),
			[6]int{ok, ok, 403, 403, 403, 401}},
		{"GET /api/v1/calls", "/api/v1/calls", "", nil, [6]int{ok, ok, ok, ok, ok, 401}},
		{"GET /api/v1/calls/{id}", "/api/v1/calls/call-d1", "", nil, [6]int{ok, ok, ok, ok, ok, 401}},
		{"POST /api/v1/calls/click-to-call", "/api/v1/calls/click-to-call", "application/json", []byte(`{"debtor":"d1"}`),
			[6]int{ok, ok, ok, 403, 403, 401}},
		{"GET /api/v1/calls/{id}/recording", "/api/v1/calls/call-d1/recording", "", nil, [6]int{ok, ok, ok, 403, ok, 401}},
		{"GET /api/v1/events", "/api/v1/events", "", nil, [6]int{ok, ok, ok, 403, 403, 401}},
		{"GET /api/v1/phones/quarantine", "/api/v1/phones/quarantine", "", nil, [6]int{ok, ok, 403, 403, 403, 401}},
		{"POST /api/v1/phones/quarantine/confirm-wrong", "/api/v1/phones/quarantine/confirm-wrong", "application/json",
			[]byte(`{"phone":"+79131234501","debtor":"d1"}`), [6]int{ok, ok, 403, 403, 403, 401}},
		{"POST /api/v1/phones/quarantine/restore", "/api/v1/phones/quarantine/restore", "application/json",
			[]byte(`{"phone":"+79131234501","debtor":"d1"}`), [6]int{ok, ok, 403, 403, 403, 401}},
		{"GET /api/v1/scripts", "/api/v1/scripts", "", nil, [6]int{ok, ok, 403, 403, 403, 401}},
		{"PUT /api/v1/scripts/{name}", "/api/v1/scripts/verify_contact", "application/yaml", script, [6]int{ok, ok, 403, 403, 403, 401}},
		{"POST /api/v1/scripts/{name}/lint", "/api/v1/scripts/verify_contact/lint", "application/yaml", script, [6]int{ok, ok, 403, 403, 403, 401}},
		{"POST /api/v1/scripts/{name}/test", "/api/v1/scripts/verify_contact/test", "application/yaml", script, [6]int{404, 404, 403, 403, 403, 401}},
		{"GET /api/v1/webhooks/dead", "/api/v1/webhooks/dead", "", nil, [6]int{ok, 403, 403, ok, ok, 401}},
		{"GET /api/v1/callbacks", "/api/v1/callbacks", "", nil, [6]int{ok, ok, ok, 403, 403, 401}},
		{"GET /api/v1/compliance/explain", "/api/v1/compliance/explain?debtor=d1", "", nil, [6]int{ok, ok, ok, 403, 403, 401}},
		{"POST /api/v1/campaigns", "/api/v1/campaigns", "application/json", []byte(`{"script":"scripts/verify_contact.yaml","debtors":["d1"]}`),
			[6]int{ok, ok, ok, 403, 403, 401}},
		{"GET /api/v1/campaigns", "/api/v1/campaigns", "", nil, [6]int{ok, ok, 403, 403, 403, 401}},
		{"GET /api/v1/campaigns/{id}", "/api/v1/campaigns/c1", "", nil, [6]int{ok, ok, 403, 403, 403, 401}},
		{"GET /api/v1/campaigns/{id}/report", "/api/v1/campaigns/c1/report", "", nil, [6]int{ok, ok, 403, ok, ok, 401}},
		// the admin changes c1's state first: a 409 (not 403) shows the role passed
		// the policy; once stopped, c1 resumes for no one (resume's 2xx:
		// TestCampaignStateTransitions)
		{"POST /api/v1/campaigns/{id}/pause", "/api/v1/campaigns/c1/pause", "", nil, [6]int{ok, 409, 403, 403, 403, 401}},
		{"POST /api/v1/campaigns/{id}/stop", "/api/v1/campaigns/c1/stop", "", nil, [6]int{ok, 409, 403, 403, 403, 401}},
		{"POST /api/v1/campaigns/{id}/resume", "/api/v1/campaigns/c1/resume", "", nil, [6]int{409, 409, 403, 403, 403, 401}},
		{"GET /api/v1/messages", "/api/v1/messages", "", nil, [6]int{ok, ok, ok, ok, ok, 401}},
		// two messages a day to d3: the admin's and the supervisor's are sent,
		// the rest are the guard's 409 — past the policy, stopped by 230-FZ
		{"POST /api/v1/messages", "/api/v1/messages", "application/json", []byte(`{"debtor":"d3","template":"call_us"}`),
			[6]int{ok, ok, 409, 409, 409, 401}},
	}
	covered := map[string]bool{}
	for _, tc := range tests {
		covered[tc.pattern] = true
		method, _, _ := strings.Cut(tc.pattern, " ")
		for i, who := range cols {
			status, body := rg.do(who, method, tc.path, tc.ctype, tc.body)
			want := tc.want[i]
			switch {
			case want == ok && (status < 200 || status > 299):
				t.Errorf("%s as %q (recordings %v): %d, want 2xx: %s", tc.pattern, who.role, who.recordings, status, body)
			case want != ok && status != want:
				t.Errorf("%s as %q (recordings %v): %d, want %d: %s", tc.pattern, who.role, who.recordings, status, want, body)
			case want != ok:
				envelopeOf(t, status, body)
			}
		}
	}
	for _, rt := range rg.srv.routes() {
		if !covered[rt.pattern] {
			t.Errorf("route %s has no row in the role table", rt.pattern)
		}
	}
}

// scopeStoreForTests holds one debtor assigned to ivanova.
type scopeStoreForTests struct{}

func (scopeStoreForTests) DebtorFor(_ context.Context, id, collector string) (store.DebtorView, error) {
	if id == "d1" && (collector == "" || collector == "ivanova") {
		return store.DebtorView{}, nil
	}
	return store.DebtorView{}, store.ErrNotFound
}

func TestDebtorScopeForEvents(t *testing.T) {
	v := DebtorScope{Store: scopeStoreForTests{}}
	tests := []struct {
		p      auth.Principal
		debtor string
		want   bool
	}{
		{auth.Principal{Role: auth.Admin}, "d2", true},
		{auth.Principal{Role: auth.Supervisor}, "d1", true},
		{auth.Principal{Role: auth.Collector, Login: "ivanova"}, "d1", true},
		{auth.Principal{Role: auth.Collector, Login: "petrova"}, "d1", false},
		{auth.Principal{Role: auth.Collector, Login: "ivanova"}, "d2", false},
		{auth.Principal{Role: auth.Collector}, "d1", false},
		{auth.Principal{Role: auth.Collector, Login: "ivanova"}, "", false},
		{auth.Principal{Role: auth.Integration, Login: "crm"}, "d1", false},
	}
	for _, tt := range tests {
		if got := v.Visible(context.Background(), tt.p, tt.debtor); got != tt.want {
			t.Errorf("%s %q sees %q: %v, want %v", tt.p.Role, tt.p.Login, tt.debtor, got, tt.want)
		}
	}
}
