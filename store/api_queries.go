package store

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// The API's read queries. A collector's view is filtered here, in SQL, on
// debtors.collector (migration 7): a query made for a collector cannot
// return another collector's debtor or call, whatever the handler does.

// DebtorFilter selects debtors for the API's list. Collector, when set,
// restricts the list to that collector's debtors (the caller's login for a
// collector; a filter for others). After is the paging cursor: the last id
// of the previous page. Address matches part of the district or of the
// portfolio's address (the collector's page filters by street or town as
// typed).
type DebtorFilter struct {
	Region, Outcome, Collector string
	Address                    string
	After                      string
	Limit                      int
}

// DebtorView is a debtor as the API shows it: Outcome is the latest outcome
// a campaign task reached ("" when none).
type DebtorView struct {
	ID, Name, Region, District string
	Collector                  string
	Phones                     []string
	Outcome                    string
	Address                    string // the portfolio's address ("" when none)
}

// debtorAddress is debtor d's address from its portfolio details.
const debtorAddress = `COALESCE((SELECT dd.address FROM debtor_details dd WHERE dd.debtor_id = d.id), '')`

// debtorOutcome is the latest non-empty task outcome of debtor d.
const debtorOutcome = `COALESCE((SELECT t.outcome FROM tasks t WHERE t.debtor_id = d.id AND t.outcome <> '' ORDER BY t.updated_at DESC, t.id DESC LIMIT 1), '')`

// ListDebtors returns one page of debtors ordered by id, and the cursor of
// the next page ("" when this is the last).
func (db *DB) ListDebtors(ctx context.Context, f DebtorFilter) ([]DebtorView, string, error) {
	var c conds
	c.add("d.region = ?", f.Region)
	c.add("d.collector = ?", f.Collector)
	c.add("d.id > ?", f.After)
	c.add(debtorOutcome+" = ?", f.Outcome)
	if f.Address != "" {
		like := "%" + likeEscape(f.Address) + "%"
		c.where = append(c.where, `(d.district LIKE ? ESCAPE '\' OR `+debtorAddress+` LIKE ? ESCAPE '\')`)
		c.args = append(c.args, like, like)
	}
	limit := pageLimit(f.Limit)
	out, err := db.debtorViews(ctx, c.query(`SELECT d.id, d.name, d.region, d.district, d.collector, `+debtorOutcome+`, `+debtorAddress+` FROM debtors d`, "d.id", limit), c.args...)
	if err != nil {
		return nil, "", fmt.Errorf("list debtors: %w", err)
	}
	out, next := page(out, limit, func(d DebtorView) string { return d.ID })
	return out, next, nil
}

// DebtorFor loads one debtor as the API shows it. collector, when set, is
// part of the query: another collector's debtor is ErrNotFound, exactly as
// a debtor that does not exist.
func (db *DB) DebtorFor(ctx context.Context, id, collector string) (DebtorView, error) {
	return scoped(ctx, "debtor", id, collector, `SELECT d.id, d.name, d.region, d.district, d.collector, `+debtorOutcome+`, `+debtorAddress+` FROM debtors d WHERE d.id = ?`, db.debtorViews)
}

func (db *DB) debtorViews(ctx context.Context, query string, args ...any) ([]DebtorView, error) {
	rows, err := db.rd.QueryContext(ctx, db.q(query), args...)
	if err != nil {
		return nil, err
	}
	var out []DebtorView
	for rows.Next() {
		var d DebtorView
		if err := rows.Scan(&d.ID, &d.Name, &d.Region, &d.District, &d.Collector, &d.Outcome, &d.Address); err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		if out[i].Phones, err = db.texts(ctx, db.rd, `SELECT phone FROM phones WHERE debtor_id = ? ORDER BY position`, out[i].ID); err != nil {
			return nil, fmt.Errorf("phones: %w", err)
		}
	}
	return out, nil
}

