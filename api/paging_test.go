package api

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
)

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
		q := url.Values{"limit": {limit}}
		if cursor != "" {
			q.Set("cursor", cursor)
		}
		status, body := rg.do(admin, "GET", path+"?"+q.Encode(), "", nil)
		var p map[string]json.RawMessage
		if err := json.Unmarshal(body, &p); status != http.StatusOK || err != nil {
			t.Fatalf("%s?%s: %d %s", path, q.Encode(), status, body)
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
			if !slices.EqualFunc(walked, all, func(a, b json.RawMessage) bool { return string(a) == string(b) }) {
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
