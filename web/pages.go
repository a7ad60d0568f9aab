package web

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/dozvon/dozvon/auth"
	"github.com/dozvon/dozvon/compliance"
	"github.com/dozvon/dozvon/events"
	"github.com/dozvon/dozvon/store"
)

// pageSize is the collector's list page: a phone screen scrolls through
// fifty rows; 5,000 debtors are a hundred pages, filtered on the server.
const pageSize = 50

func (h *Handler) login(w http.ResponseWriter, r *http.Request, _ auth.Principal) error {
	next := r.URL.Query().Get("next")
	if !strings.HasPrefix(next, "/app/") {
		next = "/app/" // only the service's own pages: no open redirect
	}
	h.render(w, http.StatusOK, "login", view{Title: "Вход", Data: next})
	return nil
}

// debtorsData is the collector's page.
type debtorsData struct {
	Region, Address, Outcome string
	Cursor, Next             string
	Rows                     []store.DebtorView
	Callbacks                []callbackRow
	Outcomes                 []string
	Script                   string
	NextURL, FirstURL        string // the next page's link, the first page's (with the filters)
}

type callbackRow struct {
	Task store.Task
	Name string
	Due  bool // its time has come
}

func (h *Handler) debtors(w http.ResponseWriter, r *http.Request, p auth.Principal) error {
	q := r.URL.Query()
	d := debtorsData{Region: q.Get("region"), Address: q.Get("address"), Outcome: q.Get("outcome"), Cursor: q.Get("cursor"),
		Outcomes: outcomes, Script: h.c.Script}
	f := store.DebtorFilter{Region: d.Region, Address: d.Address, Outcome: d.Outcome, Collector: scope(p), After: d.Cursor, Limit: pageSize}
	var err error
	if d.Rows, d.Next, err = h.c.Store.ListDebtors(r.Context(), f); err != nil {
		return err
	}
	keep := url.Values{}
	for _, k := range []string{"region", "address", "outcome"} {
		if v := q.Get(k); v != "" {
			keep.Set(k, v)
		}
	}
	d.FirstURL = "/app/debtors?" + keep.Encode()
	if d.Next != "" {
		keep.Set("cursor", d.Next)
		d.NextURL = "/app/debtors?" + keep.Encode()
	}
	if d.Callbacks, err = h.callbacks(r, p); err != nil {
		return err
	}
	h.render(w, http.StatusOK, "debtors", view{Title: "Мои должники", P: p, Nav: "debtors", Data: d})
	return nil
}

// callbacks are the principal's pending callbacks, soonest first (the
// ones due now on top of the collector's page).
func (h *Handler) callbacks(r *http.Request, p auth.Principal) ([]callbackRow, error) {
	ts, err := h.c.Store.Callbacks(r.Context(), scope(p), time.Time{}, 10)
	if err != nil {
		return nil, err
	}
	now := h.clk.Now()
	out := make([]callbackRow, 0, len(ts))
	for _, t := range ts {
		row := callbackRow{Task: t, Due: !t.DueAt.After(now)}
		if d, err := h.c.Store.DebtorFor(r.Context(), t.DebtorID, scope(p)); err == nil {
			row.Name = d.Name
		}
		out = append(out, row)
	}
	return out, nil
}

// debtorData is a debtor's card.
type debtorData struct {
	D     store.DebtorView
	Guard *guardView
	Calls []callData
}

type guardView struct {
	Allowed     bool
	Reason      string
	Detail      string
	Next        time.Time
	NextLocal   string // Next in the debtor's zone
	Zone        string
	NothingSoon bool
	Unavailable string // the guard failed: said, not hidden
}

type callData struct {
	V     store.CallView
	Turns []store.TurnRecord
	Slots []slotView // what the debtor agreed to
}

type slotView struct{ Label, Value string }

// slotLabels are the slots a collector acts on, in the order shown (the
// others are the robot's own bookkeeping).
var slotLabels = []struct{ key, label string }{
	{"callback_at", "Перезвонить"}, {"promise_at", "Оплата"}, {"meeting_at", "Встреча"}, {"meeting_place", "Место"}, {"amount", "Сумма"},
}

func (h *Handler) slots(m map[string]string) []slotView {
	var out []slotView
	for _, s := range slotLabels {
		v := m[s.key]
		if v == "" {
			continue
		}
		if t, err := time.Parse(time.RFC3339, v); err == nil {
			v = t.In(h.c.Location).Format("02.01.2006 15:04") // a time, not a number to hide
		} else {
			v = events.MaskNumbers(v)
		}
		out = append(out, slotView{s.label, v})
	}
	return out
}

// maxCardCalls bounds the calls a card lists (newest first).
const maxCardCalls = 20

func (h *Handler) debtor(w http.ResponseWriter, r *http.Request, p auth.Principal) error {
	ctx := r.Context()
	d, err := h.c.Store.DebtorFor(ctx, r.PathValue("id"), scope(p))
	if err != nil {
		return err
	}
	data := debtorData{D: d}
	var calls []store.CallView
	f := store.CallFilter{Debtor: d.ID, Collector: scope(p), Limit: 500}
	for {
		page, next, err := h.c.Store.ListCalls(ctx, f)
		if err != nil {
			return err
		}
		calls = append(calls, page...)
		if next == "" {
			break
		}
		f.After = next
	}
	for i := len(calls) - 1; i >= 0 && len(data.Calls) < maxCardCalls; i-- {
		cd := callData{V: calls[i]}
		if rec, err := h.c.Store.Call(ctx, calls[i].ID); err == nil {
			cd.Turns, cd.Slots = rec.Turns, h.slots(rec.Slots)
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		data.Calls = append(data.Calls, cd)
	}
	if h.c.Guard != nil {
		data.Guard = h.explain(r, d.ID)
	}
	h.render(w, http.StatusOK, "debtor", view{Title: d.Name, P: p, Nav: "debtors", Data: data})
	return nil
}

// explain is the guard's word on a robot call to the debtor now.
func (h *Handler) explain(r *http.Request, id string) *guardView {
	dec, err := h.c.Guard.Explain(r.Context(), compliance.Request{DebtorID: id, Channel: compliance.RobotCall}, h.clk.Now())
	if err != nil {
		h.log.Warn("web: guard explain", "debtor", id, "err", err)
		return &guardView{Unavailable: "проверка 230-ФЗ сейчас недоступна"}
	}
	g := &guardView{Allowed: dec.Allowed, Reason: strings.Join(dec.Reasons, ","), Detail: dec.Detail, Next: dec.NextAllowedAt,
		Zone: dec.Zone, NothingSoon: !dec.Allowed && dec.NextAllowedAt.IsZero()}
	if !dec.NextAllowedLocal.IsZero() {
		g.NextLocal = dec.NextAllowedLocal.Format("02.01.2006 15:04")
	}
	return g
}
