package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// The API's campaign queries: state changes that hold under concurrent
// requests (a conditional UPDATE, never read-then-write) and the live
// counters of a campaign, from its tasks.

// CampaignStopped is a campaign an operator stopped: its tasks stay as they
// are and are never leased again.
const CampaignStopped = "stopped"

// ErrCampaignState is a state change the campaign's current state does not
// allow (pausing a done campaign, resuming an active one).
var ErrCampaignState = errors.New("campaign state does not allow this")

// SetCampaignState moves campaign id to state to when its state is one of
// from, and returns the campaign as it is after. A campaign in another state
// is ErrCampaignState (wrapped, naming the state); a missing one ErrNotFound.
func (db *DB) SetCampaignState(ctx context.Context, id string, from []string, to string) (Campaign, error) {
	if len(from) == 0 {
		return Campaign{}, fmt.Errorf("set campaign %s state: no state to move from", id)
	}
	args := []any{to, id}
	for _, f := range from {
		args = append(args, f)
	}
	res, err := db.sql.ExecContext(ctx, db.q(`UPDATE campaigns SET state = ? WHERE id = ? AND state IN (`+placeholders(len(from))+`)`), args...)
	if err != nil {
		return Campaign{}, fmt.Errorf("set campaign %s state: %w", id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return Campaign{}, fmt.Errorf("set campaign %s state: %w", id, err)
	}
	c, err := db.Campaign(ctx, id)
	if err != nil {
		return Campaign{}, err
	}
	if n == 0 {
		return c, fmt.Errorf("campaign %s is %s, not %s: %w", id, c.State, strings.Join(from, " or "), ErrCampaignState)
	}
	return c, nil
}

// MarkCampaignDone marks an active campaign done when nothing is left to
// call (no task pending, leased or waiting), and reports whether it did.
// The check and the update are one statement, so a task added meanwhile
// keeps the campaign active.
func (db *DB) MarkCampaignDone(ctx context.Context, id string) (bool, error) {
	res, err := db.sql.ExecContext(ctx, db.q(`UPDATE campaigns SET state = 'done' WHERE id = ? AND state = 'active'
		AND NOT EXISTS (SELECT 1 FROM tasks t WHERE t.campaign_id = campaigns.id AND t.state IN ('pending', 'leased', 'waiting'))`), id)
	if err != nil {
		return false, fmt.Errorf("mark campaign %s done: %w", id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("mark campaign %s done: %w", id, err)
	}
	return n > 0, nil
}

// CampaignCounters is a campaign's progress as its tasks have it now.
type CampaignCounters struct {
	Tasks    int // every task (one per debtor phone)
	Due      int // pending: to be dialled at or after their due time
	Waiting  int // a debtor's later phones, behind the earlier ones
	InFlight int // leased: a call is being placed or runs
	Finished int // done, skipped or exhausted
	Attempts int // calls placed, all tasks together
	// Outcomes counts finished tasks by outcome ("" as "none": exhausted
	// or skipped without one).
	Outcomes map[string]int
}

// CampaignCountersOf counts campaign id's tasks; a campaign with no tasks
// has zero counters (the campaign's existence is the caller's to check).
func (db *DB) CampaignCountersOf(ctx context.Context, id string) (CampaignCounters, error) {
	rows, err := db.rd.QueryContext(ctx, db.q(`SELECT state, outcome, COUNT(*), COALESCE(SUM(attempts), 0) FROM tasks
		WHERE campaign_id = ? GROUP BY state, outcome`), id)
	if err != nil {
		return CampaignCounters{}, fmt.Errorf("campaign counters %s: %w", id, err)
	}
	defer rows.Close()
	c := CampaignCounters{Outcomes: map[string]int{}}
	for rows.Next() {
		var state, outcome string
		var n, attempts int
		if err := rows.Scan(&state, &outcome, &n, &attempts); err != nil {
			return CampaignCounters{}, fmt.Errorf("campaign counters %s: %w", id, err)
		}
		c.Tasks += n
		c.Attempts += attempts
		switch state {
		case TaskPending:
			c.Due += n
		case TaskWaiting:
			c.Waiting += n
		case TaskLeased:
			c.InFlight += n
		default:
			c.Finished += n
			if outcome == "" {
				outcome = "none"
			}
			c.Outcomes[outcome] += n
		}
	}
	if err := rows.Err(); err != nil {
		return CampaignCounters{}, fmt.Errorf("campaign counters %s: %w", id, err)
	}
	return c, nil
}
