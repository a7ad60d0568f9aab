package api

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/dozvon/dozvon/store"
)

// deadLettersForTests registers endpoints of crm and erp and lets one
// call.ended delivery to each die; crm's campaign.done is still pending.
func deadLettersForTests(t *testing.T, db *store.DB) {
	t.Helper()
	ctx := t.Context()
	at := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
	for _, owner := range []string{"crm", "erp"} {
		if _, err := db.AddWebhookEndpoint(ctx, store.WebhookEndpoint{Owner: owner, URL: "https://" + owner + ".example/hook", Secrets: []string{"s"}, Created: at}); err != nil {
			t.Fatal(err)
		}
	}
	for _, ev := range []string{"call.ended", "campaign.done"} {
		if _, err := db.EnqueueWebhook(ctx, ev, ev+"-1", []byte(`{"type":"`+ev+`"}`), at); err != nil {
			t.Fatal(err)
		}
	}
	due, err := db.DueWebhooks(ctx, at, 10)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range due {
		if d.Event == "call.ended" {
			if err := db.WebhookDone(ctx, d.ID, store.WebhookDead, at, "HTTP 500 after 12 attempts", at.Add(time.Hour)); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// listOf GETs a list route and returns the items under key and the raw
// body, failing the test unless the answer is a 200 page.
func listOf[T any](t *testing.T, rg *rig, who as, path, key string) ([]T, string) {
	t.Helper()
	status, body := rg.do(who, "GET", path, "", nil)
	var page map[string]json.RawMessage
	var items []T
	if err := json.Unmarshal(body, &page); status != http.StatusOK || err != nil {
		t.Fatalf("%s %q %s: %d %s %v", who.role, who.login, path, status, body, err)
	}
	if err := json.Unmarshal(page[key], &items); err != nil {
		t.Fatalf("%s: %s: %v", path, key, err)
	}
	return items, string(body)
}

// TestDeadWebhooks: an admin lists every endpoint's dead letters, an
// integration only its own endpoints' — the pending ones are no one's.
func TestDeadWebhooks(t *testing.T) {
	t.Parallel()
	rg := newRig(t)
	deadLettersForTests(t, rg.db)
	tests := []struct {
		who    as
		owners int // dead letters seen
	}{
		{admin, 2},
		{integration, 1},
		{as{role: integration.role, login: "other"}, 0},
	}
	for _, tt := range tests {
		dead, body := listOf[DeadWebhook](t, rg, tt.who, "/api/v1/webhooks/dead", "dead")
		if len(dead) != tt.owners {
			t.Fatalf("%s %q sees %d dead letters, want %d: %s", tt.who.role, tt.who.login, len(dead), tt.owners, body)
		}
		for _, d := range dead {
			if d.Event != "call.ended" || d.Attempts != 1 || d.LastError == "" || string(d.Payload) != `{"type":"call.ended"}` || d.DoneAt.IsZero() {
				t.Errorf("%s %q: dead letter %+v", tt.who.role, tt.who.login, d)
			}
		}
	}
	if status, body := rg.do(integration, "GET", "/api/v1/webhooks/dead?limit=0", "", nil); status != http.StatusBadRequest {
		t.Errorf("limit=0: %d %s", status, body)
	}
}
