package compliance

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/dozvon/dozvon/store"
)

// LedgerReader is what Audit reads; *store.DB implements it.
type LedgerReader interface {
	LedgerEntries(ctx context.Context, debtorID string) ([]store.LedgerEntry, error)
}

// Finding is one contact in the ledger that the law (as the rules in force
// read it) did not allow.
type Finding struct {
	DebtorID string
	EntryID  string
	At       time.Time // when the contact started (UTC)
	Rule     string    // the Reason… constant of the broken rule
	Detail   string
}

func (f Finding) String() string { return f.DebtorID + ": " + f.Detail }

// AuditResult is what Audit found.
type AuditResult struct {
	Entries  int // ledger entries that count (released reservations do not)
	Findings []Finding
}

// Audit replays each debtor's ledger in time order and checks every contact
// against the guard's own rules as they stood when it started, from what the
// contacts turned out to be: the local window of that day by the production
// calendar (moved working days and days off included) with no safety
// margins, the limits on what the contact counts as (an attempt is not held
// against the conversation limits), and, for a committed call, that it ended
// inside the window. It is a second look after the fact — the guard decided
// from open reservations counted at their worst, the audit from the settled
// ledger — so any finding is a real breach. Blocks are not replayed: the
// ledger does not say which were in force at the time.
func (g *Guard) Audit(ctx context.Context, ledger LedgerReader, debtors []store.Debtor) (AuditResult, error) {
	var res AuditResult
	law := g.policy
	law.MarginStart, law.MarginEnd, law.MaxCall = 0, 0, 0
	for _, d := range debtors {
		entries, err := ledger.LedgerEntries(ctx, d.ID)
		if err != nil {
			return res, fmt.Errorf("audit %s: %w", d.ID, err)
		}
		var past []Event
		for _, e := range entries {
			if e.State == store.StateReleased {
				continue
			}
			res.Entries++
			kind, ch := Kind(e.Kind), Channel(e.Channel)
			if !kind.valid() || !ch.valid() {
				return res, fmt.Errorf("audit %s: ledger entry %s: kind %q, channel %q", d.ID, e.ID, e.Kind, e.Channel)
			}
			loc, err := g.Locate(d.Region, d.District, e.Phone)
			if err != nil {
				return res, fmt.Errorf("audit %s: %w", d.ID, err)
			}
			p := law
			if kind == Attempt {
				// an attempt that reached no one is held only against the attempts a day
				p.ConversationsPerDay, p.ConversationsPerWeek, p.ConversationsPerMonth = math.MaxInt, math.MaxInt, math.MaxInt
			}
			r, err := g.rules(loc, p, ch, past, nil)
			if err != nil {
				return res, fmt.Errorf("audit %s: %w", d.ID, err)
			}
			reasons, details := r.deny(e.At)
			for i := range reasons {
				res.Findings = append(res.Findings, Finding{DebtorID: d.ID, EntryID: e.ID, At: e.At.UTC(), Rule: reasons[i], Detail: details[i]})
			}
			if e.State == store.StateCommitted && ch.isCall() && !e.ClosedAt.IsZero() {
				if f, ok := r.endedLate(e); ok {
					f.DebtorID = d.ID
					res.Findings = append(res.Findings, f)
				}
			}
			past = append(past, Event{At: e.At, Kind: kind})
		}
	}
	return res, nil
}

// endedLate reports a call that started inside its day's window but was
// still going when the window closed in one of the debtor's zones.
func (r *subjectRules) endedLate(e store.LedgerEntry) (Finding, bool) {
	for i, z := range r.zones {
		open, close, dt := r.window(DateOf(e.At.In(z)), z)
		if e.At.Before(open) || !e.At.Before(close) || !e.ClosedAt.After(close) {
			continue
		}
		return Finding{EntryID: e.ID, At: e.At.UTC(), Rule: ReasonWindow, Detail: fmt.Sprintf("window: call of %s local in %s (%s) ended at %s, after %s",
			e.At.In(z).Format("2006-01-02 15:04 Mon"), r.loc.Zones[i], dt, e.ClosedAt.In(z).Format("15:04"), close.Format("15:04"))}, true
	}
	return Finding{}, false
}
