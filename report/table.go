package report

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"text/tabwriter"
	"time"
)

// WriteTable prints the tasks by state and outcome with the call totals and,
// when expect (debtor ID → predicted result) is given, the simulation check:
// how many debtors ended as their simulated phones predict.
func WriteTable(w io.Writer, rows []Row, expect map[string]string) {
	byState := map[string]int{}
	var talk time.Duration
	var cost int64
	calls := 0
	for _, r := range rows {
		k := r.Task.State
		if r.Task.Outcome != "" {
			k += " / " + r.Task.Outcome
		} else if r.Task.LastResult != "" {
			k += " / last " + r.Task.LastResult
		}
		byState[k]++
		s, c := r.totals()
		talk, cost, calls = talk+s, cost+c, calls+len(r.Calls)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "phones (tasks) by state / outcome\tcount")
	for _, k := range slices.Sorted(maps.Keys(byState)) {
		fmt.Fprintf(tw, "%s\t%d\n", k, byState[k])
	}
	tw.Flush()
	fmt.Fprintf(w, "%d tasks, %d calls, talk time %s, cost %.2f ₽\n", len(rows), calls,
		talk.Round(time.Second), float64(cost)/100)
	if len(expect) == 0 {
		return
	}
	got := DebtorResults(rows)
	match := 0
	miss := map[string]int{}
	for id, want := range expect {
		if got[id] == want {
			match++
		} else {
			miss[want+" → "+got[id]]++
		}
	}
	fmt.Fprintf(w, "simulation check: %d of %d debtors ended as their phones' behaviour predicts\n", match, len(expect))
	for _, k := range slices.Sorted(maps.Keys(miss)) {
		fmt.Fprintf(w, "  expected → got: %s ×%d\n", k, miss[k])
	}
}