// AssignCollector assigns a debtor to a collector's login ("" unassigns).
func (db *DB) AssignCollector(ctx context.Context, debtorID, login string) error {
	res, err := db.sql.ExecContext(ctx, db.q(`UPDATE debtors SET collector = ? WHERE id = ?`), login, debtorID)
	if err != nil {
		return fmt.Errorf("assign debtor %s: %w", debtorID, err)
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return fmt.Errorf("assign debtor %s: %w", debtorID, ErrNotFound)
	}
	return nil
}

// CallFilter selects calls for the API's list; Collector as in DebtorFilter.
type CallFilter struct {
	Debtor, Campaign, Collector string
	After                       string
	Limit                       int
}

// CallView is a call's row in the API's list, with the debtor and campaign
// it was made for ("" when unknown, e.g. an inbound call).
type CallView struct {
	ID, DebtorID, Campaign    string
	Direction, Result         string
	Outcome                   string
	Started, Answered, Ended  time.Time
	CostKop                   int64
	HasRecording              bool
	DebtorCollector           string
	RecordingPath             string
	SIPCode                   int
	ScriptName, ScriptVersion string
}

// callRows puts each call beside the debtor and campaign it was made for:
// a campaign's task names both; a call outside a campaign has the debtor of
// its 230-FZ reservation.
const callRows = `(SELECT c.id, c.direction, c.result, c.outcome, c.started, c.answered, c.ended, c.cost_kop, c.recording_path, c.sip_code, c.script_name, c.script_version,
	COALESCE((SELECT t.debtor_id FROM task_calls tc JOIN tasks t ON t.id = tc.task_id WHERE tc.call_id = c.id LIMIT 1),
		(SELECT l.debtor_id FROM ledger l WHERE l.call_id = c.id LIMIT 1), '') AS debtor_id,
	COALESCE((SELECT t.campaign_id FROM task_calls tc JOIN tasks t ON t.id = tc.task_id WHERE tc.call_id = c.id LIMIT 1), '') AS campaign_id
	FROM calls c) x LEFT JOIN debtors d ON d.id = x.debtor_id`

const callCols = `x.id, x.debtor_id, x.campaign_id, x.direction, x.result, x.outcome, x.started, x.answered, x.ended, x.cost_kop, x.recording_path, x.sip_code, x.script_name, x.script_version, COALESCE(d.collector, '')`

// ListCalls returns one page of calls ordered by id and the next cursor.
func (db *DB) ListCalls(ctx context.Context, f CallFilter) ([]CallView, string, error) {
	var c conds
	c.add("x.debtor_id = ?", f.Debtor)
	c.add("x.campaign_id = ?", f.Campaign)
	c.add("d.collector = ?", f.Collector)
	c.add("x.id > ?", f.After)
	limit := pageLimit(f.Limit)
	out, err := db.callViews(ctx, c.query(`SELECT `+callCols+` FROM `+callRows, "x.id", limit), c.args...)
	if err != nil {
		return nil, "", fmt.Errorf("list calls: %w", err)
	}
	out, next := page(out, limit, func(c CallView) string { return c.ID })
	return out, next, nil
}

// CallFor loads one call's row; collector as in DebtorFor (another
// collector's call, or a call of no debtor, is ErrNotFound to a collector).
func (db *DB) CallFor(ctx context.Context, id, collector string) (CallView, error) {
	return scoped(ctx, "call", id, collector, `SELECT `+callCols+` FROM `+callRows+` WHERE x.id = ?`, db.callViews)
}

// scoped loads the one row query (ending in "WHERE key = ?") finds for id,
// among collector's debtors when collector is set; none is ErrNotFound.
func scoped[T any](ctx context.Context, what, id, collector, query string, load func(context.Context, string, ...any) ([]T, error)) (T, error) {
	args := []any{id}
	if collector != "" {
		query += " AND d.collector = ?"
		args = append(args, collector)
	}
	var zero T
	out, err := load(ctx, query, args...)
	if err != nil {
		return zero, fmt.Errorf("%s %s: %w", what, id, err)
	}
	if len(out) == 0 {
		return zero, fmt.Errorf("%s %s: %w", what, id, ErrNotFound)
	}
	return out[0], nil
}

