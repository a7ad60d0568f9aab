package report

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/dozvon/dozvon/store"
)

// Row is one task (one debtor phone) of a campaign with its calls.
type Row struct {
	Task  store.Task
	Name  string // the debtor's name
	Calls []store.TaskCall
}

// Store is what Load reads; *store.DB implements it.
type Store interface {
	Tasks(ctx context.Context, campaignID string) ([]store.Task, error)
	TaskCalls(ctx context.Context, taskID int64) ([]store.TaskCall, error)
}

// Load reads a campaign's tasks and their calls; names maps debtor IDs to names.
func Load(ctx context.Context, st Store, campaign string, names map[string]string) ([]Row, error) {
	tasks, err := st.Tasks(ctx, campaign)
	if err != nil {
		return nil, fmt.Errorf("load report %s: %w", campaign, err)
	}
	rows := make([]Row, 0, len(tasks))
	for _, t := range tasks {
		calls, err := st.TaskCalls(ctx, t.ID)
		if err != nil {
			return nil, fmt.Errorf("load report %s: task %d: %w", campaign, t.ID, err)
		}
		rows = append(rows, Row{Task: t, Name: names[t.DebtorID], Calls: calls})
	}
	return rows, nil
}

// DebtorResults is the result that settles each debtor: done:OUTCOME of a
// done task (a phone that reached the debtor wins over one that reached a
// wrong person), else the state of the first phone still open: callback,
// pending:LAST_RESULT or exhausted.
func DebtorResults(rows []Row) map[string]string {
	out := map[string]string{}
	for _, r := range rows {
		cur, seen := out[r.Task.DebtorID]
		v := r.Task.Outcome
		switch r.Task.State {
		case store.TaskDone:
			if !seen || !strings.HasPrefix(cur, "done:") || cur == "done:wrong_person" {
				out[r.Task.DebtorID] = "done:" + v
			}
			continue
		case store.TaskPending:
			v = "pending:" + r.Task.LastResult
			if r.Task.Outcome == "callback" {
				v = "callback"
			}
		case store.TaskExhausted:
			v = "exhausted"
		default:
			continue
		}
		if !seen {
			out[r.Task.DebtorID] = v
		}
	}
	return out
}

// totals sums the talk time and cost of a row's calls.
func (r Row) totals() (talk time.Duration, costKop int64) {
	for _, c := range r.Calls {
		talk += c.Duration
		costKop += c.CostKop
	}
	return talk, costKop
}
