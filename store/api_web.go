package store

import (
	"context"
	"fmt"
	"strings"
)

// likeEscape escapes LIKE's wildcards in s (with \ as the ESCAPE), so a
// filter typed by a user matches itself only.
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// CampaignDenials counts campaign id's tasks whose last attempt the 230-FZ
// guard denied, by the guard's reason codes (the console's "denied by
// reason"): the scheduler writes "230-FZ CODES: detail", and the detail
// (times in the debtor's zone) differs per task, so it is cut off.
func (db *DB) CampaignDenials(ctx context.Context, id string) (map[string]int, error) {
	rows, err := db.rd.QueryContext(ctx, db.q(`SELECT reason, COUNT(*) FROM tasks WHERE campaign_id = ? AND last_result = 'denied' GROUP BY reason`), id)
	if err != nil {
		return nil, fmt.Errorf("campaign %s denials: %w", id, err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var reason string
		var n int
		if err := rows.Scan(&reason, &n); err != nil {
			return nil, fmt.Errorf("campaign %s denials: %w", id, err)
		}
		code, _, _ := strings.Cut(reason, ": ")
		out[strings.TrimPrefix(code, "230-FZ ")] += n
	}
	return out, rows.Err()
}
