package callflow

import (
	"context"
	"errors"
	"fmt"

	"github.com/dozvon/dozvon/phonenum"
	"github.com/dozvon/dozvon/scheduler"
	"github.com/dozvon/dozvon/store"
)

// CallerStore finds who may be calling in from a number; *store.DB
// implements it.
type CallerStore interface {
	DebtorsWithPhone(ctx context.Context, phone string) ([]store.Debtor, error)
	DebtorDetailsOf(ctx context.Context, debtorID string) (store.DebtorDetails, error)
}

// KnownCaller fills an inbound call's debtor and script variables from the
// caller's number when the number belongs to one person: their debtor
// record (the first by id when the person has several) and its variables,
// as a campaign call to them would have. A number stored for two persons,
// a withheld or malformed one, or none stored leaves the call unknown — the
// script then asks who is calling — so no debtor's name or debt is put in
// front of someone else. The script still confirms identity before it
// tells the debt.
func KnownCaller(ctx context.Context, st CallerStore, creditor, from string, req AnswerRequest) (AnswerRequest, error) {
	n, err := phonenum.Parse(from)
	if err != nil {
		return req, nil // withheld or not a number: an unknown caller
	}
	ds, err := st.DebtorsWithPhone(ctx, n.String())
	if err != nil || len(ds) == 0 {
		return req, err
	}
	for _, d := range ds[1:] {
		if d.PersonID == "" || d.PersonID != ds[0].PersonID {
			return req, nil // shared by two persons: not ours to guess
		}
	}
	d := ds[0]
	details, err := st.DebtorDetailsOf(ctx, d.ID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return req, fmt.Errorf("known caller: %w", err)
	}
	req.DebtorID = d.ID
	req.Vars = TaskVars(creditor)(scheduler.Call{Debtor: d, Details: details})
	return req, nil
}