func (db *DB) callViews(ctx context.Context, query string, args ...any) ([]CallView, error) {
	rows, err := db.rd.QueryContext(ctx, db.q(query), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []CallView
	for rows.Next() {
		var c CallView
		var started, answered, ended int64
		if err := rows.Scan(&c.ID, &c.DebtorID, &c.Campaign, &c.Direction, &c.Result, &c.Outcome, &started, &answered, &ended,
			&c.CostKop, &c.RecordingPath, &c.SIPCode, &c.ScriptName, &c.ScriptVersion, &c.DebtorCollector); err != nil {
			return nil, err
		}
		c.Started, c.Answered, c.Ended = fromNS(started), fromNS(answered), fromNS(ended)
		c.HasRecording = c.RecordingPath != ""
		out = append(out, c)
	}
	return out, rows.Err()
}

// conds are a list query's conditions: each filter that is set, ANDed.
type conds struct {
	where []string
	args  []any
}

func (c *conds) add(cond, v string) {
	if v != "" {
		c.where = append(c.where, cond)
		c.args = append(c.args, v)
	}
}

// query is base with the conditions, ordered by key, one row past limit
// (that row tells whether a next page exists).
func (c conds) query(base, key string, limit int) string {
	if len(c.where) > 0 {
		base += " WHERE " + strings.Join(c.where, " AND ")
	}
	return base + fmt.Sprintf(" ORDER BY %s LIMIT %d", key, limit+1)
}

// page cuts the row past limit and returns the next page's cursor: the
// last row's key ("" on the last page).
func page[T any](rows []T, limit int, key func(T) string) ([]T, string) {
	if len(rows) <= limit {
		return rows, ""
	}
	return rows[:limit], key(rows[limit-1])
}

func pageLimit(n int) int {
	switch {
	case n <= 0:
		return 50
	case n > 500:
		return 500
	}
	return n
}

// uploadSchema (a migration) keeps the report of every portfolio upload by
// the SHA-256 of its bytes, so the same file sent twice is imported once.
const uploadSchema = `CREATE TABLE portfolio_uploads (
	sha256 TEXT PRIMARY KEY,
	report TEXT NOT NULL,
	source TEXT NOT NULL,
	at BIGINT NOT NULL
)`

// Upload returns the stored report of an upload by its content hash.
func (db *DB) Upload(ctx context.Context, sha string) (report []byte, ok bool, err error) {
	rows, err := db.texts(ctx, db.sql, `SELECT report FROM portfolio_uploads WHERE sha256 = ?`, sha)
	if err != nil {
		return nil, false, fmt.Errorf("upload %s: %w", sha, err)
	}
	if len(rows) == 0 {
		return nil, false, nil
	}
	return []byte(rows[0]), true, nil
}

// SaveUpload stores an upload's report unless one with the same hash is
// stored already; it returns the report that is kept and whether it is this one.
func (db *DB) SaveUpload(ctx context.Context, sha string, report []byte, source string, at time.Time) ([]byte, bool, error) {
	res, err := db.sql.ExecContext(ctx, db.q(`INSERT INTO portfolio_uploads (sha256, report, source, at) VALUES (?, ?, ?, ?) ON CONFLICT (sha256) DO NOTHING`),
		sha, string(report), source, ns(at))
	if err != nil {
		return nil, false, fmt.Errorf("save upload %s: %w", sha, err)
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return report, true, nil
	}
	kept, _, err := db.Upload(ctx, sha)
	return kept, false, err
}

// Ping reports whether the store answers (the API's readiness).
func (db *DB) Ping(ctx context.Context) error {
	if err := db.sql.PingContext(ctx); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	return nil
}
