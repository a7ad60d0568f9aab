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
		status, body := rg.do(tt.who, "GET", "/api/v1/webhooks/dead", "", nil)
		var page struct{ Dead []DeadWebhook }
		if err := json.Unmarshal(body, &page); status != http.StatusOK || err != nil {
			t.Fatalf("%s %q: %d %s %v", tt.who.role, tt.who.login, status, body, err)
		}
		if len(page.Dead) != tt.owners {
			t.Fatalf("%s %q sees %d dead letters, want %d: %s", tt.who.role, tt.who.login, len(page.Dead), tt.owners, body)
		}
		for _, d := range page.Dead {
			if d.Event != "call.ended" || d.Attempts != 1 || d.LastError == "" || string(d.Payload) != `{"type":"call.ended"}` || d.DoneAt.IsZero() {
				t.Errorf("%s %q: dead letter %+v", tt.who.role, tt.who.login, d)
			}
		}
	}
	if status, body := rg.do(integration, "GET", "/api/v1/webhooks/dead?limit=0", "", nil); status != http.StatusBadRequest {
		t.Errorf("limit=0: %d %s", status, body)
	}
}
