package testcalls

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dozvon/dozvon/scripts"
)

// generateFor generates skeleton cases for the bundled script name beyond
// the cases (YAML, "" for none), writes them beside the script and loads
// them back as dozvon test would.
func generateFor(t *testing.T, name, cases string) (Generated, *CaseFile, []*CaseFile) {
	t.Helper()
	sc, err := scripts.Load(filepath.Join("..", "scripts", name+".yaml"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var existing []*CaseFile
	if cases != "" {
		p := filepath.Join(dir, "existing.cases.yaml")
		if err := os.WriteFile(p, []byte(cases), 0o644); err != nil {
			t.Fatal(err)
		}
		cf, err := LoadCases(p)
		if err != nil {
			t.Fatal(err)
		}
		existing = append(existing, cf)
	}
	opt := OptionsFrom(sc, existing)
	gen, err := Generate(context.Background(), sc, existing, opt)
	if err != nil {
		t.Fatal(err)
	}
	if len(gen.Cases) == 0 {
		return gen, nil, existing
	}
	var cs []Case
	for _, g := range gen.Cases {
		cs = append(cs, g.Case)
	}
	var buf bytes.Buffer
	scriptRef, _ := filepath.Abs(sc.File)
	if err := WriteCases(&buf, CaseFileHeader{Comment: "generated", Script: scriptRef, Now: opt.Now, Vars: opt.Vars}, cs); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "generated.cases.yaml")
	if err := os.WriteFile(out, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	cf, err := LoadCases(out)
	if err != nil {
		t.Fatalf("generated cases do not load: %v\n%s", err, buf.String())
	}
	return gen, cf, existing
}

const oneCase = `script: verify_contact.yaml
vars: {debtor: {name: "Иванов Иван Иванович", first_name: "Иван"}}
now: 2026-11-24T11:00:00+03:00
cases:
  - name: wrong person
    caller: ["нет"]
    expect: {outcome: wrong_person}
`

// TestGenerateRaisesCoverage: from one case, the generated skeleton cases
// load as a case file, pass at text level (they expect what the robot does,
// marked unconfirmed) and raise the edge coverage of verify_contact.
func TestGenerateRaisesCoverage(t *testing.T) {
	sc, err := scripts.Load(filepath.Join("..", "scripts", "verify_contact.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	gen, cf, existing := generateFor(t, "verify_contact", oneCase)
	if cf == nil {
		t.Fatal("nothing generated for a script one case barely covers")
	}
	before := RunText(context.Background(), sc, existing, nil)
	after := RunText(context.Background(), sc, append(existing, cf), nil)
	if after.Coverage.EdgePercent <= before.Coverage.EdgePercent {
		t.Fatalf("edge coverage %.1f%% → %.1f%%: generated cases add nothing", before.Coverage.EdgePercent, after.Coverage.EdgePercent)
	}
	if after.Passed != after.Cases {
		for _, r := range after.Results {
			if !r.Passed {
				t.Errorf("%s %s: %s", r.Place, r.Name, r.Reason)
			}
		}
	}
	if after.Unconfirmed != len(cf.Cases) || (Gate{}).Check(after) == "" {
		t.Fatalf("generated cases not reported unconfirmed (%d of %d) or the gate lets them through", after.Unconfirmed, len(cf.Cases))
	}
	// every edge is either covered now or named as unreached
	if got := after.Coverage.Edges - after.Coverage.EdgesTaken; got != len(gen.Unreached) {
		t.Fatalf("%d edges untaken after generation, generator names %d unreached: %v vs %v",
			got, len(gen.Unreached), after.Coverage.UntakenEdges, gen.Unreached)
	}
	if testing.Verbose() {
		data, _ := os.ReadFile(cf.File)
		t.Logf("%s", data)
	}
	t.Logf("verify_contact from 1 case: edges %.1f%% → %.1f%%, %d cases, %d runs, unreached %v",
		before.Coverage.EdgePercent, after.Coverage.EdgePercent, len(cf.Cases), gen.Runs, gen.Unreached)
}

// TestGenerateCoveredWritesNothing: for the bundled scripts with their own
// cases, nothing is generated where they cover every edge, and what is left
// for collection is only what no caller line reaches.
func TestGenerateCoveredWritesNothing(t *testing.T) {
	for _, name := range []string{"verify_contact", "inbound", "collection"} {
		t.Run(name, func(t *testing.T) {
			sc, err := scripts.Load(filepath.Join("..", "scripts", name+".yaml"))
			if err != nil {
				t.Fatal(err)
			}
			cf, err := LoadCases(filepath.Join("..", "scripts", "testdata", name+".cases.yaml"))
			if err != nil {
				t.Fatal(err)
			}
			rep := RunText(context.Background(), sc, []*CaseFile{cf}, nil)
			gen, err := Generate(context.Background(), sc, []*CaseFile{cf}, OptionsFrom(sc, []*CaseFile{cf}))
			if err != nil {
				t.Fatal(err)
			}
			if rep.Coverage.EdgesTaken == rep.Coverage.Edges && (len(gen.Cases) != 0 || gen.Runs != 0) {
				t.Fatalf("fully covered, yet %d cases generated after %d runs", len(gen.Cases), gen.Runs)
			}
			t.Logf("%s: untaken %v, generated %d, unreached %v", name, rep.Coverage.UntakenEdges, len(gen.Cases), gen.Unreached)
			if len(gen.Cases)+len(gen.Unreached) != len(rep.Coverage.UntakenEdges) && len(gen.Cases) == 0 {
				t.Fatalf("untaken %v neither generated nor reported unreached %v", rep.Coverage.UntakenEdges, gen.Unreached)
			}
			for _, g := range gen.Cases {
				if !strings.HasPrefix(g.Case.Name, "covers ") {
					t.Fatalf("case name %q does not say what it covers", g.Case.Name)
				}
			}
		})
	}
}

// TestGenerateFromNothing: with no cases at all, the generated cases of each
// bundled script pass at text level and cover most of its edges.
func TestGenerateFromNothing(t *testing.T) {
	for _, name := range []string{"collection", "inbound"} {
		t.Run(name, func(t *testing.T) {
			sc, err := scripts.Load(filepath.Join("..", "scripts", name+".yaml"))
			if err != nil {
				t.Fatal(err)
			}
			gen, cf, _ := generateFor(t, name, "")
			if cf == nil {
				t.Fatal("nothing generated")
			}
			rep := RunText(context.Background(), sc, []*CaseFile{cf}, nil)
			if rep.Passed != rep.Cases {
				for _, r := range rep.Results {
					if !r.Passed {
						t.Errorf("%s %s: %s", r.Place, r.Name, r.Reason)
					}
				}
			}
			if got := rep.Coverage.Edges - rep.Coverage.EdgesTaken; got != len(gen.Unreached) {
				t.Fatalf("%d edges untaken, generator names %d unreached: %v vs %v", got, len(gen.Unreached), rep.Coverage.UntakenEdges, gen.Unreached)
			}
			t.Logf("%s from nothing: %d cases, edges %.1f%%, %d runs, unreached %v", name, rep.Cases, rep.Coverage.EdgePercent, gen.Runs, gen.Unreached)
		})
	}
}
