package scheduler

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/dozvon/dozvon/store"
)

// CampaignStore is what CreateCampaign needs; *store.DB implements it.
type CampaignStore interface {
	SaveCampaign(ctx context.Context, c store.Campaign) error
	AddTasks(ctx context.Context, tasks []store.Task) (int, error)
}

// CreateCampaign stores a campaign and one task per debtor phone: each
// debtor's first phone is due at start, the others wait their turn (they
// become due when the earlier ones fail to reach the debtor). Creating it
// again with more debtors adds only the new tasks. It returns how many tasks
// were added.
func CreateCampaign(ctx context.Context, st CampaignStore, id, name string, cfg Config, debtors []store.Debtor, start time.Time) (int, error) {
	if id == "" {
		return 0, errors.New("create campaign: empty id")
	}
	if err := cfg.Validate(); err != nil {
		return 0, fmt.Errorf("create campaign %s: %w", id, err)
	}
	b, err := json.Marshal(cfg)
	if err != nil {
		return 0, fmt.Errorf("create campaign %s: %w", id, err)
	}
	if err := st.SaveCampaign(ctx, store.Campaign{ID: id, Name: name, Priority: cfg.Priority, Config: string(b), CreatedAt: start}); err != nil {
		return 0, fmt.Errorf("create campaign %s: %w", id, err)
	}
	var tasks []store.Task
	for _, d := range debtors {
		for i, p := range d.Phones {
			t := store.Task{CampaignID: id, DebtorID: d.ID, Phone: p, Position: i, State: store.TaskPending, DueAt: start}
			if i > 0 {
				t.State, t.DueAt = store.TaskWaiting, time.Time{}
			}
			tasks = append(tasks, t)
		}
	}
	n, err := st.AddTasks(ctx, tasks)
	if err != nil {
		return 0, fmt.Errorf("create campaign %s: %w", id, err)
	}
	return n, nil
}
