package report

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/dozvon/dozvon/callflow"
	"github.com/dozvon/dozvon/compliance"
	"github.com/dozvon/dozvon/detect"
	"github.com/dozvon/dozvon/robot"
)

// TestWriteCall: what `dozvon call` prints for each kind of call (these
// lines were printDecision, printDetection, printTranscript in cmd).
func TestWriteCall(t *testing.T) {
	msk := time.FixedZone("MSK", 3*3600)
	local := time.Date(2026, 11, 24, 11, 0, 0, 0, msk)
	t0 := time.Date(2026, 11, 24, 8, 0, 0, 0, time.UTC)
	answered := callflow.Report{ID: "out-1", Decision: &compliance.Decision{Allowed: true, Local: local, Zone: "Europe/Moscow"},
		Result: robot.CallResult{Result: robot.Result{Outcome: "callback", Slots: map[string]string{"callback_at": "2026-11-25 10:00", "other": "x"},
			Turns: []robot.Turn{
				{Node: "greet", Who: robot.WhoRobot, Kind: "say", Text: "Здравствуйте", Start: t0, BargedIn: true},
				{Node: "greet", Who: robot.WhoCaller, Kind: "dtmf", Text: "1", Intent: "yes", Start: t0.Add(1500 * time.Millisecond)},
			}}, Detection: &detect.Decision{Class: detect.Human, Confidence: 0.9, At: 800 * time.Millisecond, Evidence: []string{"greeting word"}}},
		Duration: 12 * time.Second}
	tests := []struct {
		name    string
		rep     callflow.Report
		want    []string
		notWant []string
	}{
		{"answered", answered, []string{
			"230-FZ: allowed at 2026-11-24 11:00 MSK local (Europe/Moscow)\n",
			"first phrase: human (confidence 0.90) at 0.80s\n  - greeting word\n",
			"     0.0s greet          robot : Здравствуйте (interrupted)\n",
			"     1.5s greet          caller: [dtmf] 1 → yes\n",
			"outcome: callback (callback_at=2026-11-25 10:00)\n",
			"call out-1: 12.0s",
		}, []string{"not connected", "other=x"}},
		{"denied", callflow.Report{DialErr: callflow.ErrDenied, Decision: &compliance.Decision{Reasons: []string{"night"}, Detail: "22:30 local",
			NextAllowedAt: t0, NextAllowedLocal: local}}, []string{
			"230-FZ: denied (night): 22:30 local; next allowed 2026-11-24 11:00 MSK\n", "not connected: ",
		}, []string{"outcome:", "first phrase"}},
		{"denied with no next time", callflow.Report{DialErr: callflow.ErrDenied, Decision: &compliance.Decision{Reasons: []string{"block"}}},
			[]string{"next allowed none within the horizon"}, nil},
		{"a SIP test endpoint, busy", callflow.Report{DialErr: errors.New("486 Busy Here")}, []string{
			"not a phone number (a SIP test endpoint)", "not connected: 486 Busy Here\n",
		}, []string{"outcome:"}},
		{"a class settled after the first guess", callflow.Report{DialErr: errors.New("hangup"), Result: robot.CallResult{Detection: &detect.Decision{
			Class: detect.Machine, Provisional: detect.VoiceAssistant, Confidence: 0.7, At: 2 * time.Second, SettledAt: 4500 * time.Millisecond}}},
			[]string{"first phrase: machine (confidence 0.70), not a person at 2.00s (first guess voice_assistant), class settled at 4.50s\n"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b strings.Builder
			WriteCall(&b, tt.rep)
			for _, w := range tt.want {
				if !strings.Contains(b.String(), w) {
					t.Errorf("output lacks %q:\n%s", w, b.String())
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(b.String(), w) {
					t.Errorf("output has %q:\n%s", w, b.String())
				}
			}
		})
	}
}

func TestSlotsTextAndMaskURI(t *testing.T) {
	for _, tt := range []struct{ name, got, want string }{
		{"no slots", SlotsText(nil), ""},
		{"only unlisted slots", SlotsText(map[string]string{"x": "1"}), ""},
		{"fixed order", SlotsText(map[string]string{"amount": "5000", "callback_at": "завтра"}), " (callback_at=завтра, amount=5000)"},
		{"a SIP test URI stays", MaskURI("sip:keypad@127.0.0.1:5070"), "sip:keypad@127.0.0.1:5070"},
		{"a number in a URI", MaskURI("sip:+79131234567@trunk.example"), "sip:+7 913 *** ** 67@trunk.example"},
		{"a bare number", MaskURI("+79131234567"), "+7 913 *** ** 67"},
	} {
		if tt.got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, tt.got, tt.want)
		}
	}
}
