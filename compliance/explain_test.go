package compliance

import (
	"testing"
	"time"

	"github.com/dozvon/dozvon/store"
)

// TestExplainReservesNothing: Explain gives Reserve's decision — allowed at
// noon; after a held reservation the day limit, with the next allowed time;
// at night the window — and writes nothing: no ledger entry, no audit, an
// expired reservation left open for Reserve to close.
func TestExplainReservesNothing(t *testing.T) {
	eachBackend(t, func(t *testing.T, db *store.DB, _ string) {
		ctx, req := t.Context(), Request{DebtorID: "d1", Channel: RobotCall}
		noon, night := local(t, "Europe/Moscow", "2026-11-23 12:00"), local(t, "Europe/Moscow", "2026-11-23 23:00")
		g := ledgerGuard(t, db, &settableClock{t: noon}, "explain")
		if err := db.UpsertDebtor(ctx, store.Debtor{ID: req.DebtorID, Region: "г. Москва", Phones: []string{"+79161234567"}}); err != nil {
			t.Fatal(err)
		}
		// written counts the debtor's ledger entries and audit records
		written := func() (int, int) {
			t.Helper()
			es, err := db.LedgerEntries(ctx, "d1")
			as, aerr := db.AuditLog(ctx, "d1")
			if err != nil || aerr != nil {
				t.Fatal(err, aerr)
			}
			return len(es), len(as)
		}
		d, err := g.Explain(ctx, req, noon)
		if n, a := written(); err != nil || !d.Allowed || n != 0 || a != 0 {
			t.Fatalf("explain at noon: %+v %v; %d entries, %d audits", d, err, n, a)
		}
		if d, err := g.Explain(ctx, req, night); err != nil || d.Allowed || d.NextAllowedAt.IsZero() {
			t.Fatalf("explain at night: %+v %v", d, err)
		}
		res, _, err := g.Reserve(ctx, req)
		if err != nil || res.ID == "" {
			t.Fatalf("reserve: %+v %v", res, err)
		}
		d, err = g.Explain(ctx, req, noon)
		if err != nil || d.Allowed || d.Reason != ReasonLimitDay || !d.NextAllowedAt.After(noon) {
			t.Fatalf("explain with a reservation held: %+v %v", d, err)
		}
		n, a := written()
		after := res.ExpiresAt.Add(time.Minute)
		if _, err := g.Explain(ctx, req, after); err != nil {
			t.Fatal(err)
		}
		es, _ := db.LedgerEntries(ctx, "d1")
		if n2, a2 := written(); n2 != n || a2 != a || es[0].State != store.StateOpen {
			t.Fatalf("explain past the reservation's expiry wrote: %d→%d entries, %d→%d audits, state %s", n, n2, a, a2, es[0].State)
		}
	})
}
