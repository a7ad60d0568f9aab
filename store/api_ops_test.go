package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/dozvon/dozvon/store"
)

// TestQuarantinedFor: one debtor's number under review is found, in either
// review status; another debtor's, a cleared one or an unknown one is
// ErrNotFound.
func TestQuarantinedFor(t *testing.T) {
	const shared = "+79130000001"
	at := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	eachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := seedDebtors(t, db, map[string]string{"D-1": shared, "D-2": shared, "D-3": shared}, nil)
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
	at := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	eachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
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

// TestCallbacks: pending tasks the scheduler marked as callbacks, soonest
// first, narrowed in the query by the debtor's collector and a due time.
func TestCallbacks(t *testing.T) {
	t0 := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	eachBackend(t, func(t *testing.T, db *store.DB) {
		phones := map[string]string{"D-1": "+79130000001", "D-2": "+79130000002", "D-3": "+79130000003"}
		ctx := seedDebtors(t, db, phones, map[string]string{"D-1": "ivanova", "D-2": "petrov", "D-3": "ivanova"})
		if err := db.SaveCampaign(ctx, store.Campaign{ID: "c", Name: "c", State: store.CampaignActive, Config: "{}", CreatedAt: t0}); err != nil {
			t.Fatal(err)
		}
		var tasks []store.Task
		for id, phone := range phones {
			tasks = append(tasks, store.Task{CampaignID: "c", DebtorID: id, Phone: phone, DueAt: t0})
		}
		if _, err := db.AddTasks(ctx, tasks); err != nil {
			t.Fatal(err)
		}
		leased, err := db.LeaseTasks(ctx, "c", t0, 10, "h", time.Minute)
		if err != nil || len(leased) != 3 {
			t.Fatalf("lease %d %v", len(leased), err)
		}
		for _, task := range leased {
			u := store.TaskUpdate{State: store.TaskPending, DueAt: t0.Add(3 * time.Hour), Reason: "no answer: retry"}
			switch task.DebtorID {
			case "D-1":
				u.DueAt, u.Reason = t0.Add(2*time.Hour), "callback at 2026-11-20T12:00:00Z, pinned to ivanova"
			case "D-2":
				u.DueAt, u.Reason = t0.Add(time.Hour), "callback at 2026-11-20T11:00:00Z"
			}
			if err := db.FinishTask(ctx, task.ID, "h", t0, u); err != nil {
				t.Fatal(err)
			}
		}
		for _, tt := range []struct {
			collector string
			until     time.Time
			want      string
		}{
			{"", time.Time{}, "D-2 D-1"},
			{"ivanova", time.Time{}, "D-1"},
			{"petrov", time.Time{}, "D-2"},
			{"", t0.Add(90 * time.Minute), "D-2"},
			{"ivanova", t0.Add(90 * time.Minute), ""},
		} {
			ts, err := db.Callbacks(ctx, tt.collector, tt.until, 10)
			var got []string
			for _, task := range ts {
				got = append(got, task.DebtorID)
			}
			if err != nil || strings.Join(got, " ") != tt.want {
				t.Errorf("%q until %v: %v %v, want %s", tt.collector, tt.until, got, err, tt.want)
			}
		}
	})
}

// seedDebtors stores debtors (id → their one phone), assigned to the
// collectors named (id → login), and returns the test's context.
func seedDebtors(t *testing.T, db *store.DB, phones, collectors map[string]string) context.Context {
	t.Helper()
	ctx := t.Context()
	for id, phone := range phones {
		if err := db.UpsertDebtor(ctx, store.Debtor{ID: id, Name: "Иванов", Phones: []string{phone}}); err != nil {
			t.Fatal(err)
		}
		if who := collectors[id]; who != "" {
			if err := db.AssignCollector(ctx, id, who); err != nil {
				t.Fatal(err)
			}
		}
	}
	return ctx
}
