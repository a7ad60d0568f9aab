package api

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"unicode/utf8"

	"github.com/dozvon/dozvon/auth"
	"github.com/dozvon/dozvon/phonenum"
	"github.com/dozvon/dozvon/store"
)

// Debtor is a debtor in the API's answers. A collector's Phones are masked.
type Debtor struct {
	ID        string   `json:"id"`
	Name      string   `json:"name"`
	Region    string   `json:"region"`
	District  string   `json:"district,omitempty"`
	Collector string   `json:"collector,omitempty"`
	Phones    []string `json:"phones"`
	Outcome   string   `json:"outcome,omitempty"`
}

func debtorOut(d store.DebtorView, p auth.Principal) Debtor {
	phones := make([]string, len(d.Phones))
	for i, ph := range d.Phones {
		phones[i] = phoneFor(p, ph)
	}
	return Debtor{ID: d.ID, Name: d.Name, Region: d.Region, District: d.District, Collector: d.Collector, Phones: phones, Outcome: d.Outcome}
}

// phoneFor is a number as p may see it: a collector never gets a full
// number (they call through the service's hand-off).
func phoneFor(p auth.Principal, number string) string {
	if p.Role == auth.Collector || p.Role == "" {
		return phonenum.Mask(number)
	}
	return number
}

func (s *Server) listDebtors(w http.ResponseWriter, r *http.Request, p auth.Principal) error {
	q, limit, err := pageQuery(r)
	if err != nil {
		return err
	}
	f := store.DebtorFilter{Region: q.Get("region"), Outcome: q.Get("outcome"), Collector: q.Get("collector"), After: q.Get("cursor"), Limit: limit}
	if c := scope(p); c != "" {
		f.Collector = c
	}
	rows, next, err := s.c.Store.ListDebtors(r.Context(), f)
	return writePage(w, "debtors", rows, next, err, func(d store.DebtorView) Debtor { return debtorOut(d, p) })
}

func (s *Server) getDebtor(w http.ResponseWriter, r *http.Request, p auth.Principal) error {
	d, err := s.c.Store.DebtorFor(r.Context(), r.PathValue("id"), scope(p))
	if err != nil {
		return notFound(err)
	}
	writeJSON(w, http.StatusOK, debtorOut(d, p))
	return nil
}

// assignment is the body of PUT /debtors/{id}/collector.
type assignment struct {
	Collector *string `json:"collector"`
}

func (s *Server) assignCollector(w http.ResponseWriter, r *http.Request, _ auth.Principal) error {
	var a assignment
	if err := decodeJSON(w, r, &a); err != nil {
		return err
	}
	if err := a.check(); err != nil {
		return err
	}
	id := r.PathValue("id")
	if err := s.c.Store.AssignCollector(r.Context(), id, *a.Collector); err != nil {
		return notFound(err)
	}
	writeJSON(w, http.StatusOK, map[string]string{"id": id, "collector": *a.Collector})
	return nil
}

func (a assignment) check() error {
	switch {
	case a.Collector == nil:
		return invalid(`collector is required ("" unassigns)`, "collector")
	case !utf8.ValidString(*a.Collector) || len(*a.Collector) > 64:
		return invalid("collector must be a login of at most 64 bytes", "collector")
	}
	return nil
}

// notFound turns the store's ErrNotFound into the 404 envelope.
func notFound(err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return errNotFound
	}
	return err
}

// pageQuery is a list's query and its page size (limit=1…500; 0: the store's default).
func pageQuery(r *http.Request) (url.Values, int, error) {
	q := r.URL.Query()
	s := q.Get("limit")
	if s == "" {
		return q, 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > 500 {
		return q, 0, badRequest("bad_parameter", fmt.Sprintf("limit %q: want a number from 1 to 500", s), "limit")
	}
	return q, n, nil
}

// writePage answers one page of a list as {key: [...], "next_cursor": …}.
func writePage[T, U any](w http.ResponseWriter, key string, rows []T, next string, err error, out func(T) U) error {
	if err != nil {
		return err
	}
	items := make([]U, len(rows))
	for i, row := range rows {
		items[i] = out(row)
	}
	writeJSON(w, http.StatusOK, map[string]any{key: items, "next_cursor": next})
	return nil
}
