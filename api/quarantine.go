package api

import (
	"errors"
	"net/http"
	"time"

	"github.com/dozvon/dozvon/auth"
	"github.com/dozvon/dozvon/compliance"
	"github.com/dozvon/dozvon/store"
)

// Quarantined is a number under review in the API's answers.
type Quarantined struct {
	Debtor string    `json:"debtor"`
	Phone  string    `json:"phone"`
	Status string    `json:"status"`
	Note   string    `json:"note,omitempty"`
	At     time.Time `json:"at"`
}

func (s *Server) listQuarantine(w http.ResponseWriter, r *http.Request, p auth.Principal) error {
	status := store.PhoneQuarantined
	switch v := r.URL.Query().Get("status"); v {
	case "":
	case "all":
		status = ""
	case store.PhoneQuarantined, store.PhoneWrongConfirmed:
		status = v
	default:
		return badRequest("bad_parameter", "status "+v+": want quarantined, wrong_confirmed or all", "status")
	}
	sts, err := s.c.Store.PhoneStatuses(r.Context(), status, "")
	// Only managers reach this route and they see full numbers elsewhere
	// (debtors); phoneFor still masks, so widening the roles leaks nothing.
	return writePage(w, "phones", sts, "", err, func(st store.PhoneStatus) Quarantined {
		return Quarantined{Debtor: st.DebtorID, Phone: phoneFor(p, st.Phone), Status: st.Status, Note: st.Note, At: st.At}
	})
}

// phoneReview is the body of the review actions. The number travels in the
// body, never in the URL: URLs end up in access logs and browser history,
// and a phone number is personal data. The debtor is required because one
// number can be quarantined for several debtors and the API should not guess.
type phoneReview struct {
	Phone  string `json:"phone"`
	Debtor string `json:"debtor"`
}

// reviewed decodes a review body and finds the quarantined number it names.
func (s *Server) reviewed(w http.ResponseWriter, r *http.Request) (store.PhoneStatus, error) {
	var b phoneReview
	if err := decodeJSON(w, r, &b); err != nil {
		return store.PhoneStatus{}, err
	}
	if b.Debtor == "" {
		return store.PhoneStatus{}, invalid("debtor is required", "debtor")
	}
	phone, err := compliance.NormalizePhone(b.Phone)
	if err != nil {
		return store.PhoneStatus{}, invalid("phone: not a Russian number", "phone") // the error text would echo the number
	}
	st, err := s.c.Store.QuarantinedFor(r.Context(), phone, b.Debtor)
	if err != nil {
		return store.PhoneStatus{DebtorID: b.Debtor, Phone: phone}, notFound(err)
	}
	return st, nil
}

// debtorsNumber is st when its phone is one of its debtor's numbers, else 404.
func (s *Server) debtorsNumber(r *http.Request, st store.PhoneStatus) (store.PhoneStatus, error) {
	d, err := s.c.Store.DebtorFor(r.Context(), st.DebtorID, "")
	if err != nil {
		return st, notFound(err)
	}
	for _, ph := range d.Phones {
		if ph == st.Phone {
			return st, nil
		}
	}
	return st, errNotFound
}

func (s *Server) confirmWrong(w http.ResponseWriter, r *http.Request, p auth.Principal) error {
	st, err := s.reviewed(w, r)
	if err != nil {
		return err
	}
	if err := s.c.Store.ConfirmWrong(r.Context(), st, s.clk.Now()); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, Quarantined{Debtor: st.DebtorID, Phone: phoneFor(p, st.Phone), Status: store.PhoneWrongConfirmed, At: s.clk.Now()})
	return nil
}

// restorePhone is idempotent: restoring a debtor's number that is no
// longer under review answers 200 with nothing ended, so a client retrying
// after a lost answer is not told the number is unknown. A number that is
// not the debtor's is 404.
func (s *Server) restorePhone(w http.ResponseWriter, r *http.Request, p auth.Principal) error {
	st, err := s.reviewed(w, r)
	var missing *Error
	if errors.As(err, &missing) && missing == errNotFound {
		if st, err = s.debtorsNumber(r, st); err != nil {
			return err
		}
	}
	if err != nil {
		return err
	}
	n, err := s.c.Store.RestorePhone(r.Context(), st, s.clk.Now())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"debtor": st.DebtorID, "phone": phoneFor(p, st.Phone), "status": "restored", "blocks_ended": n})
	return nil
}
