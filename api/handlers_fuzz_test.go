package api

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dozvon/dozvon/compliance"
	"github.com/dozvon/dozvon/store"
)

// fuzzBodyRoutes are the API's routes that read a body, with a valid body
// each as a seed (the index is the fuzzer's first argument).
var fuzzBodyRoutes = []struct {
	method, path, ctype, seed string
}{
	{"POST", "/api/v1/campaigns", "application/json", `{"name":"fz","script":"scripts/verify_contact.yaml","debtors":["d1","d3"],"channels":2,"priority":1,` +
		`"schedule":{"ranges":["09:00-13:00"],"zone":"Europe/Moscow"},"non_human":{"voice_assistant":"message"}}`},
	{"POST", "/api/v1/campaigns", "application/json", `{"script":"scripts/verify_contact.yaml","selection":{"region":"Москва","outcome":"promise","collector":"ivanova"}}`},
	{"PUT", "/api/v1/debtors/d1/collector", "application/json", `{"collector":"petrov"}`},
	{"POST", "/api/v1/phones/quarantine/confirm-wrong", "application/json", `{"phone":"+79131234502","debtor":"d2"}`},
	{"POST", "/api/v1/phones/quarantine/restore", "application/json", `{"phone":"8 (913) 123-45-01","debtor":"d1"}`},
	{"PUT", "/api/v1/scripts/verify_contact", "application/yaml", ""}, // scriptRoute: the bundled script
	{"POST", "/api/v1/portfolios", "text/csv", ""},                    // portfolioRoute: the import tests' portfolio
	{"POST", "/api/v1/portfolios", "text/csv", "ФИО;Телефон;Регион;Долг\nИванов Иван Иванович;+79131234567;г. Москва;15000\n"},
}

// The seeds read from files.
const scriptRoute, portfolioRoute = 5, 6

// fuzzRig is a server on a real store, as admin sees it: the campaign
// check of the campaign tests, a guard, a script directory holding
// verify_contact, and two numbers in quarantine.
func fuzzRig(tb testing.TB) *rig {
	tb.Helper()
	dir := tb.TempDir()
	for _, f := range []string{"phrases.yaml", "verify_contact.yaml"} {
		b, err := os.ReadFile(filepath.Join("..", "scripts", f))
		if err == nil {
			err = os.WriteFile(filepath.Join(dir, f), b, 0o644)
		}
		if err != nil {
			tb.Fatal(err)
		}
	}
	rg := newRig(tb, func(c *Config) {
		c.CheckCampaign, c.ScriptsDir = checkCampaignForTests, dir
		g, err := compliance.NewGuard(compliance.Config{Ledger: c.Store.(*store.DB), Logger: slog.New(slog.DiscardHandler)})
		if err != nil {
			tb.Fatal(err)
		}
		c.Guard = g
	})
	at := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
	for _, st := range []store.PhoneStatus{{DebtorID: "d1", Phone: "+79131234501"}, {DebtorID: "d2", Phone: "+79131234502"}} {
		st.Status, st.Note, st.At = store.PhoneQuarantined, "a wrong person answered", at
		if err := rg.db.SetPhoneStatus(tb.Context(), st); err != nil {
			tb.Fatal(err)
		}
	}
	return rg
}

// fuzzSeeds are the valid bodies: fuzzBodyRoutes' and the bundled script
// and the messy CP1251 portfolio of the import tests.
func fuzzSeeds(tb testing.TB) [][]byte {
	tb.Helper()
	out := make([][]byte, len(fuzzBodyRoutes))
	for i, r := range fuzzBodyRoutes {
		out[i] = []byte(r.seed)
	}
	for i, f := range map[int]string{scriptRoute: "../scripts/verify_contact.yaml", portfolioRoute: "../portfolio/testdata/messy_cp1251.csv"} {
		b, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		out[i] = b
	}
	return out
}

// serveAsAdmin sends one request through the server's real router and
// checks the answer: never a 5xx (so no panic either: one is a 500), and
// every 4xx is the error envelope {"error":{"code","message"}}.
func serveAsAdmin(t *testing.T, srv http.Handler, r *http.Request) {
	t.Helper()
	r.Header.Set("X-Test-Role", string(admin.role))
	r.Header.Set("X-Test-Login", admin.login)
	w := httptest.NewRecorder()
	srv.ServeHTTP(w, r)
	switch {
	case w.Code >= 500:
		t.Fatalf("%s %s?%s: %d %s", r.Method, r.URL.Path, r.URL.RawQuery, w.Code, w.Body)
	case w.Code >= 400:
		envelopeOf(t, w.Code, w.Body.Bytes())
	}
}

// FuzzJSONHandlers sends arbitrary bodies to the routes that read one:
// campaigns, a debtor's collector, quarantine confirm and restore, a
// script, a portfolio CSV.
func FuzzJSONHandlers(f *testing.F) {
	rg := fuzzRig(f)
	for i, seed := range fuzzSeeds(f) {
		f.Add(uint8(i), seed)
	}
	f.Fuzz(func(t *testing.T, route uint8, body []byte) {
		r := fuzzBodyRoutes[int(route)%len(fuzzBodyRoutes)]
		req := httptest.NewRequestWithContext(t.Context(), r.method, r.path, bytes.NewReader(body))
		req.Header.Set("Content-Type", r.ctype)
		serveAsAdmin(t, rg.srv, req)
	})
}

