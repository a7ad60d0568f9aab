package api

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/dozvon/dozvon/auth"
	"github.com/dozvon/dozvon/store"
)

// Callback is a call the debtor asked for at a time, as the API shows it.
// A collector's Phone is masked: they call through the hand-off.
type Callback struct {
	Task     int64     `json:"task"`
	Campaign string    `json:"campaign"`
	Debtor   string    `json:"debtor"`
	Phone    string    `json:"phone"`
	DueAt    time.Time `json:"due_at"`
	PinnedTo string    `json:"pinned_to,omitempty"`
	Attempts int       `json:"attempts"`
	Outcome  string    `json:"outcome,omitempty"`
}

// listQuery is pageQuery with a default: at most 100 a page.
func listQuery(r *http.Request) (url.Values, int, error) {
	q, limit, err := pageQuery(r)
	if limit == 0 {
		limit = 100
	}
	return q, limit, err
}

// listCallbacks lists pending callbacks soonest first: a collector's own
// debtors' (scoped in the store's query), every one for a manager.
// until=RFC3339 keeps those due by then (until=now: the overdue ones).
func (s *Server) listCallbacks(w http.ResponseWriter, r *http.Request, p auth.Principal) error {
	q, limit, err := listQuery(r)
	if err != nil {
		return err
	}
	var until time.Time
	switch v := q.Get("until"); v {
	case "":
	case "now":
		until = s.clk.Now()
	default:
		if until, err = time.Parse(time.RFC3339, v); err != nil {
			return badRequest("bad_parameter", "until "+v+": want an RFC 3339 time (2026-11-02T09:00:00+03:00) or now", "until")
		}
	}
	collector := q.Get("collector")
	if c := scope(p); c != "" {
		collector = c
	}
	after, err := idCursor(q)
	if err != nil {
		return err
	}
	ts, err := s.c.Store.CallbacksAfter(r.Context(), collector, until, after, limit+1)
	ts, next := nextPage(ts, limit, func(t store.Task) int64 { return t.ID })
	return writePage(w, "callbacks", ts, next, err, func(t store.Task) Callback {
		return Callback{Task: t.ID, Campaign: t.CampaignID, Debtor: t.DebtorID, Phone: phoneFor(p, t.Phone), DueAt: t.DueAt,
			PinnedTo: t.PinnedTo, Attempts: t.Attempts, Outcome: t.Outcome}
	})
}

// idCursor reads a list's cursor that is a row id (absent: 0, the start).
func idCursor(q url.Values) (int64, error) {
	v := q.Get("cursor")
	if v == "" {
		return 0, nil
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id < 1 {
		return 0, badRequest("bad_parameter", fmt.Sprintf("cursor %q: want the next_cursor of the previous page", v), "cursor")
	}
	return id, nil
}

// nextPage trims rows fetched as limit+1 to limit and returns the cursor of
// the page after ("" when none): the last row's id.
func nextPage[T any](rows []T, limit int, id func(T) int64) ([]T, string) {
	if len(rows) <= limit {
		return rows, ""
	}
	rows = rows[:limit]
	return rows, strconv.FormatInt(id(rows[limit-1]), 10)
}
