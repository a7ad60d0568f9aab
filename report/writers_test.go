package report

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/dozvon/dozvon/callflow"
	"github.com/dozvon/dozvon/clock"
	"github.com/dozvon/dozvon/compliance"
	"github.com/dozvon/dozvon/detect"
	"github.com/dozvon/dozvon/phonenum"
	"github.com/dozvon/dozvon/portfolio"
	"github.com/dozvon/dozvon/robot"
	"github.com/dozvon/dozvon/store"
	"github.com/dozvon/dozvon/testcalls"
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
			checkOutput(t, b.String(), tt.want, tt.notWant)
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

// checkOutput fails t for each line of want that out lacks and each of
// absent that it has.
func checkOutput(t *testing.T, out string, want, absent []string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(out, w) {
			t.Errorf("output lacks %q:\n%s", w, out)
		}
	}
	for _, w := range absent {
		if strings.Contains(out, w) {
			t.Errorf("output has %q:\n%s", w, out)
		}
	}
}

// TestWriters: the command outputs that moved here from cmd/dozvon (numplan
// lookup, phones list, portfolio summary, audit, import, dozvon test, demo
// transcripts), each checked for the lines a reader relies on.
func TestWriters(t *testing.T) {
	plan, err := compliance.NewPlan([]compliance.Range{{From: 9130000000, To: 9139999999, Operator: "ПАО МТС", Region: "Новосибирская область"}})
	if err != nil {
		t.Fatal(err)
	}
	in, _ := phonenum.ParseRussian("+79131234567")
	out, _ := phonenum.ParseRussian("+79991234567")
	now := clock.Fixed(time.Date(2026, 11, 24, 8, 0, 0, 0, time.UTC)).Now() // the moment the zones are shown at
	at := time.Date(2026, 11, 20, 10, 5, 0, 0, time.UTC)
	res := portfolio.Result{Encoding: "cp1251", Separator: ';', Rows: 3, Accepted: 2,
		Rejected: []portfolio.Rejection{{Line: 4, Reason: "no phone"}}, Warnings: []portfolio.Rejection{{Line: 2, Reason: "bad second phone"}}}
	tr := robot.Turn{Node: "greet", Who: robot.WhoRobot, Kind: "say", Text: "Алло", Start: now}
	tests := []struct {
		name   string
		write  func(b *strings.Builder) bool
		ok     bool
		want   []string
		absent []string
	}{
		{"lookup: in the plan", func(b *strings.Builder) bool { return WriteLookup(b, plan, in, now) }, true,
			[]string{"region=Новосибирская область\toperator=ПАО МТС\tzone=Asia/Novosibirsk (UTC+07:00)\trange=9130000000-9139999999"}, nil},
		{"lookup: not in the plan", func(b *strings.Builder) bool { return WriteLookup(b, plan, out, now) }, false,
			[]string{"\tnot in the numbering plan"}, []string{"region="}},
		{"zone of an unknown place", func(b *strings.Builder) bool {
			b.WriteString(ZoneLabel(compliance.Location{Unknown: true}, now))
			return true
		}, true, []string{"unknown (all Russian zones)"}, nil},
		{"phones: none", func(b *strings.Builder) bool { return WritePhones(b, nil, nil) == nil }, true, []string{"no numbers in quarantine"}, []string{"debtor"}},
		{"phones: a row with the debtor's name", func(b *strings.Builder) bool {
			return WritePhones(b, []store.PhoneStatus{{DebtorID: "D-1", Phone: "+79131234567", Status: store.PhoneQuarantined, Note: "wrong person", At: at}},
				func(id string) string { return map[string]string{"D-1": "Иванов И. И."}[id] }) == nil
		}, true, []string{"debtor  name", "D-1     Иванов И. И.  +79131234567  quarantined  2026-11-20 10:05  wrong person"}, nil},
		{"portfolio summary", func(b *strings.Builder) bool { WritePortfolio(b, "p.csv", res); return true }, true,
			[]string{"portfolio p.csv: 3 rows, 0 debtors, 0 phones, 1 rows rejected", "  line 4: rejected: no phone"}, []string{"bad second phone"}},
		{"import", func(b *strings.Builder) bool {
			WriteImport(b, "p.csv", res, true, 1234567*time.Microsecond)
			return true
		}, true,
			[]string{`p.csv (cp1251, separator ';'): 3 rows, 2 accepted, 1 rejected`, "dry run, nothing stored (parsed in 1.235s)", "  line 4: rejected: no phone", "  line 2: note: bad second phone"}, nil},
		{"audit", func(b *strings.Builder) bool {
			WriteAudit(b, compliance.AuditResult{Entries: 7, Findings: []compliance.Finding{{DebtorID: "D-1", Detail: "two calls in a day"}}})
			return true
		}, true, []string{"7 ledger entries, 1 findings", "   D-1: two calls in a day"}, nil},
		{"script tests", func(b *strings.Builder) bool {
			WriteScriptTests(b, "verify_contact", "v3", testcalls.Report{Cases: 2, Passed: 1, PassRate: 50, Results: []testcalls.CaseResult{
				{Name: "confirms", Passed: true, Outcome: "identified"}, {Name: "refuses", Place: "cases.yaml:12", Reason: "outcome refused, want callback"}},
				Coverage: testcalls.Coverage{Nodes: 4, NodesVisited: 3, NodePercent: 75, UnvisitedNodes: []string{"transfer"}}})
			return true
		}, true, []string{"PASS  confirms  → identified", "FAIL  refuses  (cases.yaml:12)\n      outcome refused, want callback", "verify_contact v3: 1/2 cases passed, pass rate 50.0%",
			"nodes 3/4 (75.0%)", "unvisited nodes: transfer"}, []string{"untaken edges"}},
		{"demo transcripts only for the outcomes asked", func(b *strings.Builder) bool {
			WriteCallsAndTranscripts(b, []CallRow{
				{Phone: "+79131234567", What: "confirms", Report: callflow.Report{Result: robot.CallResult{Result: robot.Result{Outcome: "identified", Turns: []robot.Turn{tr}}}}},
				{Phone: "+79131234568", What: "refuses", Report: callflow.Report{Result: robot.CallResult{Result: robot.Result{Outcome: "refused", Turns: []robot.Turn{tr}}}}},
			}, "identified", "callback")
			return true
		}, true, []string{"transcript, +7 913 *** ** 67 (confirms):\n     0.0s greet          robot : Алло"}, []string{"transcript, +7 913 *** ** 68"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b strings.Builder
			if ok := tt.write(&b); ok != tt.ok {
				t.Errorf("returned %v, want %v", ok, tt.ok)
			}
			checkOutput(t, b.String(), tt.want, tt.absent)
		})
	}
}
