package report

import (
	"fmt"
	"io"
	"slices"

	"github.com/dozvon/dozvon/compliance"
	"github.com/dozvon/dozvon/scripts"
)

// WriteCallsAndTranscripts prints the calls' table (WriteCalls), then the
// transcript of each call whose outcome is one of show, under its masked
// number and what its phone did.
func WriteCallsAndTranscripts(w io.Writer, rows []CallRow, show ...scripts.Outcome) {
	WriteCalls(w, rows)
	for _, r := range rows {
		if slices.Contains(show, r.Report.Result.Outcome) {
			fmt.Fprintf(w, "\ntranscript, %s (%s):\n", compliance.MaskPhone(r.Phone), r.What)
			WriteTranscript(w, r.Report.Result.Result)
		}
	}
}
