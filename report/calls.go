package report

import (
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/dozvon/dozvon/callflow"
	"github.com/dozvon/dozvon/phonenum"
	"github.com/dozvon/dozvon/telephony"
)

// CallRow is one placed call: the number (masked when printed), what the
// phone was expected to do, and the call path's report.
type CallRow struct {
	Phone, What string
	Report      callflow.Report
}

// CallResult is a call's result in a few words: the 230-FZ denial, the SIP
// result of a call that was not answered, or the dialogue's outcome.
func CallResult(r callflow.Report) string {
	var de *telephony.DialError
	switch {
	case r.Decision != nil && !r.Decision.Allowed:
		return "not called: 230-FZ " + strings.Join(r.Decision.Reasons, ",")
	case r.DialErr != nil && errors.As(r.DialErr, &de):
		return string(de.Result)
	case r.DialErr != nil:
		return "failed"
	}
	return string(r.Result.Outcome)
}

// WriteCalls prints one line per call (local time, the guard's answer, SIP,
// outcome, the slots worth a column, turns, length, recording) and a
// summary of the results.
func WriteCalls(w io.Writer, rows []CallRow) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "phone\tbehaviour\tlocal time\t230-FZ\tSIP\toutcome\tslots\tturns\tsec\trecording")
	counts := map[string]int{}
	for _, row := range rows {
		r := row.Report
		local, fz := "-", "-"
		if r.Decision != nil {
			local, fz = r.Decision.Local.Format("15:04 MST"), "ok"
			if !r.Decision.Allowed {
				fz = "denied: " + strings.Join(r.Decision.Reasons, ",")
			}
		}
		sip := "-"
		if r.Dial.Code != 0 {
			sip = fmt.Sprint(r.Dial.Code)
		}
		if de := (*telephony.DialError)(nil); errors.As(r.DialErr, &de) {
			sip = strings.TrimPrefix(fmt.Sprintf("%d %s", de.Code, de.Result), "0 ")
		}
		counts[CallResult(r)]++
		shown := map[string]string{}
		for _, k := range []string{"callback_at", "promise_at", "amount", "meeting_at", "meeting_place", "transfer_to", "detected_class"} {
			if v, ok := r.Result.Slots[k]; ok {
				shown[k] = v
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d\t%.1f\t%s\n", phonenum.Mask(row.Phone), row.What, local, fz, sip,
			dash(string(r.Result.Outcome)), strings.ReplaceAll(slots(shown), ";", ", "), len(r.Result.Turns), r.Duration.Seconds(), dash(r.Record.RecordingPath))
	}
	tw.Flush()
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(counts)) {
		parts = append(parts, fmt.Sprintf("%s %d", k, counts[k]))
	}
	fmt.Fprintln(w, "\nsummary:", strings.Join(parts, ", "))
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
