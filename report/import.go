package report

import (
	"fmt"
	"io"
	"time"

	"github.com/dozvon/dozvon/portfolio"
)

// WriteImport prints a portfolio import as `dozvon import` shows it: the
// file's encoding and separator, the counts, whether anything was stored,
// how long parsing took, then each rejected row and each note with its line.
func WriteImport(w io.Writer, file string, res portfolio.Result, dryRun bool, parsed time.Duration) {
	sum := res.Summary()
	verb := "imported"
	if dryRun {
		verb = "dry run, nothing stored"
	}
	fmt.Fprintf(w, "%s (%s, separator %q): %d rows, %d accepted, %d rejected → %d debtors, %d phones; %s (parsed in %v)\n",
		file, res.Encoding, res.Separator, sum.Rows, sum.Accepted, len(sum.Rejected), sum.Debtors, sum.Phones, verb, parsed.Round(time.Millisecond))
	for _, r := range res.Rejected {
		fmt.Fprintf(w, "  line %d: rejected: %s\n", r.Line, r.Reason)
	}
	for _, n := range res.Warnings {
		fmt.Fprintf(w, "  line %d: note: %s\n", n.Line, n.Reason)
	}
}
