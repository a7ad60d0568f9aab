package store

import (
	"context"
	"errors"
	"fmt"
)

// UnfinishedCall returns the call saved for task t that the task never
// recorded as an attempt: its node died between the call's end (SaveCall
// lists the call under its task) and the task's finish. ok is false when
// every call listed under the task is counted in its attempts.
func (db *DB) UnfinishedCall(ctx context.Context, t Task) (CallRecord, bool, error) {
	calls, err := db.TaskCalls(ctx, t.ID)
	if err != nil {
		return CallRecord{}, false, fmt.Errorf("unfinished call of task %d: %w", t.ID, err)
	}
	if len(calls) <= t.Attempts {
		return CallRecord{}, false, nil
	}
	rec, err := db.Call(ctx, calls[len(calls)-1].CallID)
	if errors.Is(err, ErrNotFound) {
		return CallRecord{}, false, nil
	}
	if err != nil {
		return CallRecord{}, false, fmt.Errorf("unfinished call of task %d: %w", t.ID, err)
	}
	return rec, true, nil
}
