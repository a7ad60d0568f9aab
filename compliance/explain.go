package compliance

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/dozvon/dozvon/store"
)

// Explain answers what Reserve would for r at the instant at — allowed or
// not, every rule that denies, and when the contact is next allowed — from
// the same debtor record, blocks in force, person and number ledgers and
// location, but reserves nothing, closes no expired reservation (it counts
// it as Reserve would) and audits nothing: the API's "why not now". It
// holds the debtor's ledger lock only to read a consistent ledger. Entries
// after at (when at is in the past) are counted as if they had been made.
func (g *Guard) Explain(ctx context.Context, r Request, at time.Time) (Decision, error) {
	if g.ledger == nil {
		return Decision{}, errors.New("explain: guard has no ledger")
	}
	if r.DebtorID == "" {
		return Decision{}, errors.New("explain: empty debtor id")
	}
	if !r.Channel.valid() {
		return Decision{}, fmt.Errorf("explain %s: unknown channel %q", r.DebtorID, r.Channel)
	}
	var dec Decision
	// It writes nothing: nothing of it to wait for the disk for.
	err := g.ledger.LedgerBatch(ctx, []string{r.DebtorID}, store.SyncLater, func(tx *store.BatchTx) error {
		now := at.UTC()
		l, facts, err := g.loadBatch(ctx, tx, []*Request{&r}, nil, now, false, nil)
		if err == nil {
			err = facts[&r].err
		}
		if err == nil {
			dec, err = g.decision(l, r, facts[&r], now, nil)
		}
		if err != nil {
			return fmt.Errorf("explain %s: %w", r.DebtorID, err)
		}
		return nil
	})
	return dec, err
}