// fuzzQueryRoutes are the lists and the explanation, whose input is their
// query string.
var fuzzQueryRoutes = []struct{ path, seed string }{
	{"/api/v1/debtors", "region=Москва&outcome=promise&collector=ivanova&limit=2&cursor=d1"},
	{"/api/v1/calls", "campaign=c1&debtor=d1&limit=1&cursor=call-d1"},
	{"/api/v1/campaigns", "state=active&limit=10"},
	{"/api/v1/callbacks", "until=2026-11-02T09:00:00%2B03:00&collector=ivanova&limit=5"},
	{"/api/v1/callbacks", "until=now"},
	{"/api/v1/webhooks/dead", "limit=10"},
	{"/api/v1/phones/quarantine", "status=all"},
	{"/api/v1/compliance/explain", "debtor=d1&at=2026-11-02T12:00:00%2B03:00"},
}

// FuzzListQueries sends arbitrary query strings to the lists (paging,
// filters) and the compliance explanation.
func FuzzListQueries(f *testing.F) {
	rg := fuzzRig(f)
	for i, r := range fuzzQueryRoutes {
		f.Add(uint8(i), r.seed)
	}
	f.Fuzz(func(t *testing.T, route uint8, query string) {
		r := fuzzQueryRoutes[int(route)%len(fuzzQueryRoutes)]
		req := httptest.NewRequestWithContext(t.Context(), "GET", r.path, nil)
		req.URL.RawQuery = query
		serveAsAdmin(t, rg.srv, req)
	})
}

// TestFuzzSeedsAreAccepted: the fuzz targets start from bodies and queries
// the API accepts, so the fuzzer explores from the handlers' deep paths,
// not only from their first refusal.
func TestFuzzSeedsAreAccepted(t *testing.T) {
	t.Parallel()
	rg := fuzzRig(t)
	for i, seed := range fuzzSeeds(t) {
		r := fuzzBodyRoutes[i]
		if status, body := rg.do(admin, r.method, r.path, r.ctype, seed); status >= 300 {
			t.Errorf("%s %s: %d %s", r.method, r.path, status, body)
		}
	}
	for _, r := range fuzzQueryRoutes {
		if status, body := rg.do(admin, "GET", r.path+"?"+r.seed, "", nil); status >= 300 {
			t.Errorf("GET %s?%s: %d %s", r.path, r.seed, status, body)
		}
	}
}

// TestListsPage: every list (debtors, calls, campaigns, callbacks, dead
// webhooks) walked one item a page by its next_cursor gives what one big
// page gives, in the same order, and ends with an empty cursor; a limit
// beyond the hard maximum (500) and a cursor the list never gave are 400
// naming the parameter.
func TestListsPage(t *testing.T) {
	t.Parallel()
	rg := newRig(t)
	callbacksForTests(t, rg.db)
	deadLettersForTests(t, rg.db)
	page := func(path, key, cursor string, limit string) ([]json.RawMessage, string) {
		t.Helper()
		q := "limit=" + limit
		if cursor != "" {
			q += "&cursor=" + cursor // the lists' cursors are ids: nothing to escape
		}
		status, body := rg.do(admin, "GET", path+"?"+q, "", nil)
		var p map[string]json.RawMessage
		if err := json.Unmarshal(body, &p); status != http.StatusOK || err != nil {
			t.Fatalf("%s?%s: %d %s", path, q, status, body)
		}
		var items []json.RawMessage
		var next string
		if err := json.Unmarshal(p[key], &items); err != nil {
			t.Fatalf("%s: %s: %v", path, key, err)
		}
		if err := json.Unmarshal(p["next_cursor"], &next); err != nil {
			t.Fatalf("%s: next_cursor %s: %v", path, p["next_cursor"], err)
		}
		return items, next
	}
	for _, tt := range []struct {
		path, key string
		items     int
	}{
		{"/api/v1/debtors", "debtors", 3},
		{"/api/v1/calls", "calls", 2},
		{"/api/v1/campaigns", "campaigns", 2},
		{"/api/v1/callbacks", "callbacks", 2},
		{"/api/v1/webhooks/dead", "dead", 2},
	} {
		t.Run(tt.key, func(t *testing.T) {
			all, next := page(tt.path, tt.key, "", "500")
			if len(all) != tt.items || next != "" {
				t.Fatalf("one page: %d items, next %q; want %d and none", len(all), next, tt.items)
			}
			var walked []json.RawMessage
			for cursor, n := "", 0; ; n++ {
				items, next := page(tt.path, tt.key, cursor, "1")
				walked = append(walked, items...)
				if next == "" || n > tt.items {
					break
				}
				cursor = next
			}
			if a, b := bytes.Join(rawItems(walked), nil), bytes.Join(rawItems(all), nil); !bytes.Equal(a, b) {
				t.Fatalf("walked one a page:\n%s\nwant:\n%s", walked, all)
			}
			for _, q := range []string{"limit=501", "limit=0", "cursor=nope"} {
				if q == "cursor=nope" && (tt.key == "debtors" || tt.key == "calls") {
					continue // a key cursor: an unknown one is a page past it
				}
				name, _, _ := strings.Cut(q, "=")
				status, body := rg.do(admin, "GET", tt.path+"?"+q, "", nil)
				if e := envelopeOf(t, status, body); status != http.StatusBadRequest || e.Field != name {
					t.Errorf("%s: %d %+v, want 400 naming the parameter", q, status, e)
				}
			}
		})
	}
}

func rawItems(items []json.RawMessage) [][]byte {
	out := make([][]byte, len(items))
	for i, it := range items {
		out[i] = append(it, '\n')
	}
	return out
}
