package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Task states.
const (
	TaskWaiting   = "waiting"   // a later phone of a debtor: becomes pending when the earlier ones fail to reach them
	TaskPending   = "pending"   // to be dialed at or after DueAt
	TaskLeased    = "leased"    // a dialer holds it until LeaseUntil; after that it is pending again
	TaskDone      = "done"      // finished with an outcome (reached, wrong person, refused, …)
	TaskSkipped   = "skipped"   // the debtor was reached on another phone
	TaskExhausted = "exhausted" // attempts used up without reaching anyone
)

// Task is one debtor phone in one campaign.
type Task struct {
	ID          int64
	CampaignID  string
	DebtorID    string
	Phone       string
	Position    int // the phone's order among the debtor's phones
	State       string
	DueAt       time.Time
	Attempts    int
	LeaseHolder string
	LeaseUntil  time.Time
	LastResult  string // telephony result or "denied"
	Outcome     string
	Slots       map[string]string
	Reason      string // why it is where it is (a 230-FZ denial, a retry rule)
	PinnedTo    string // the collector a callback is pinned to
	OfferedTo   string // the collector this due callback was offered to ("": not offered; callback_offer.go)
	UpdatedAt   time.Time
}

// TaskCall is one call a task made.
type TaskCall struct {
	CallID        string
	At            time.Time
	Result        string
	Outcome       string
	Duration      time.Duration
	CostKop       int64
	Trunk         string
	CallerID      string
	RecordingPath string
}

const taskCols = `id, campaign_id, debtor_id, phone, position, state, due_at, attempts, lease_holder, lease_until,
	last_result, outcome, slots, reason, pinned_to, updated_at, offered_to`

func scanTask(sc interface{ Scan(...any) error }) (Task, error) {
	var t Task
	var due, lease, upd int64
	var slots string
	if err := sc.Scan(&t.ID, &t.CampaignID, &t.DebtorID, &t.Phone, &t.Position, &t.State, &due, &t.Attempts, &t.LeaseHolder, &lease,
		&t.LastResult, &t.Outcome, &slots, &t.Reason, &t.PinnedTo, &upd, &t.OfferedTo); err != nil {
		return Task{}, err
	}
	t.DueAt, t.LeaseUntil, t.UpdatedAt = fromNS(due), fromNS(lease), fromNS(upd)
	var err error
	t.Slots, err = parseSlots(slots)
	return t, err
}

// AddTasks inserts tasks; a task for a (campaign, debtor, phone) that already
// exists is left as it is. It returns how many were new.
func (db *DB) AddTasks(ctx context.Context, tasks []Task) (int, error) {
	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("add tasks: %w", err)
	}
	defer tx.Rollback()
	n := 0
	for _, t := range tasks {
		if t.CampaignID == "" || t.DebtorID == "" || t.Phone == "" {
			return 0, fmt.Errorf("add tasks: task %+v lacks campaign, debtor or phone", t)
		}
		if t.State == "" {
			t.State = TaskPending
		}
		r, err := tx.ExecContext(ctx, db.q(`INSERT INTO tasks (campaign_id, debtor_id, phone, position, state, due_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (campaign_id, debtor_id, phone) DO NOTHING`),
			t.CampaignID, t.DebtorID, t.Phone, t.Position, t.State, ns(t.DueAt), time.Now().UnixNano())
		if err != nil {
			return 0, fmt.Errorf("add tasks: %s/%s: %w", t.CampaignID, t.DebtorID, err)
		}
		k, _ := r.RowsAffected()
		n += int(k)
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("add tasks: %w", err)
	}
	return n, nil
}

