package store_test

import (
	"errors"
	"testing"
	"time"

	"github.com/dozvon/dozvon/store"
)

// TestQuarantinedFor: one debtor's number under review is found, in either
// review status; another debtor's, a cleared one or an unknown one is
// ErrNotFound.
func TestQuarantinedFor(t *testing.T) {
	eachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		at := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
		const shared = "+79130000001"
		for _, d := range []string{"D-1", "D-2", "D-3"} {
			if err := db.UpsertDebtor(ctx, store.Debtor{ID: d, Name: "Иванов", Phones: []string{shared}}); err != nil {
				t.Fatal(err)
			}
		}
		for d, status := range map[string]string{"D-1": store.PhoneQuarantined, "D-2": store.PhoneWrongConfirmed, "D-3": "ok"} {
			if err := db.SetPhoneStatus(ctx, store.PhoneStatus{DebtorID: d, Phone: shared, Status: status, Note: "n", At: at}); err != nil {
				t.Fatal(err)
			}
		}
		for _, tt := range []struct{ debtor, phone, want string }{
			{"D-1", shared, store.PhoneQuarantined},
			{"D-2", shared, store.PhoneWrongConfirmed},
			{"D-3", shared, ""},
			{"D-4", shared, ""},
			{"D-1", "+79130000002", ""},
		} {
			st, err := db.QuarantinedFor(ctx, tt.phone, tt.debtor)
			switch {
			case tt.want == "" && !errors.Is(err, store.ErrNotFound):
				t.Errorf("%s %s: %+v %v, want ErrNotFound", tt.debtor, tt.phone, st, err)
			case tt.want != "" && (err != nil || st.Status != tt.want || st.DebtorID != tt.debtor || !st.At.Equal(at)):
				t.Errorf("%s %s: %+v %v, want %s", tt.debtor, tt.phone, st, err, tt.want)
			}
		}
	})
}

// TestWebhooksOf: the owner filter is in the query — an owner gets only
// deliveries to its endpoints, "" every endpoint's, in the state asked.
func TestWebhooksOf(t *testing.T) {
	eachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		at := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
		for _, owner := range []string{"crm", "erp", "crm"} {
			if _, err := db.AddWebhookEndpoint(ctx, store.WebhookEndpoint{Owner: owner, URL: "https://x.example/" + owner, Secrets: []string{"s"}, Created: at}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := db.EnqueueWebhook(ctx, "call.ended", "k1", []byte(`{}`), at); err != nil {
			t.Fatal(err)
		}
		due, err := db.DueWebhooks(ctx, at, 10)
		if err != nil || len(due) != 3 {
			t.Fatalf("due %d %v", len(due), err)
		}
		if err := db.WebhookDone(ctx, due[0].ID, store.WebhookDead, at, "gone", at); err != nil {
			t.Fatal(err)
		}
		if err := db.WebhookDone(ctx, due[1].ID, store.WebhookDead, at, "gone", at); err != nil {
			t.Fatal(err)
		}
		for _, tt := range []struct {
			owner, state string
			want         int
		}{
			{"", store.WebhookDead, 2},
			{"crm", store.WebhookDead, 1}, // its first endpoint's; the second's is pending
			{"erp", store.WebhookDead, 1},
			{"crm", store.WebhookPending, 1},
			{"nobody", store.WebhookDead, 0},
		} {
			ds, err := db.WebhooksOf(ctx, tt.owner, tt.state, 10)
			if err != nil || len(ds) != tt.want {
				t.Errorf("%q %s: %d %v, want %d", tt.owner, tt.state, len(ds), err, tt.want)
			}
		}
	})
}
