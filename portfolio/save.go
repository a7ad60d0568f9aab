package portfolio

import (
	"context"
	"fmt"

	"github.com/dozvon/dozvon/phonenum"
	"github.com/dozvon/dozvon/store"
)

// Writer is what Save needs from the store; *store.DB implements it.
type Writer interface {
	ImportDebtors(ctx context.Context, debtors []store.Debtor, details []store.DebtorDetails) error
}

// Save stores the debtors of a parsed portfolio in one transaction: the
// debtor with its phones (replacing the phone list of a debtor imported
// before) and the portfolio details; records that are one person (MatchKey,
// or a shared phone) are merged into one by the store. source names the
// file in the details.
func Save(ctx context.Context, w Writer, res Result, source string) error {
	ds := make([]store.Debtor, len(res.Debtors))
	det := make([]store.DebtorDetails, len(res.Debtors))
	for i, d := range res.Debtors {
		ds[i] = store.Debtor{ID: d.ID, Name: d.Name, Region: d.Region, Phones: phonenum.Strings(d.Phones), MatchKey: MatchKey(d.Name, d.BirthDate)}
		det[i] = store.DebtorDetails{DebtorID: d.ID, Contract: d.Contract, BirthDate: d.BirthDate,
			Address: d.Address, Collector: d.Collector, DebtKop: d.DebtKop, Source: source}
	}
	if err := w.ImportDebtors(ctx, ds, det); err != nil {
		return fmt.Errorf("save portfolio %s: %w", source, err)
	}
	return nil
}