// LeaseTasks hands up to n due tasks of a campaign to holder until now+ttl:
// pending tasks due at or before now, and leased tasks whose lease ran out
// (their holder died). Earliest due first. It never hands out two tasks of
// one debtor, nor a task of a debtor that has a live lease in any campaign,
// so one debtor is never dialed twice at once.
func (db *DB) LeaseTasks(ctx context.Context, campaignID string, now time.Time, n int, holder string, ttl time.Duration) ([]Task, error) {
	if n <= 0 {
		return nil, nil
	}
	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("lease tasks %s: %w", campaignID, err)
	}
	defer tx.Rollback()
	if db.postgres {
		// Nodes lease one at a time, so the "no live lease of this debtor" check
		// below cannot race with another node's lease (SQLite's BEGIN IMMEDIATE does the same).
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(7255002)`); err != nil {
			return nil, fmt.Errorf("lease tasks %s: lock: %w", campaignID, err)
		}
	}
	// Two index-friendly queries (tasks_due: campaign, state, due_at) rather than
	// one with OR, which would scan the whole campaign on every lease.
	var cand []Task
	seen := map[string]bool{}
	for _, query := range []string{
		`SELECT ` + taskCols + ` FROM tasks t WHERE campaign_id = ? AND state = 'leased' AND lease_until <= ?
		AND NOT EXISTS (SELECT 1 FROM tasks l WHERE l.debtor_id = t.debtor_id AND l.state = 'leased' AND l.lease_until > ?)
		ORDER BY lease_until, id LIMIT ?`,
		`SELECT ` + taskCols + ` FROM tasks t WHERE campaign_id = ? AND state = 'pending' AND due_at <= ?
		AND NOT EXISTS (SELECT 1 FROM tasks l WHERE l.debtor_id = t.debtor_id AND l.state = 'leased' AND l.lease_until > ?)
		ORDER BY due_at, id LIMIT ?`,
	} {
		if len(cand) == n {
			break
		}
		rows, err := tx.QueryContext(ctx, db.q(query), campaignID, ns(now), ns(now), 4*n)
		if err != nil {
			return nil, fmt.Errorf("lease tasks %s: %w", campaignID, err)
		}
		for rows.Next() {
			t, err := scanTask(rows)
			if err != nil {
				rows.Close()
				return nil, fmt.Errorf("lease tasks %s: %w", campaignID, err)
			}
			if seen[t.DebtorID] || len(cand) == n {
				continue
			}
			seen[t.DebtorID] = true
			cand = append(cand, t)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("lease tasks %s: %w", campaignID, err)
		}
	}
	if len(cand) == 0 {
		return nil, nil // nothing written: the deferred rollback ends the transaction
	}
	// One UPDATE … RETURNING for the whole batch (one round trip on
	// PostgreSQL, one statement on SQLite). The state condition is re-checked
	// by the UPDATE itself: a row another node leased first is left out.
	until := now.Add(ttl)
	args := []any{holder, ns(until), ns(now), ns(now), ns(now)}
	marks := make([]string, len(cand))
	for i, t := range cand {
		marks[i] = "?"
		args = append(args, t.ID)
	}
	rows, err := tx.QueryContext(ctx, db.q(`UPDATE tasks SET state = 'leased', lease_holder = ?, lease_until = ?, updated_at = ?
		WHERE ((state = 'pending' AND due_at <= ?) OR (state = 'leased' AND lease_until <= ?)) AND id IN (`+strings.Join(marks, ", ")+`)
		RETURNING id`), args...)
	if err != nil {
		return nil, fmt.Errorf("lease tasks %s: %w", campaignID, err)
	}
	leased := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, fmt.Errorf("lease tasks %s: %w", campaignID, err)
		}
		leased[id] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("lease tasks %s: %w", campaignID, err)
	}
	var out []Task
	for _, t := range cand { // in candidate order: earliest due first
		if leased[t.ID] {
			t.State, t.LeaseHolder, t.LeaseUntil = TaskLeased, holder, until
			out = append(out, t)
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("lease tasks %s: %w", campaignID, err)
	}
	return out, nil
}

// ErrLeaseLost is returned when a task's lease is no longer held by the caller.
var ErrLeaseLost = errors.New("task lease lost")

// RenewLease extends a held lease to until.
func (db *DB) RenewLease(ctx context.Context, taskID int64, holder string, until time.Time) error {
	r, err := db.sql.ExecContext(ctx, db.q(`UPDATE tasks SET lease_until = ? WHERE id = ? AND state = 'leased' AND lease_holder = ?`),
		ns(until), taskID, holder)
	if err != nil {
		return fmt.Errorf("renew lease %d: %w", taskID, err)
	}
	if k, _ := r.RowsAffected(); k != 1 {
		return fmt.Errorf("renew lease %d: %w", taskID, ErrLeaseLost)
	}
	return nil
}

// ReleaseTask hands a task holder leased but never started back to pending,
// as it was (due as before, nothing recorded): the scheduler leases ahead of
// its CPS slots and lets go of what it did not dial when it stops.
// ErrLeaseLost when holder no longer holds it.
func (db *DB) ReleaseTask(ctx context.Context, taskID int64, holder string, now time.Time) error {
	r, err := db.sql.ExecContext(ctx, db.q(`UPDATE tasks SET state = 'pending', lease_holder = '', lease_until = 0, updated_at = ?
		WHERE id = ? AND state = 'leased' AND lease_holder = ?`), ns(now), taskID, holder)
	if err != nil {
		return fmt.Errorf("release task %d: %w", taskID, err)
	}
	if k, _ := r.RowsAffected(); k != 1 {
		return fmt.Errorf("release task %d: %w", taskID, ErrLeaseLost)
	}
	return nil
}

// TaskUpdate is what a dialer reports when it lets go of a leased task.
type TaskUpdate struct {
	State      string    // the task's new state
	DueAt      time.Time // when pending: when to dial next
	Attempted  bool      // a call was placed (counts toward attempts)
	LastResult string
	Outcome    string
	Slots      map[string]string
	Reason     string
	PinnedTo   string
	// OfferedTo keeps a callback's offer to a collector (callback_offer.go):
	// set, the task's next lease is the robot's fallback; "" clears it.
	OfferedTo string
	Call      *TaskCall // the call made, if any
	// SkipOthers, when set, skips the debtor's other pending and waiting tasks in
	// this campaign with this reason (the debtor was reached, or their attempts are used up).
	SkipOthers string
	// NextPhoneAt: when non-zero, the debtor's next waiting phone in this campaign becomes pending at this time.
	NextPhoneAt time.Time
}

// FinishTask applies u to a task leased by holder, atomically with its
// effects on the debtor's other tasks. ErrLeaseLost when the lease is gone.
func (db *DB) FinishTask(ctx context.Context, taskID int64, holder string, now time.Time, u TaskUpdate) error {
	slots, err := slotsJSON(u.Slots)
	if err != nil {
		return fmt.Errorf("finish task %d: slots: %w", taskID, err)
	}
	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("finish task %d: %w", taskID, err)
	}
	defer tx.Rollback()
	var campaign, debtor string
	var position int
	if err := tx.QueryRowContext(ctx, db.q(`SELECT campaign_id, debtor_id, position FROM tasks WHERE id = ? AND state = 'leased' AND lease_holder = ?`),
		taskID, holder).Scan(&campaign, &debtor, &position); err != nil {
		return fmt.Errorf("finish task %d: %w", taskID, ErrLeaseLost)
	}
	att := 0
	if u.Attempted {
		att = 1
	}
	if _, err := tx.ExecContext(ctx, db.q(`UPDATE tasks SET state = ?, due_at = ?, attempts = attempts + ?, lease_holder = '', lease_until = 0,
		last_result = ?, outcome = ?, slots = ?, reason = ?, pinned_to = ?, offered_to = ?, updated_at = ? WHERE id = ?`),
		u.State, ns(u.DueAt), att, u.LastResult, u.Outcome, slots, u.Reason, u.PinnedTo, u.OfferedTo, ns(now), taskID); err != nil {
		return fmt.Errorf("finish task %d: %w", taskID, err)
	}
	if c := u.Call; c != nil {
		if err := linkTaskCall(ctx, tx, db.q, taskID, *c); err != nil {
			return fmt.Errorf("finish task %d: %w", taskID, err)
		}
	}
	if u.SkipOthers != "" {
		if _, err := tx.ExecContext(ctx, db.q(`UPDATE tasks SET state = 'skipped', reason = ?, updated_at = ?
			WHERE campaign_id = ? AND debtor_id = ? AND id <> ? AND state IN ('pending', 'waiting')`), u.SkipOthers, ns(now), campaign, debtor, taskID); err != nil {
			return fmt.Errorf("finish task %d: skip other phones: %w", taskID, err)
		}
	}
	if !u.NextPhoneAt.IsZero() {
		if _, err := tx.ExecContext(ctx, db.q(`UPDATE tasks SET state = 'pending', due_at = ?, updated_at = ? WHERE id = (
			SELECT id FROM tasks WHERE campaign_id = ? AND debtor_id = ? AND state = 'waiting' ORDER BY position LIMIT 1)`),
			ns(u.NextPhoneAt), ns(now), campaign, debtor); err != nil {
			return fmt.Errorf("finish task %d: next phone: %w", taskID, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("finish task %d: %w", taskID, err)
	}
	return nil
}

// Tasks lists a campaign's tasks by debtor and phone order.
func (db *DB) Tasks(ctx context.Context, campaignID string) ([]Task, error) {
	return db.queryTasks(ctx, `SELECT `+taskCols+` FROM tasks WHERE campaign_id = ? ORDER BY debtor_id, position`, campaignID)
}

// DebtorTasks lists a debtor's tasks in a campaign in phone order.
func (db *DB) DebtorTasks(ctx context.Context, campaignID, debtorID string) ([]Task, error) {
	return db.queryTasks(ctx, `SELECT `+taskCols+` FROM tasks WHERE campaign_id = ? AND debtor_id = ? ORDER BY position`, campaignID, debtorID)
}

func (db *DB) queryTasks(ctx context.Context, query string, args ...any) ([]Task, error) {
	rows, err := db.rd.QueryContext(ctx, db.q(query), args...)
	if err != nil {
		return nil, fmt.Errorf("tasks: %w", err)
	}
	defer rows.Close()
	var out []Task
	for rows.Next() {
		t, err := scanTask(rows)
		if err != nil {
			return nil, fmt.Errorf("tasks: %w", err)
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("tasks: %w", err)
	}
	return out, nil
}

// TaskCalls lists the calls a task made, in order.
func (db *DB) TaskCalls(ctx context.Context, taskID int64) ([]TaskCall, error) {
	rows, err := db.rd.QueryContext(ctx, db.q(`SELECT call_id, at, result, outcome, duration_ms, cost_kop, trunk, caller_id, recording_path
		FROM task_calls WHERE task_id = ? ORDER BY seq`), taskID)
	if err != nil {
		return nil, fmt.Errorf("task calls %d: %w", taskID, err)
	}
	defer rows.Close()
	var out []TaskCall
	for rows.Next() {
		var c TaskCall
		var at, dur int64
		if err := rows.Scan(&c.CallID, &at, &c.Result, &c.Outcome, &dur, &c.CostKop, &c.Trunk, &c.CallerID, &c.RecordingPath); err != nil {
			return nil, fmt.Errorf("task calls %d: %w", taskID, err)
		}
		c.At, c.Duration = fromNS(at), time.Duration(dur)*time.Millisecond
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("task calls %d: %w", taskID, err)
	}
	return out, nil
}

// TaskCounts counts a campaign's tasks by state.
func (db *DB) TaskCounts(ctx context.Context, campaignID string) (map[string]int, error) {
	rows, err := db.rd.QueryContext(ctx, db.q(`SELECT state, COUNT(*) FROM tasks WHERE campaign_id = ? GROUP BY state`), campaignID)
	if err != nil {
		return nil, fmt.Errorf("task counts %s: %w", campaignID, err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			return nil, fmt.Errorf("task counts %s: %w", campaignID, err)
		}
		out[s] = n
	}
	return out, rows.Err()
}

// NextDue returns the earliest instant a campaign's pending task falls due or
// a lease runs out; ok is false when the campaign has neither.
func (db *DB) NextDue(ctx context.Context, campaignID string) (at time.Time, ok bool, err error) {
	// Two MIN queries: the first is answered from the tasks_due index alone.
	var due, lease *int64
	if err = db.rd.QueryRowContext(ctx, db.q(`SELECT MIN(due_at) FROM tasks WHERE campaign_id = ? AND state = 'pending'`), campaignID).Scan(&due); err != nil {
		return time.Time{}, false, fmt.Errorf("next due %s: %w", campaignID, err)
	}
	if err = db.rd.QueryRowContext(ctx, db.q(`SELECT MIN(lease_until) FROM tasks WHERE campaign_id = ? AND state = 'leased'`), campaignID).Scan(&lease); err != nil {
		return time.Time{}, false, fmt.Errorf("next due %s: %w", campaignID, err)
	}
	switch {
	case due != nil && (lease == nil || *due <= *lease):
		return time.Unix(0, *due).UTC(), true, nil
	case lease != nil:
		return time.Unix(0, *lease).UTC(), true, nil
	}
	return time.Time{}, false, nil
}

// DebtorAttempts counts the calls placed to a debtor in a campaign, all phones together.
func (db *DB) DebtorAttempts(ctx context.Context, campaignID, debtorID string) (int, error) {
	var n int
	err := db.rd.QueryRowContext(ctx, db.q(`SELECT COALESCE(SUM(attempts), 0) FROM tasks WHERE campaign_id = ? AND debtor_id = ?`), campaignID, debtorID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("debtor attempts %s: %w", debtorID, err)
	}
	return n, nil
}

// linkTaskCall lists call c under task taskID, or updates its line when the
// call is there already: SaveCall lists a call at its end, FinishTask again
// with the scheduler's view of it, and the call has one line.
func linkTaskCall(ctx context.Context, tx *sql.Tx, q func(string) string, taskID int64, c TaskCall) error {
	args := []any{ns(c.At), c.Result, c.Outcome, c.Duration.Milliseconds(), c.CostKop, c.Trunk, c.CallerID, c.RecordingPath}
	r, err := tx.ExecContext(ctx, q(`UPDATE task_calls SET at = ?, result = ?, outcome = ?, duration_ms = ?, cost_kop = ?, trunk = ?, caller_id = ?, recording_path = ?
		WHERE task_id = ? AND call_id = ?`), append(args, taskID, c.CallID)...)
	if err != nil {
		return fmt.Errorf("call %s: %w", c.CallID, err)
	}
	if n, err := r.RowsAffected(); err != nil || n > 0 {
		return err
	}
	if _, err := tx.ExecContext(ctx, q(`INSERT INTO task_calls (task_id, seq, call_id, at, result, outcome, duration_ms, cost_kop, trunk, caller_id, recording_path)
		VALUES (?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM task_calls WHERE task_id = ?), ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
		append([]any{taskID, taskID, c.CallID}, args...)...); err != nil {
		return fmt.Errorf("call %s: %w", c.CallID, err)
	}
	return nil
}
