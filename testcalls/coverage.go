package testcalls

import (
	"math"
	"sort"

	"github.com/dozvon/dozvon/scripts"
)

// Coverage is branch coverage of a script by a set of runs: nodes visited and
// edges (static transitions) taken.
type Coverage struct {
	Nodes          int      `json:"nodes"`
	NodesVisited   int      `json:"nodes_visited"`
	NodePercent    float64  `json:"node_percent"`
	Edges          int      `json:"edges"`
	EdgesTaken     int      `json:"edges_taken"`
	EdgePercent    float64  `json:"edge_percent"`
	UnvisitedNodes []string `json:"unvisited_nodes,omitempty"`
	UntakenEdges   []string `json:"untaken_edges,omitempty"`
}

type coverageCounter struct {
	sc       *scripts.Script
	nodes    map[string]bool
	edges    map[[2]string]bool // static node→node edges
	globals  map[string]bool    // targets of global intents
	seenNode map[string]bool
	seenEdge map[[2]string]bool
}

func newCoverageCounter(sc *scripts.Script) *coverageCounter {
	c := &coverageCounter{sc: sc, nodes: map[string]bool{}, edges: map[[2]string]bool{}, globals: map[string]bool{},
		seenNode: map[string]bool{}, seenEdge: map[[2]string]bool{}}
	for _, n := range sc.Nodes {
		c.nodes[n.ID] = true
	}
	for _, e := range sc.Edges() {
		if e.From == "*" {
			c.globals[e.To] = true
			c.edges[[2]string{"*", e.To}] = true
			continue
		}
		c.edges[[2]string{e.From, e.To}] = true
	}
	return c
}

// add counts one run's path.
func (c *coverageCounter) add(path []string) {
	for i, id := range path {
		c.seenNode[id] = true
		if i == 0 {
			continue
		}
		e := [2]string{path[i-1], id}
		if c.edges[e] {
			c.seenEdge[e] = true
		} else if c.globals[id] {
			c.seenEdge[[2]string{"*", id}] = true
		}
	}
}

func (c *coverageCounter) coverage() Coverage {
	cov := Coverage{Nodes: len(c.nodes), Edges: len(c.edges)}
	for _, n := range c.sc.Nodes {
		if c.seenNode[n.ID] {
			cov.NodesVisited++
		} else {
			cov.UnvisitedNodes = append(cov.UnvisitedNodes, n.ID)
		}
	}
	for e := range c.edges {
		if c.seenEdge[e] {
			cov.EdgesTaken++
		} else {
			cov.UntakenEdges = append(cov.UntakenEdges, e[0]+"→"+e[1])
		}
	}
	sort.Strings(cov.UntakenEdges)
	cov.NodePercent = percent(cov.NodesVisited, cov.Nodes)
	cov.EdgePercent = percent(cov.EdgesTaken, cov.Edges)
	return cov
}

func percent(a, b int) float64 {
	if b == 0 {
		return 100
	}
	return math.Round(1000*float64(a)/float64(b)) / 10
}
