package api

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/dozvon/dozvon/auth"
	"github.com/dozvon/dozvon/events"
	"github.com/dozvon/dozvon/store"
)

// Call is a call in the API's list.
type Call struct {
	ID           string     `json:"id"`
	Debtor       string     `json:"debtor,omitempty"`
	Campaign     string     `json:"campaign,omitempty"`
	Direction    string     `json:"direction"`
	Result       string     `json:"result"`
	SIPCode      int        `json:"sip_code,omitempty"`
	Outcome      string     `json:"outcome,omitempty"`
	Started      time.Time  `json:"started"`
	Answered     *time.Time `json:"answered,omitempty"`
	Ended        time.Time  `json:"ended"`
	CostKop      int64      `json:"cost_kop"`
	HasRecording bool       `json:"has_recording"`
}

// CallDetail is one call with what was said and decided.
type CallDetail struct {
	Call
	From       string                 `json:"from"`
	To         string                 `json:"to"`
	Trunk      string                 `json:"trunk,omitempty"`
	Script     string                 `json:"script,omitempty"`
	Version    string                 `json:"script_version,omitempty"`
	Slots      map[string]string      `json:"slots,omitempty"`
	Verdict    *store.DetectionRecord `json:"verdict,omitempty"`
	Transcript []Turn                 `json:"transcript"`
}

// Turn is one turn of a call's transcript.
type Turn struct {
	Seq      int               `json:"seq"`
	Node     string            `json:"node"`
	Who      string            `json:"who"`
	Kind     string            `json:"kind"`
	Text     string            `json:"text"`
	Intent   string            `json:"intent,omitempty"`
	Slots    map[string]string `json:"slots,omitempty"`
	Start    time.Time         `json:"start"`
	End      time.Time         `json:"end"`
	BargedIn bool              `json:"barged_in,omitempty"`
}

func callOut(c store.CallView) Call {
	out := Call{ID: c.ID, Debtor: c.DebtorID, Campaign: c.Campaign, Direction: c.Direction, Result: c.Result, SIPCode: c.SIPCode,
		Outcome: c.Outcome, Started: c.Started, Ended: c.Ended, CostKop: c.CostKop, HasRecording: c.HasRecording}
	if !c.Answered.IsZero() {
		a := c.Answered
		out.Answered = &a
	}
	return out
}

func (s *Server) listCalls(w http.ResponseWriter, r *http.Request, p auth.Principal) error {
	q, limit, err := pageQuery(r)
	if err != nil {
		return err
	}
	rows, next, err := s.c.Store.ListCalls(r.Context(), store.CallFilter{
		Debtor: q.Get("debtor"), Campaign: q.Get("campaign"), Collector: scope(p), After: q.Get("cursor"), Limit: limit})
	return writePage(w, "calls", rows, next, err, callOut)
}

func (s *Server) getCall(w http.ResponseWriter, r *http.Request, p auth.Principal) error {
	v, err := s.c.Store.CallFor(r.Context(), r.PathValue("id"), scope(p))
	if err != nil {
		return notFound(err)
	}
	rec, err := s.c.Store.Call(r.Context(), v.ID)
	if err != nil {
		return notFound(err)
	}
	d := CallDetail{Call: callOut(v), From: phoneFor(p, rec.From), To: phoneFor(p, rec.To), Trunk: rec.Trunk,
		Script: rec.ScriptName, Version: rec.ScriptVersion, Slots: slotsFor(p, rec.Slots), Verdict: rec.Detection, Transcript: make([]Turn, len(rec.Turns))}
	for i, t := range rec.Turns {
		d.Transcript[i] = Turn{Seq: t.Seq, Node: t.Node, Who: t.Who, Kind: t.Kind, Text: textFor(p, t.Text), Intent: t.Intent, Slots: slotsFor(p, t.Slots),
			Start: t.Start, End: t.End, BargedIn: t.BargedIn}
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}

// getRecording streams a call's WAV with HTTP Range (http.ServeContent).
// The file is the one the store names for the call, and only when it lies
// inside the recordings directory: no path ever comes from the client.
func (s *Server) getRecording(w http.ResponseWriter, r *http.Request, p auth.Principal) error {
	v, err := s.c.Store.CallFor(r.Context(), r.PathValue("id"), scope(p))
	if err != nil {
		return notFound(err)
	}
	path, err := s.recordingPath(v.RecordingPath)
	if err != nil {
		s.log.Warn("recording not served", "call", v.ID, "err", err)
		return errNotFound
	}
	f, err := os.Open(path)
	if err != nil {
		s.log.Warn("recording not served", "call", v.ID, "err", err)
		return errNotFound // archived or deleted by retention
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		return errNotFound
	}
	w.Header().Set("Content-Type", "audio/wav")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.wav"`, v.ID))
	http.ServeContent(w, r, v.ID+".wav", st.ModTime(), f)
	return nil
}

// recordingPath resolves a stored recording path and checks it is inside
// the recordings directory.
func (s *Server) recordingPath(stored string) (string, error) {
	if stored == "" {
		return "", fmt.Errorf("recording: the call has none")
	}
	if s.c.RecordDir == "" {
		return "", fmt.Errorf("recording: no recordings directory configured")
	}
	dir, err := filepath.Abs(s.c.RecordDir)
	if err != nil {
		return "", fmt.Errorf("recording: %w", err)
	}
	path, err := filepath.Abs(stored)
	if err != nil {
		return "", fmt.Errorf("recording: %w", err)
	}
	rel, err := filepath.Rel(dir, path)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", fmt.Errorf("recording: stored path is outside %s", s.c.RecordDir)
	}
	return path, nil
}

// textFor is what a debtor said as p may read it: a number dictated in a
// call is masked for a collector, as their numbers are (phoneFor).
func textFor(p auth.Principal, text string) string {
	if p.Role == auth.Collector || p.Role == "" {
		return events.MaskNumbers(text)
	}
	return text
}

// slotsFor is a call's slots as p may read them (textFor on each value: a
// slot may hold a number the debtor gave).
func slotsFor(p auth.Principal, slots map[string]string) map[string]string {
	if len(slots) == 0 {
		return slots
	}
	out := make(map[string]string, len(slots))
	for k, v := range slots {
		out[k] = textFor(p, v)
	}
	return out
}
