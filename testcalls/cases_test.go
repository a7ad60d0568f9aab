package testcalls

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dozvon/dozvon/scripts"
)

// TestBundledCases runs every scripts/testdata/*.cases.yaml against its
// script: each case is a subtest, so CI gates on them, and each bundled
// script must reach 95 % node coverage.
func TestBundledCases(t *testing.T) {
	files, err := filepath.Glob("../scripts/testdata/*.cases.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no case files: %v", err)
	}
	byScript := map[string][]*CaseFile{}
	total := 0
	for _, f := range files {
		cf, err := LoadCases(f)
		if err != nil {
			t.Fatal(err)
		}
		p, err := cf.ScriptPath()
		if err != nil {
			t.Fatal(err)
		}
		byScript[p] = append(byScript[p], cf)
		total += len(cf.Cases)
	}
	if total < 80 {
		t.Errorf("%d cases in the repo, want at least 80", total)
	}
	for path, cfs := range byScript {
		sc, err := scripts.Load(path)
		if err != nil {
			t.Fatal(err)
		}
		t.Run(sc.Name, func(t *testing.T) {
			cov := newCoverageCounter(sc)
			for _, cf := range cfs {
				for i := range cf.Cases {
					c := &cf.Cases[i]
					t.Run(c.Name, func(t *testing.T) {
						r := RunCase(context.Background(), sc, cf, c, nil)
						cov.add(r.Result.Path)
						if !r.Passed {
							t.Errorf("%s: %s", r.Place, r.Reason)
						}
					})
				}
			}
			c := cov.coverage()
			t.Logf("coverage: nodes %d/%d (%.1f%%), edges %d/%d (%.1f%%)", c.NodesVisited, c.Nodes, c.NodePercent, c.EdgesTaken, c.Edges, c.EdgePercent)
			if c.NodePercent < 95 {
				t.Errorf("node coverage %.1f%% < 95%%; unvisited: %v", c.NodePercent, c.UnvisitedNodes)
			}
		})
	}
}

func TestReportJSONShape(t *testing.T) {
	cf, err := LoadCases("../scripts/testdata/verify_contact.cases.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cf.Cases = cf.Cases[:3]
	cf.Cases[2].Expect.Outcome = "refused" // one failing case
	sc, err := scripts.Load("../scripts/verify_contact.yaml")
	if err != nil {
		t.Fatal(err)
	}
	rep := RunText(context.Background(), sc, []*CaseFile{cf}, nil)
	data, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Cases    *int             `json:"cases"`
		Passed   *int             `json:"passed"`
		Coverage map[string]any   `json:"coverage"`
		Results  []map[string]any `json:"results"`
	}
	if err := json.Unmarshal(data, &got); err != nil {
		t.Fatal(err)
	}
	if got.Cases == nil || *got.Cases != 3 || got.Passed == nil || *got.Passed != 2 {
		t.Fatalf("cases/passed: %s", data)
	}
	for _, k := range []string{"nodes", "nodes_visited", "node_percent", "edges", "edges_taken", "edge_percent"} {
		if _, ok := got.Coverage[k]; !ok {
			t.Errorf("coverage lacks %q: %s", k, data)
		}
	}
	if len(got.Results) != 3 {
		t.Fatalf("results: %s", data)
	}
	for _, k := range []string{"name", "passed", "outcome"} {
		if _, ok := got.Results[0][k]; !ok {
			t.Errorf("result lacks %q", k)
		}
	}
	if got.Results[2]["passed"] != false || !strings.Contains(got.Results[2]["reason"].(string), "outcome: got identified, want refused") {
		t.Errorf("failing case: %v", got.Results[2])
	}
}

func TestLoadCasesErrors(t *testing.T) {
	tests := []struct {
		name, yaml, want string
	}{
		{"bad silence", "script: x\nnow: 2026-11-24T11:00:00+03:00\ncases:\n  - name: a\n    caller: [{silence: soon}]\n    expect: {outcome: hangup}\n", ":5: silence \"soon\""},
		{"unknown item", "script: x\nnow: 2026-11-24T11:00:00+03:00\ncases:\n  - name: a\n    caller: [{shout: \"да\"}]\n    expect: {outcome: hangup}\n", "unknown key \"shout\""},
		{"bad dtmf", "script: x\nnow: 2026-11-24T11:00:00+03:00\ncases:\n  - name: a\n    caller: [{dtmf: \"12a\"}]\n    expect: {outcome: hangup}\n", "dtmf \"12a\""},
		{"no now", "script: x\ncases:\n  - name: a\n    caller: [\"да\"]\n    expect: {outcome: hangup}\n", "c.yaml:3: case \"a\": now is required"},
		{"bad now", "script: x\ncases:\n  - name: a\n    now: tomorrow\n    caller: [\"да\"]\n    expect: {outcome: hangup}\n", "now \"tomorrow\""},
		{"no outcome", "script: x\nnow: 2026-11-24T11:00:00+03:00\ncases:\n  - name: a\n    caller: [\"да\"]\n    expect: {}\n", "c.yaml:4: case \"a\": expect.outcome is required"},
		{"bad time", "script: x\nnow: 2026-11-24T11:00:00+03:00\ncases:\n  - name: a\n    caller: [\"да\"]\n    expect: {outcome: callback, callback_at: завтра}\n", "expect.callback_at \"завтра\""},
		{"unknown field", "script: x\nnow: 2026-11-24T11:00:00+03:00\ncases:\n  - name: a\n    callr: [\"да\"]\n    expect: {outcome: hangup}\n", "c.yaml:5: unknown field \"callr\""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "c.yaml")
			if err := os.WriteFile(p, []byte(tc.yaml), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := LoadCases(p)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

func TestCaseSteps(t *testing.T) {
	c := Case{Caller: []CallerItem{{Say: "да"}, {Silence: 6e9}, {DTMF: "1"}, {Interrupt: "нет"}, {Hangup: true}}}
	st := c.Steps()
	if len(st) != 5 || st[0].Say != "да" || st[1].Silence != 6e9 || st[2].DTMF != "1" || st[3].Interrupt != "нет" || !st[4].Hangup {
		t.Fatalf("steps %+v", st)
	}
}
