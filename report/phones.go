package report

import (
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/dozvon/dozvon/store"
)

// WritePhones prints the numbers' statuses as `dozvon phones list` shows
// them, one row each; name gives a debtor's name ("" when unknown).
func WritePhones(w io.Writer, sts []store.PhoneStatus, name func(debtorID string) string) error {
	if len(sts) == 0 {
		_, err := fmt.Fprintln(w, "no numbers in quarantine")
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "debtor\tname\tphone\tstatus\tsince\tnote")
	for _, s := range sts {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", s.DebtorID, name(s.DebtorID), s.Phone, s.Status, s.At.Format("2006-01-02 15:04"), s.Note)
	}
	return tw.Flush()
}
