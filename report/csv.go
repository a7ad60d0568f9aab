package report

import (
	"encoding/csv"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// WriteCSV writes one line per task: the debtor, the phone, its state and
// outcome, the slots the robot filled, the calls with their talk time,
// results, last recording and cost, and with expect the predicted result.
func WriteCSV(w io.Writer, rows []Row, expect map[string]string) error {
	cw := csv.NewWriter(w)
	head := []string{"debtor_id", "name", "phone", "position", "state", "outcome", "last_result", "slots", "reason", "pinned_to",
		"calls", "talk_seconds", "call_results", "recording", "cost_rub"}
	if len(expect) > 0 {
		head = append(head, "expected")
	}
	_ = cw.Write(head) // errors stick in cw and come back from cw.Error below
	for _, r := range rows {
		rec := ""
		var results []string
		for _, c := range r.Calls {
			if c.RecordingPath != "" {
				rec = c.RecordingPath
			}
			results = append(results, c.Result)
		}
		talk, cost := r.totals()
		t := r.Task
		line := []string{t.DebtorID, r.Name, t.Phone, strconv.Itoa(t.Position + 1), t.State, t.Outcome, t.LastResult,
			slots(t.Slots), t.Reason, t.PinnedTo, strconv.Itoa(len(r.Calls)), fmt.Sprintf("%.1f", talk.Seconds()),
			strings.Join(results, " "), rec, fmt.Sprintf("%.2f", float64(cost)/100)}
		if len(expect) > 0 {
			line = append(line, expect[t.DebtorID])
		}
		_ = cw.Write(line)
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("results csv: %w", err)
	}
	return nil
}

// slots writes the filled slots as name=value;name=value in name order.
func slots(s map[string]string) string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(s)) {
		parts = append(parts, k+"="+s[k])
	}
	return strings.Join(parts, ";")
}
