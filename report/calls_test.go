package report

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/dozvon/dozvon/callflow"
	"github.com/dozvon/dozvon/compliance"
	"github.com/dozvon/dozvon/robot"
	"github.com/dozvon/dozvon/store"
	"github.com/dozvon/dozvon/telephony"
)

func TestCallResultAndTable(t *testing.T) {
	local := time.Date(2026, 11, 24, 11, 0, 0, 0, time.FixedZone("MSK", 3*3600))
	answered := callflow.Report{Decision: &compliance.Decision{Allowed: true, Local: local}, Dial: telephony.DialInfo{Code: 200},
		Result: robot.CallResult{Result: robot.Result{Outcome: "callback",
			Slots: map[string]string{"callback_at": "2026-11-25T10:00:00+03:00", "first_audio": "x.wav"}}},
		Record: store.CallRecord{RecordingPath: "r.wav"}, Duration: 20 * time.Second}
	rows := []CallRow{
		{Phone: "+79161110001", What: "busy, call back", Report: answered},
		{Phone: "+79161110002", What: "line busy", Report: callflow.Report{Decision: &compliance.Decision{Allowed: true, Local: local},
			DialErr: &telephony.DialError{Result: telephony.Busy, Code: 486}}},
		{Phone: "+79161110003", What: "timeout", Report: callflow.Report{DialErr: &telephony.DialError{Result: telephony.NoAnswer}}},
		{Phone: "+79161110004", What: "blocked", Report: callflow.Report{Decision: &compliance.Decision{Reasons: []string{"blocked"}, Local: local},
			DialErr: callflow.ErrDenied}},
		{Phone: "+79161110005", What: "broken", Report: callflow.Report{DialErr: errors.New("no route")}},
	}
	want := []string{"callback", "busy", "no_answer", "not called: 230-FZ blocked", "failed"}
	for i, r := range rows {
		if got := CallResult(r.Report); got != want[i] {
			t.Errorf("%s: result %q, want %q", r.What, got, want[i])
		}
	}
	var b bytes.Buffer
	WriteCalls(&b, rows)
	out := b.String()
	for _, s := range []string{"11:00 MSK", "callback_at=2026-11-25T10:00:00+03:00", "486 busy", "no_answer", "denied: blocked", "r.wav",
		"summary: busy 1, callback 1, failed 1, no_answer 1, not called: 230-FZ blocked 1"} {
		if !strings.Contains(out, s) {
			t.Errorf("table lacks %q:\n%s", s, out)
		}
	}
	if strings.Contains(out, "first_audio") || strings.Contains(out, "1110001") {
		t.Errorf("table shows an internal slot or a full number:\n%s", out)
	}
}
