package api

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/dozvon/dozvon/auth"
	"github.com/dozvon/dozvon/callflow"
	"github.com/dozvon/dozvon/phonenum"
)

// Caller places a click-to-call call and returns its id once the debtor is
// being dialed (the call goes on after the request); a *callflow.Flow bound
// to the service's context implements it (cmd's serve wiring).
type Caller interface {
	ClickToCall(ctx context.Context, req callflow.ClickToCall) (string, error)
}

// clickToCallRequest is POST /calls/click-to-call's body. The number is
// never in it: the debtor's first number is dialed, and nobody on the
// collector's side sees it.
type clickToCallRequest struct {
	Debtor string `json:"debtor"`
	// Collector is whose phone rings first: a manager may name one; a
	// collector's own login always (default: the caller's login).
	Collector string `json:"collector"`
}

// ClickToCallAccepted is the answer to a call that is under way.
type ClickToCallAccepted struct {
	Call string `json:"call"`
}

// Denial is the answer to a call the 230-FZ guard refused (409).
type Denial struct {
	Error            *Error    `json:"error"`
	Reason           string    `json:"reason"`
	Reasons          []string  `json:"reasons,omitempty"`
	Detail           string    `json:"detail"`
	NextAllowedAt    time.Time `json:"next_allowed_at,omitzero"`
	NextAllowedLocal string    `json:"next_allowed_local,omitempty"`
}

// clickToCall rings the collector's phone, asks the guard for a human call
// and bridges the debtor: 202 with the call's id, 409 with the guard's
// reason and next allowed time when refused (nothing reached the debtor),
// 409 when the collector's phone is offline or did not answer, 404 for a
// debtor a collector may not see, 422 for a debtor without a number.
func (s *Server) clickToCall(w http.ResponseWriter, r *http.Request, p auth.Principal) error {
	if s.c.Caller == nil {
		return errNotFound
	}
	var req clickToCallRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	if req.Debtor == "" {
		return invalid("debtor is required", "debtor")
	}
	collector := p.Login
	if req.Collector != "" && req.Collector != p.Login {
		if p.Role == auth.Collector {
			return &Error{Status: http.StatusForbidden, Code: "forbidden", Message: "a collector's calls ring their own phone", Field: "collector"}
		}
		collector = req.Collector
	}
	if collector == "" {
		return invalid("collector is required: whose phone rings first", "collector")
	}
	d, err := s.c.Store.DebtorFor(r.Context(), req.Debtor, scope(p))
	if err != nil {
		return notFound(err)
	}
	var phone phonenum.Number
	for _, ph := range d.Phones {
		if n, err := phonenum.Parse(ph); err == nil {
			phone = n
			break
		}
	}
	if !phone.IsValid() {
		return invalid("the debtor has no number to call", "debtor")
	}
	id, err := s.c.Caller.ClickToCall(r.Context(), callflow.ClickToCall{DebtorID: d.ID, Name: d.Name, Phone: phone, Region: d.Region, Collector: collector})
	var denied *callflow.DeniedError
	switch {
	case errors.As(err, &denied):
		dec := denied.Decision
		out := Denial{Error: &Error{Code: "denied", Message: "the 230-FZ guard refused the call: " + dec.Reason},
			Reason: dec.Reason, Reasons: dec.Reasons, Detail: dec.Detail, NextAllowedAt: dec.NextAllowedAt}
		if !dec.NextAllowedLocal.IsZero() {
			out.NextAllowedLocal = dec.NextAllowedLocal.Format(time.RFC3339)
		}
		writeJSON(w, http.StatusConflict, out)
		return nil
	case errors.Is(err, callflow.ErrNoCollector):
		return &Error{Status: http.StatusConflict, Code: "collector_offline", Message: "the collector's phone is not registered: open the softphone and try again"}
	case errors.Is(err, callflow.ErrNoCollectorAnswer):
		return &Error{Status: http.StatusConflict, Code: "collector_no_answer", Message: "the collector's phone did not answer"}
	case errors.Is(err, callflow.ErrRecorderDown):
		return &Error{Status: http.StatusServiceUnavailable, Code: "recorder_down", Message: "calls cannot be recorded now: new calls are refused"}
	case err != nil:
		return err
	}
	writeJSON(w, http.StatusAccepted, ClickToCallAccepted{Call: id})
	return nil
}
