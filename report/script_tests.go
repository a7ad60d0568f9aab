package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/dozvon/dozvon/testcalls"
)

// WriteScriptTests prints a text-level test run as `dozvon test` shows it:
// PASS/FAIL per case with the reason, the pass rate and the branch coverage
// of the script (name and version).
func WriteScriptTests(w io.Writer, script, version string, rep testcalls.Report) {
	for _, r := range rep.Results {
		if r.Passed {
			fmt.Fprintf(w, "PASS  %s  → %s\n", r.Name, r.Outcome)
		} else {
			fmt.Fprintf(w, "FAIL  %s  (%s)\n      %s\n", r.Name, r.Place, r.Reason)
		}
	}
	c := rep.Coverage
	fmt.Fprintf(w, "\n%s %s: %d/%d cases passed, pass rate %.1f%%\n", script, version, rep.Passed, rep.Cases, rep.PassRate)
	fmt.Fprintf(w, "coverage: nodes %d/%d (%.1f%%), edges %d/%d (%.1f%%)\n", c.NodesVisited, c.Nodes, c.NodePercent, c.EdgesTaken, c.Edges, c.EdgePercent)
	if len(c.UnvisitedNodes) > 0 {
		fmt.Fprintf(w, "unvisited nodes: %s\n", strings.Join(c.UnvisitedNodes, ", "))
	}
	if len(c.UntakenEdges) > 0 {
		fmt.Fprintf(w, "untaken edges: %s\n", strings.Join(c.UntakenEdges, ", "))
	}
}
