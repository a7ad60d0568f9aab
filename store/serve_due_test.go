package store_test

import (
	"testing"
	"time"

	"github.com/dozvon/dozvon/store"
)

// TestDueTaskCount: the backlog counts pending tasks due by now of active
// campaigns only: not a later one, not a waiting phone, not a paused
// campaign's.
func TestDueTaskCount(t *testing.T) {
	eachBackend(t, func(t *testing.T, db *store.DB) { dueTaskCount(t, db) })
}

func dueTaskCount(t *testing.T, db *store.DB) {
	ctx := t.Context()
	t0 := time.Date(2026, 11, 24, 8, 0, 0, 0, time.UTC)
	for _, c := range []store.Campaign{{ID: "on", State: store.CampaignActive}, {ID: "off", State: "paused"}} {
		c.Name, c.Config, c.CreatedAt = c.ID, "{}", t0
		if err := db.SaveCampaign(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	tasks := []store.Task{
		{CampaignID: "on", DebtorID: "d1", Phone: "+79131234501", State: store.TaskPending, DueAt: t0},
		{CampaignID: "on", DebtorID: "d1", Phone: "+79131234502", Position: 1, State: store.TaskWaiting, DueAt: t0},
		{CampaignID: "on", DebtorID: "d2", Phone: "+79131234503", State: store.TaskPending, DueAt: t0.Add(-time.Hour)},
		{CampaignID: "on", DebtorID: "d3", Phone: "+79131234504", State: store.TaskPending, DueAt: t0.Add(time.Minute)},
		{CampaignID: "off", DebtorID: "d4", Phone: "+79131234505", State: store.TaskPending, DueAt: t0},
	}
	if _, err := db.AddTasks(ctx, tasks); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		at   time.Time
		want int
	}{{t0.Add(-2 * time.Hour), 0}, {t0, 2}, {t0.Add(time.Minute), 3}} {
		if n, err := db.DueTaskCount(ctx, c.at); err != nil || n != c.want {
			t.Errorf("at %s: %d (%v), want %d", c.at.Format(time.TimeOnly), n, err, c.want)
		}
	}
}
