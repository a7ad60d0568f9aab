package compliance

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/dozvon/dozvon/phonenum"
	"github.com/dozvon/dozvon/store"
)

// StaffCall is a call to the agency's own staff: a collector's own phone
// (a mobile reached through a trunk) rung for a hand-off or a
// click-to-call. It is no contact with a debtor, so 230-FZ limits nothing
// and the ledger counts nothing; the debtor's leg of the same call is
// reserved on its own, as a human call. It is not a channel a Request may
// name: only StaffPermit issues it.
const StaffCall Channel = "staff_call"

// staffPermitTTL is how long a staff permit lets a dial start.
const staffPermitTTL = time.Minute

// ErrNotStaffNumber: a staff permit was asked for a number stored for a
// debtor (or one the guard cannot check).
var ErrNotStaffNumber = errors.New("not a staff number")

// debtorPhones finds the debtors a number is stored for; *store.DB (the
// usual ledger) implements it.
type debtorPhones interface {
	DebtorsWithPhone(ctx context.Context, phone string) ([]store.Debtor, error)
}

// StaffPermit seals a permit to dial n, a collector's own phone, so that
// telephony's one rule — no phone number is dialed without the guard's
// permit — holds for staff numbers too. The guard refuses a number stored
// for any debtor (a mistyped or malicious collector number must not become
// a way around the limits), and refuses when it has no store to check in:
// the stricter choice. The permit is good for a call to n alone, for one
// minute.
func (g *Guard) StaffPermit(ctx context.Context, n phonenum.Number) (Permit, error) {
	if !n.IsValid() {
		return Permit{}, errors.New("staff permit: invalid number")
	}
	dp, ok := g.ledger.(debtorPhones)
	if !ok {
		return Permit{}, fmt.Errorf("staff permit for %s: %w: the guard has no debtor store to check the number in", MaskPhone(n.String()), ErrNotStaffNumber)
	}
	ds, err := dp.DebtorsWithPhone(ctx, n.String())
	if err != nil {
		return Permit{}, fmt.Errorf("staff permit for %s: %w", MaskPhone(n.String()), err)
	}
	if len(ds) > 0 {
		g.log.Warn("staff permit refused: the number is a debtor's", "phone", MaskPhone(n.String()), "debtors", len(ds))
		return Permit{}, fmt.Errorf("staff permit for %s: %w: it is stored for %d debtor(s)", MaskPhone(n.String()), ErrNotStaffNumber, len(ds))
	}
	now := g.clock.Now()
	g.log.Info("staff permit", "phone", MaskPhone(n.String()))
	return g.seal(fmt.Sprintf("staff-%d", now.UnixNano()), StaffCall, n.String(), now.Add(staffPermitTTL)), nil
}
