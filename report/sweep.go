package report

import (
	"context"
	"fmt"
	"io"

	"github.com/dozvon/dozvon/compliance"
	"github.com/dozvon/dozvon/portfolio"
)

// WritePortfolio prints what a portfolio file gave: rows, debtors, phones,
// and each rejected row with its line.
func WritePortfolio(w io.Writer, file string, res portfolio.Result) {
	fmt.Fprintf(w, "portfolio %s: %d rows, %d debtors, %d phones, %d rows rejected\n", file, res.Rows, len(res.Debtors), res.Phones(), len(res.Rejected))
	for _, r := range res.Rejected {
		fmt.Fprintf(w, "  line %d: rejected: %s\n", r.Line, r.Reason)
	}
}

// WriteAudit prints the 230-FZ audit of a campaign's ledger, one finding a line.
func WriteAudit(w io.Writer, a compliance.AuditResult) {
	fmt.Fprintf(w, "\n230-FZ audit of the ledger (windows by the production calendar, attempts and conversations per day, week, month): %d ledger entries, %d findings\n",
		a.Entries, len(a.Findings))
	for _, f := range a.Findings {
		fmt.Fprintln(w, "  ", f)
	}
}

// SaveCSV writes the results CSV (see WriteCSV) to path, creating its directory.
func SaveCSV(path string, rows []Row, expect map[string]string) error {
	return saveFile(path, func(w io.Writer) error { return WriteCSV(w, rows, expect) })
}

// Finished is a sweep at its end, as FinishSweep reports it.
type Finished struct {
	Campaign string
	Debtors  []portfolio.Debtor
	Expect   map[string]string // simulations: the outcome each debtor's phones predict (nil: none)
	CSV      string            // where the results CSV goes
	Audit    compliance.AuditResult
}

// FinishSweep prints a finished sweep's results table and its 230-FZ audit
// and saves the results CSV.
func FinishSweep(ctx context.Context, w io.Writer, st Store, f Finished) error {
	names := map[string]string{}
	for _, d := range f.Debtors {
		names[d.ID] = d.Name
	}
	rows, err := Load(ctx, st, f.Campaign, names)
	if err != nil {
		return err
	}
	WriteTable(w, rows, f.Expect)
	if err := SaveCSV(f.CSV, rows, f.Expect); err != nil {
		return err
	}
	WriteAudit(w, f.Audit)
	return nil
}
