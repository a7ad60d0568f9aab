package portfolio

import (
	"context"
	"fmt"

	"github.com/dozvon/dozvon/store"
)

// Writer is what Save needs from the store; *store.DB implements it.
type Writer interface {
	UpsertDebtor(ctx context.Context, d store.Debtor) error
	SaveDebtorDetails(ctx context.Context, d store.DebtorDetails) error
}

// Save stores the debtors of a parsed portfolio: the debtor with its phones
// (replacing the phone list of a debtor imported before) and the portfolio
// details. source names the file in the details.
func Save(ctx context.Context, w Writer, res Result, source string) error {
	for _, d := range res.Debtors {
		if err := w.UpsertDebtor(ctx, store.Debtor{ID: d.ID, Name: d.Name, Region: d.Region, Phones: d.Phones}); err != nil {
			return fmt.Errorf("save portfolio %s: line %d: %w", source, d.Lines[0], err)
		}
		if err := w.SaveDebtorDetails(ctx, store.DebtorDetails{DebtorID: d.ID, Contract: d.Contract, BirthDate: d.BirthDate,
			Address: d.Address, Collector: d.Collector, DebtKop: d.DebtKop, Source: source}); err != nil {
			return fmt.Errorf("save portfolio %s: line %d: %w", source, d.Lines[0], err)
		}
	}
	return nil
}
