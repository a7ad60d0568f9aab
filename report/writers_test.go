package report

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dozvon/dozvon/callflow"
	"github.com/dozvon/dozvon/compliance"
	"github.com/dozvon/dozvon/phonenum"
	"github.com/dozvon/dozvon/portfolio"
	"github.com/dozvon/dozvon/robot"
	"github.com/dozvon/dozvon/store"
	"github.com/dozvon/dozvon/testcalls"
)

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
	now := time.Date(2026, 11, 24, 8, 0, 0, 0, time.UTC)
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
		{"import", func(b *strings.Builder) bool { WriteImport(b, "p.csv", res, true, 1234567*time.Microsecond); return true }, true,
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
			for _, w := range tt.want {
				if !strings.Contains(b.String(), w) {
					t.Errorf("output lacks %q:\n%s", w, b.String())
				}
			}
			for _, w := range tt.absent {
				if strings.Contains(b.String(), w) {
					t.Errorf("output has %q:\n%s", w, b.String())
				}
			}
		})
	}
}

// TestSaveCSV: the results file is written with its directory, and a path
// that cannot be created is an error naming it.
func TestSaveCSV(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sub", "results.csv")
	if err := SaveCSV(path, nil, nil); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(path); err != nil || !strings.HasPrefix(string(b), "debtor") {
		t.Fatalf("read %q, %v", b, err)
	}
	blocker := filepath.Join(dir, "file")
	if err := os.WriteFile(blocker, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := SaveCSV(filepath.Join(blocker, "results.csv"), nil, nil); err == nil || !strings.Contains(err.Error(), blocker) {
		t.Fatalf("got %v, want an error naming %s", err, blocker)
	}
}
