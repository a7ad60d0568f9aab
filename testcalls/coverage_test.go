package testcalls

import (
	"slices"
	"testing"
)

// TestEdgeCoverage: edges are the script's static transitions plus one per
// global target ("*→x"); a path takes an edge only by moving along it.
func TestEdgeCoverage(t *testing.T) {
	sc := loadScript(t, "verify_contact.yaml")
	all := newCoverageCounter(sc).coverage()
	if all.Edges == 0 || all.EdgesTaken != 0 || len(all.UntakenEdges) != all.Edges {
		t.Fatalf("nothing run: %+v", all)
	}
	tests := []struct {
		name    string
		paths   [][]string
		taken   []string // must be taken
		untaken []string // must stay untaken
		nodes   int
	}{
		{"one branch", [][]string{{"greeting", "identify", "end_wrong_person"}},
			[]string{"greeting→identify", "identify→end_wrong_person"}, []string{"*→end_wrong_person", "identify→ask_convenient"}, 3},
		{"a global intent's jump", [][]string{{"greeting", "identify", "end_refused"}},
			[]string{"*→end_refused"}, []string{"identify→end_wrong_person"}, 3},
		{"a jump along no edge takes none", [][]string{{"greeting", "end_identified"}},
			nil, []string{"greeting→identify"}, 2},
		{"two runs add up", [][]string{{"greeting", "identify", "end_wrong_person"}, {"greeting", "identify", "ask_convenient"}},
			[]string{"identify→end_wrong_person", "identify→ask_convenient"}, nil, 4},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := newCoverageCounter(sc)
			for _, p := range tc.paths {
				c.add(p)
			}
			cov := c.coverage()
			if cov.NodesVisited != tc.nodes {
				t.Errorf("nodes visited %d, want %d", cov.NodesVisited, tc.nodes)
			}
			for _, e := range tc.taken {
				if slices.Contains(cov.UntakenEdges, e) {
					t.Errorf("edge %s not taken", e)
				}
			}
			for _, e := range tc.untaken {
				if !slices.Contains(cov.UntakenEdges, e) {
					t.Errorf("edge %s taken", e)
				}
			}
			if got := cov.EdgesTaken + len(cov.UntakenEdges); got != cov.Edges {
				t.Errorf("taken %d + untaken %d != %d edges", cov.EdgesTaken, len(cov.UntakenEdges), cov.Edges)
			}
			if want := percent(cov.EdgesTaken, cov.Edges); cov.EdgePercent != want {
				t.Errorf("edge percent %v, want %v", cov.EdgePercent, want)
			}
		})
	}
}
