package api

import (
	"context"
	"net/http"
	"time"

	"github.com/dozvon/dozvon/auth"
	"github.com/dozvon/dozvon/compliance"
)

// Explainer answers the 230-FZ guard's "why (not) now" without reserving
// anything; *compliance.Guard implements it.
type Explainer interface {
	Explain(ctx context.Context, r compliance.Request, at time.Time) (compliance.Decision, error)
}

// Explanation is the guard's decision as the API shows it.
type Explanation struct {
	Debtor   string    `json:"debtor"`
	Channel  string    `json:"channel"`
	At       time.Time `json:"at"`
	Allowed  bool      `json:"allowed"`
	Reason   string    `json:"reason,omitempty"`
	Reasons  []string  `json:"reasons,omitempty"`
	Detail   string    `json:"detail"`
	Local    string    `json:"local_time"` // At in the debtor's zone, with its offset
	Zone     string    `json:"zone"`
	Zones    []string  `json:"zones,omitempty"`
	Source   string    `json:"zone_source"`
	Next     time.Time `json:"next_allowed_at,omitzero"`
	NextLoc  string    `json:"next_allowed_local,omitempty"`
	NoneSoon bool      `json:"nothing_within_horizon,omitempty"` // denied with no next time: blocked, or nothing allowed for 45 days
}

// explain answers GET /compliance/explain?debtor=ID[&at=RFC3339][&channel=…]:
// the debtor's first number, now by default. A collector asking for
// another's debtor gets the 404 of a missing one (the store's scoped query).
// The number is never a parameter: it would be personal data in a URL.
func (s *Server) explain(w http.ResponseWriter, r *http.Request, p auth.Principal) error {
	if s.c.Guard == nil {
		return errNotFound
	}
	q := r.URL.Query()
	id := q.Get("debtor")
	if id == "" {
		return badRequest("bad_parameter", "debtor is required", "debtor")
	}
	at := s.clk.Now()
	if v := q.Get("at"); v != "" {
		var err error
		if at, err = time.Parse(time.RFC3339, v); err != nil {
			return badRequest("bad_parameter", "at "+v+": want an RFC 3339 time (2026-11-02T09:00:00+03:00)", "at")
		}
	}
	ch := compliance.RobotCall
	if v := q.Get("channel"); v != "" {
		ch = compliance.Channel(v)
		switch ch {
		case compliance.RobotCall, compliance.HumanCall, compliance.Message, compliance.VoiceMessage, compliance.Meeting:
		default:
			return badRequest("bad_parameter", "channel "+v+": want robot_call, human_call, message, voice_message or meeting", "channel")
		}
	}
	if _, err := s.c.Store.DebtorFor(r.Context(), id, scope(p)); err != nil {
		return notFound(err)
	}
	d, err := s.c.Guard.Explain(r.Context(), compliance.Request{DebtorID: id, Channel: ch}, at)
	if err != nil {
		return err
	}
	out := Explanation{Debtor: id, Channel: string(ch), At: at.UTC(), Allowed: d.Allowed, Reason: d.Reason, Reasons: d.Reasons, Detail: d.Detail,
		Local: d.Local.Format(time.RFC3339), Zone: d.Zone, Zones: d.Zones, Source: d.ZoneSource, Next: d.NextAllowedAt,
		NoneSoon: !d.Allowed && d.NextAllowedAt.IsZero()}
	if !d.NextAllowedLocal.IsZero() {
		out.NextLoc = d.NextAllowedLocal.Format(time.RFC3339)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
