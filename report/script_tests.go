package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/dozvon/dozvon/testcalls"
)

// WriteScriptTests prints a test run as `dozvon test` shows it: PASS/FAIL
// per case with the reason (at audio level also both sides' transcript and
// the kept recording of a failure), the pass rate, the branch coverage of the
// script (name and version) and, at audio level, what recognised the caller
// and the robot's turn gaps.
func WriteScriptTests(w io.Writer, script, version string, rep testcalls.Report) {
	if rep.Level == "audio" {
		fmt.Fprintf(w, "audio level: every case is a call over loopback SIP through the call path and the 230-FZ guard\nrecognition: %s\n\n", rep.Recognition)
	}
	for _, r := range rep.Results {
		voice := ""
		if r.Voice != "" {
			voice = fmt.Sprintf("  [%s, %.1fs]", r.Voice, r.Seconds)
		}
		if r.Passed {
			fmt.Fprintf(w, "PASS  %s  → %s%s\n", r.Name, r.Outcome, voice)
			continue
		}
		fmt.Fprintf(w, "FAIL  %s  (%s)%s\n      %s\n", r.Name, r.Place, voice, r.Reason)
		for _, t := range r.Transcript {
			fmt.Fprintf(w, "        %s\n", t)
		}
		if r.Recording != "" {
			fmt.Fprintf(w, "      recording: %s\n", r.Recording)
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
	if g := rep.TurnGap; g != nil {
		fmt.Fprintf(w, "turn gap (caller's speech end → robot's next prompt), %d turns: p50 %d ms, p95 %d ms, max %d ms\n", g.N, g.P50, g.P95, g.Max)
	}
}
