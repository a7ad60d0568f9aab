package store

import (
	"context"
	"fmt"
	"time"
)

// What serve watches over the tasks: callbacks falling due (told once to
// the live stream) and the tasks due now (a gauge).

// callbackDueSchema is the migration that remembers which due time of a
// callback task was announced (0: none), so each callback is announced once
// even across restarts and nodes, and a callback moved to a new time is
// announced again; the partial index keeps the watch off the other tasks.
const callbackDueSchema = `ALTER TABLE tasks ADD COLUMN callback_notified BIGINT NOT NULL DEFAULT 0;
CREATE INDEX IF NOT EXISTS tasks_callback_due ON tasks (due_at) WHERE reason LIKE 'callback at %'`

// DueCallbacks lists callback tasks due at or before now whose due time has
// not been announced, soonest first. A leased one counts too: the robot
// may already be calling back when the watch first looks.
func (db *DB) DueCallbacks(ctx context.Context, now time.Time, limit int) ([]Task, error) {
	return db.queryTasks(ctx, `SELECT `+taskCols+` FROM tasks
		WHERE reason LIKE 'callback at %' AND due_at <= ? AND state IN (?, ?) AND callback_notified <> due_at
		ORDER BY due_at, id LIMIT ?`, ns(now), TaskPending, TaskLeased, limit)
}

// ClaimCallbackDue marks task id's due time dueAt as announced and reports
// whether this call did it: of two nodes watching, one announces.
func (db *DB) ClaimCallbackDue(ctx context.Context, id int64, dueAt time.Time) (bool, error) {
	res, err := db.sql.ExecContext(ctx, db.q(`UPDATE tasks SET callback_notified = due_at WHERE id = ? AND due_at = ? AND callback_notified <> due_at`), id, ns(dueAt))
	var n int64
	if err == nil {
		n, err = res.RowsAffected()
	}
	if err != nil {
		return false, fmt.Errorf("claim callback due %d: %w", id, err)
	}
	return n == 1, nil
}

// DueTaskCount counts the tasks of active campaigns due at or before now
// and not yet leased: the scheduler's backlog.
func (db *DB) DueTaskCount(ctx context.Context, now time.Time) (int, error) {
	var n int
	err := db.rd.QueryRowContext(ctx, db.q(`SELECT COUNT(*) FROM tasks t JOIN campaigns c ON c.id = t.campaign_id
		WHERE c.state = 'active' AND t.state = ? AND t.due_at <= ?`), TaskPending, ns(now)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("due task count: %w", err)
	}
	return n, nil
}
