package report

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/dozvon/dozvon/callflow"
	"github.com/dozvon/dozvon/compliance"
	"github.com/dozvon/dozvon/detect"
	"github.com/dozvon/dozvon/robot"
)

// WriteCall prints one placed call as `dozvon call` shows it: the 230-FZ
// decision, the first-phrase verdict and, when the call connected, the
// transcript, the outcome and the call's figures.
func WriteCall(w io.Writer, rep callflow.Report) {
	WriteDecision(w, rep.Decision)
	WriteDetection(w, rep.Result.Detection)
	if rep.DialErr != nil {
		fmt.Fprintf(w, "not connected: %v\n", rep.DialErr)
		return
	}
	WriteTranscript(w, rep.Result.Result)
	fmt.Fprintf(w, "outcome: %s%s\n", rep.Result.Outcome, SlotsText(rep.Result.Slots))
	fmt.Fprintf(w, "call %s: %.1fs, recording %s, ASR fed %.1fs of %.1fs received, ledger: %s\n",
		rep.ID, rep.Duration.Seconds(), rep.Record.RecordingPath, rep.Result.Audio.Fed.Seconds(), rep.Result.Audio.Received.Seconds(), rep.Kind)
}

// WriteDecision prints the guard's decision on one call (nil: the call went
// to a SIP test endpoint, which no debtor ledger covers).
func WriteDecision(w io.Writer, d *compliance.Decision) {
	if d == nil {
		fmt.Fprintln(w, "230-FZ: the destination is not a phone number (a SIP test endpoint): no debtor ledger applies")
		return
	}
	if d.Allowed {
		fmt.Fprintf(w, "230-FZ: allowed at %s local (%s)\n", d.Local.Format("2006-01-02 15:04 MST"), d.Zone)
		return
	}
	next := "none within the horizon"
	if !d.NextAllowedAt.IsZero() {
		next = d.NextAllowedLocal.Format("2006-01-02 15:04 MST")
	}
	fmt.Fprintf(w, "230-FZ: denied (%s): %s; next allowed %s\n", strings.Join(d.Reasons, ", "), d.Detail, next)
}

// WriteDetection prints the first-phrase verdict: when the robot knew
// whether a person answered, when the class was settled, and why.
func WriteDetection(w io.Writer, d *detect.Decision) {
	if d == nil {
		return
	}
	settled := fmt.Sprintf(" at %.2fs", d.At.Seconds())
	if d.Provisional != "" {
		settled = fmt.Sprintf(", not a person at %.2fs (first guess %s), class settled at %.2fs", d.At.Seconds(), d.Provisional, d.SettledAt.Seconds())
	}
	fmt.Fprintf(w, "first phrase: %s (confidence %.2f)%s\n", d.Class, d.Confidence, settled)
	for _, ev := range d.Evidence {
		fmt.Fprintf(w, "  - %s\n", ev)
	}
}

// WriteTranscript prints a dialogue turn by turn, timed from its first turn.
func WriteTranscript(w io.Writer, r robot.Result) {
	var t0 time.Time
	for _, t := range r.Turns {
		if t0.IsZero() {
			t0 = t.Start
		}
		who := "robot "
		if t.Who == robot.WhoCaller {
			who = "caller"
		}
		text := t.Text
		if t.Kind != "say" && t.Kind != "speech" {
			text = "[" + t.Kind + "] " + text
		}
		extra := ""
		if t.Intent != "" {
			extra += " → " + t.Intent
		}
		if t.BargedIn {
			extra += " (interrupted)"
		}
		fmt.Fprintf(w, "  %6.1fs %-14s %s: %s%s\n", t.Start.Sub(t0).Seconds(), t.Node, who, text, extra)
	}
}

// SlotsText is the slots a supervisor acts on, in a fixed order, as
// " (k=v, …)" ("" when none of them is set).
func SlotsText(s map[string]string) string {
	var parts []string
	for _, k := range []string{"callback_at", "promise_at", "amount", "meeting_at", "meeting_place", "transfer_to", "detected_class"} {
		if v, ok := s[k]; ok {
			parts = append(parts, k+"="+v)
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return " (" + strings.Join(parts, ", ") + ")"
}

// MaskURI masks the phone number in a SIP URI or a bare number.
func MaskURI(to string) string {
	p, ok := callflow.PhoneOf(to)
	if !ok {
		return to
	}
	if _, host, found := strings.Cut(to, "@"); found {
		return "sip:" + p.Masked() + "@" + host
	}
	return p.Masked()
}
