package api

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"net/url"
	"testing"

	"github.com/dozvon/dozvon/compliance"
	"github.com/dozvon/dozvon/store"
)

// withGuard gives the server a real 230-FZ guard on the rig's store.
func withGuard(t *testing.T) func(*Config) {
	return func(c *Config) {
		g, err := compliance.NewGuard(compliance.Config{Ledger: c.Store.(*store.DB), Logger: slog.New(slog.DiscardHandler)})
		if err != nil {
			t.Fatal(err)
		}
		c.Guard = g
	}
}

// TestComplianceExplain: the guard's decision for a debtor at an instant —
// allowed at noon, denied at night with the next allowed time — reserves
// nothing; a collector gets their own debtor's and the 404 of a missing
// debtor for another's; bad parameters are 400 naming them.
func TestComplianceExplain(t *testing.T) {
	t.Parallel()
	rg := newRig(t, withGuard(t))
	get := func(who as, query string) (int, []byte) {
		t.Helper()
		return rg.do(who, "GET", "/api/v1/compliance/explain?"+query, "", nil)
	}
	explained := func(who as, query string) Explanation {
		t.Helper()
		status, body := get(who, query)
		var e Explanation
		if err := json.Unmarshal(body, &e); status != http.StatusOK || err != nil {
			t.Fatalf("%s %s: %d %s %v", who.role, query, status, body, err)
		}
		return e
	}
	noon := "debtor=d2&at=" + url.QueryEscape("2026-11-23T12:00:00+03:00") // a Monday
	if e := explained(supervisor, noon); !e.Allowed || e.Zone != "Europe/Moscow" || e.Local != "2026-11-23T12:00:00+03:00" || e.Channel != "robot_call" {
		t.Errorf("noon: %+v", e)
	}
	night := "debtor=d1&at=" + url.QueryEscape("2026-11-23T23:30:00+03:00")
	e := explained(ivanova, night)
	if e.Allowed || e.Reason == "" || e.Next.IsZero() || e.NextLoc == "" || e.NoneSoon {
		t.Errorf("night: %+v", e)
	}
	if e.Next.Before(e.At) {
		t.Errorf("next allowed %v is before %v", e.Next, e.At)
	}
	_, missing := get(ivanova, "debtor=nobody")
	if status, body := get(ivanova, noon); status != http.StatusNotFound || string(body) != string(missing) {
		t.Errorf("ivanova asks for petrov's debtor: %d %s, want the 404 of a missing one %s", status, body, missing)
	}
	for _, tt := range []struct{ query, field string }{
		{"", "debtor"},
		{"debtor=d1&at=tomorrow", "at"},
		{"debtor=d1&channel=pigeon", "channel"},
	} {
		status, body := get(admin, tt.query)
		if env := envelopeOf(t, status, body); status != http.StatusBadRequest || env.Field != tt.field {
			t.Errorf("%q: %d %+v, want 400 on %s", tt.query, status, env, tt.field)
		}
	}
	for _, id := range []string{"d1", "d2"} {
		if es, err := rg.db.LedgerEntries(t.Context(), id); err != nil || len(es) != 0 {
			t.Errorf("explain wrote ledger entries for %s: %+v %v", id, es, err)
		}
	}
}
