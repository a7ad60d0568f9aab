package compliance

import (
	"cmp"
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
	err := g.ledger.WithDebtor(ctx, r.DebtorID, func(tx *store.Tx) error {
		var err error
		_, _, dec, err = g.decideIn(ctx, tx, r, at.UTC(), false)
		return err
	})
	return dec, err
}

// decideIn decides r at now inside the debtor's ledger transaction: the
// number (r's, else the debtor's first), the person the limits count, and
// the decision. reserving (Reserve) also locks the person's and number's
// counted rows and closes this debtor's expired reservations on the way;
// without it (Explain) nothing is written.
func (g *Guard) decideIn(ctx context.Context, tx *store.Tx, r Request, now time.Time, reserving bool) (phone, person string, dec Decision, err error) {
	action := "explain"
	if reserving {
		action = "reserve"
	}
	fail := func(err error) (string, string, Decision, error) {
		return "", "", Decision{}, fmt.Errorf("%s %s: %w", action, r.DebtorID, err)
	}
	// A foreign number is no error: the numbering plan cannot place it, so
	// Locate gives the debtor's address region or all Russian zones.
	phone = r.Phone.String()
	region, district := r.Region, r.District
	d, err := tx.Debtor(ctx)
	switch {
	case err == nil && d.Region != "":
		region, district = d.Region, d.District
	case err != nil && !errors.Is(err, store.ErrNotFound):
		return fail(err)
	}
	if phone == "" && len(d.Phones) > 0 {
		phone = d.Phones[0]
	}
	locPhone := phone
	if r.Address != "" {
		if r.Channel != Message {
			return fail(fmt.Errorf("an e-mail address is only for channel %s, not %s", Message, r.Channel))
		}
		addr, err := NormalizeAddress(r.Address)
		if err != nil {
			return fail(err)
		}
		phone = addr // counted on like a number (per recipient), located by the debtor
	}
	person = cmp.Or(d.PersonID, r.PersonID, r.DebtorID)
	if reserving {
		if err := tx.LockCounted(ctx, person, phone); err != nil {
			return fail(err)
		}
	}
	blocks, err := tx.Blocks(ctx, now)
	if err != nil {
		return fail(err)
	}
	var kinds []string
	for _, b := range blocks {
		if b.Phone == "" || b.Phone == phone {
			kinds = append(kinds, b.Kind)
		}
	}
	events, numberEvents, err := g.loadEvents(ctx, tx, person, phone, now, reserving)
	if err != nil {
		return fail(err)
	}
	loc, err := g.Locate(region, district, locPhone)
	if err != nil {
		return fail(err)
	}
	rules, err := g.rules(loc, g.policy, r.Channel, events, kinds)
	if err != nil {
		return fail(err)
	}
	rules.thirdParty, rules.consent, rules.numberEvents = r.ThirdParty, r.Consent, numberEvents
	dec = rules.decide(now)
	if loc.Unreadable {
		dec.Detail += "; the address region names no federal subject: every Russian zone's window applies"
	}
	return phone, person, dec, nil
}
