package web

import (
	"testing"
	"time"

	"github.com/dozvon/dozvon/store"
)

// TestETA: an active campaign's end is estimated at the pace it has had;
// no estimate before a task is done, after the last, or when not running.
func TestETA(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 11, 24, 8, 0, 0, 0, time.UTC)
	active := store.Campaign{State: store.CampaignActive, CreatedAt: t0}
	tests := []struct {
		name string
		c    store.Campaign
		n    store.CampaignCounters
		now  time.Time
		want string
	}{
		{"half done in ten minutes", active, store.CampaignCounters{Tasks: 100, Finished: 50}, t0.Add(10 * time.Minute), "≈ 10 мин"},
		{"a tenth in an hour", active, store.CampaignCounters{Tasks: 100, Finished: 10}, t0.Add(time.Hour), "≈ 9 ч 0 мин"},
		{"nearly done", active, store.CampaignCounters{Tasks: 100, Finished: 99}, t0.Add(10 * time.Minute), "меньше минуты"},
		{"nothing done yet", active, store.CampaignCounters{Tasks: 100}, t0.Add(time.Minute), ""},
		{"all done", active, store.CampaignCounters{Tasks: 100, Finished: 100}, t0.Add(time.Minute), ""},
		{"paused", store.Campaign{State: store.CampaignPaused, CreatedAt: t0}, store.CampaignCounters{Tasks: 100, Finished: 50}, t0.Add(time.Minute), ""},
	}
	for _, tt := range tests {
		if got := eta(tt.c, tt.n, tt.now); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}
