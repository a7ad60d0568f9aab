package compliance

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/dozvon/dozvon/phonenum"
	"github.com/dozvon/dozvon/store"
)

// Ledger is what the guard needs from persistence; *store.DB implements it.
type Ledger interface {
	// WithDebtor runs fn in a transaction holding the debtor's exclusive ledger lock.
	WithDebtor(ctx context.Context, debtorID string, fn func(tx *store.Tx) error) error
	// LedgerBatch runs fn in one transaction holding the ledger locks of
	// every debtor named: Reserve, Commit and Release decide many at once.
	// mode store.SyncLater only for a batch of closes that may be lost.
	LedgerBatch(ctx context.Context, debtorIDs []string, mode store.Sync, fn func(tx *store.BatchTx) error) error
	// StaleEntries lists open reservations whose expiry is at or before now.
	StaleEntries(ctx context.Context, now time.Time) ([]store.LedgerEntry, error)
}

// ErrReservationClosed is returned when committing or releasing a reservation
// that was already committed or released (or, for Release, expired).
var ErrReservationClosed = errors.New("reservation already closed")

// Request asks for a reservation before contacting a debtor.
type Request struct {
	DebtorID string
	// PersonID is the human behind the debtor record, used only when the
	// store has no person for the debtor; empty: the debtor is a person of
	// its own. The limits count per person and, always, per number.
	PersonID string
	Phone    phonenum.Number // the number to call or message (zero: the debtor's first number)
	// Address is the e-mail address of a message sent by e-mail (Channel
	// Message only): the ledger counts it as the number, so the limits hold
	// per address as they hold per number. The zone still comes from the
	// address region or the debtor's first phone.
	Address    string
	Channel    Channel
	CallID     string
	Region     string // used only when the store has no region for the debtor
	District   string
	ThirdParty bool // the callee is known to be a third party
	Consent    bool // the debtor's consent to that third party is on file
}

// Reservation is a granted, open slot: commit it when the contact ends, or
// release it if the contact never left. Its fields describe it; what lets a
// call be dialed is Permit(), which only the guard can seal.
type Reservation struct {
	ID        string
	DebtorID  string
	Phone     string
	Channel   Channel
	At        time.Time
	ExpiresAt time.Time

	permit Permit // set by Guard.Reserve and Guard.Renew
}

const ledgerLookback = 40 * 24 * time.Hour // covers a calendar month and the rolling 30 days

// newID names a reservation: its time first, then 64 random bits, so the
// ledger's primary key grows at its end instead of dirtying a random index
// page per reservation (pages a synchronous commit writes out).
func newID(at time.Time) (string, error) {
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], uint64(at.UnixNano()))
	if _, err := rand.Read(b[8:]); err != nil {
		return "", err
	}
	return "r-" + hex.EncodeToString(b[:]), nil
}

func (g *Guard) holderName() string { return g.holder }

// Reserve decides, under the debtor's ledger lock, whether the contact may start
// now; if so it records an open reservation that counts against every limit
// until it is committed, released or expires. Every decision is audited in the
// same transaction. A denial returns a zero Reservation and the Decision.
// Reservations and closes asked for at once are decided together, in arrival
// order, in one transaction (ledger_batch.go).
func (g *Guard) Reserve(ctx context.Context, r Request) (Reservation, Decision, error) {
	if g.ledger == nil {
		return Reservation{}, Decision{}, errors.New("reserve: guard has no ledger")
	}
	if r.DebtorID == "" {
		return Reservation{}, Decision{}, errors.New("reserve: empty debtor id")
	}
	if !r.Channel.valid() {
		return Reservation{}, Decision{}, fmt.Errorf("reserve %s: unknown channel %q", r.DebtorID, r.Channel)
	}
	if !utf8.ValidString(r.DebtorID + r.PersonID + r.Address) {
		// refused here, alone, rather than failing the batch it would join
		return Reservation{}, Decision{}, fmt.Errorf("reserve %q: debtor id, person id or address is not valid UTF-8", r.DebtorID)
	}
	op := &ledgerOp{ctx: ctx, req: &r}
	g.submit(op)
	if op.err != nil {
		return Reservation{}, Decision{}, op.err
	}
	res, dec, phone := op.out, op.dec, op.phone
	g.log.Debug("compliance reserve", "debtor", r.DebtorID, "phone", MaskPhone(phone), "channel", r.Channel,
		"allowed", dec.Allowed, "reason", dec.Reason, "next_allowed_at", dec.NextAllowedAt)
	if g.onDec != nil {
		g.onDec(dec)
	}
	return res, dec, nil
}

func (g *Guard) expire(ctx context.Context, tx *store.Tx, e store.LedgerEntry, now time.Time) error {
	kind := expiredKind(e)
	ok, err := tx.CloseEntry(ctx, e.ID, string(kind), store.StateExpired, now, "", store.StateOpen)
	if err != nil || !ok {
		return err
	}
	g.log.Warn("compliance reservation expired", "debtor", e.DebtorID, "reservation", e.ID, "holder", e.Holder, "counted_as", kind)
	return tx.Audit(ctx, store.AuditRecord{At: now, Action: "expire", Allowed: true, ReservationID: e.ID, Channel: e.Channel, Kind: string(kind),
		Detail: fmt.Sprintf("reservation of %s by %s expired at %s: counted as %s", e.At.Format(time.RFC3339), e.Holder, e.ExpiresAt.Format(time.RFC3339), kind),
		Holder: g.holderName()})
}

// expiredKind is what an open reservation whose holder vanished counts as:
// an attempt, unless its call had been answered — then nobody knows what was
// said, and the stricter reading is a conversation (it uses up the 1/day,
// 2/week, 8/month budget). A message whose holder vanished may have been
// sent: it counts as a message (an attempt would free its 2/4/16 budget).
func expiredKind(e store.LedgerEntry) Kind {
	if c := Channel(e.Channel); c == Message || c == VoiceMessage {
		return MessageKind
	}
	if !e.AnsweredAt.IsZero() && Channel(e.Channel).isCall() {
		return Conversation
	}
	return Attempt
}

// Answered records that the reserved call was answered, the moment it is:
// should the holder die before Commit, the reservation then expires into a
// conversation rather than an attempt.
func (g *Guard) Answered(ctx context.Context, res Reservation) error {
	if g.ledger == nil {
		return errors.New("answered: guard has no ledger")
	}
	if res.ID == "" || res.DebtorID == "" {
		return errors.New("answered: empty reservation")
	}
	var now time.Time
	return g.withDebtor(ctx, res.DebtorID, res.ID, func(tx *store.Tx) error {
		now = g.clock.Now().UTC()
		ok, err := tx.MarkAnswered(ctx, res.ID, now)
		if err != nil {
			return fmt.Errorf("answered %s: %w", res.ID, err)
		}
		if !ok {
			return fmt.Errorf("answered %s: %w", res.ID, ErrReservationClosed)
		}
		return tx.Audit(ctx, store.AuditRecord{At: now, Action: "answered", Allowed: true, ReservationID: res.ID, Channel: string(res.Channel),
			Detail: "the call was answered: should the reservation expire, it counts as a conversation", Holder: g.holderName()})
	}, func(e *store.LedgerEntry) { e.AnsweredAt = now })
}

// Commit records how the contact ended: conversation, attempt, message or meeting.
// A reservation that had already expired takes its real kind. A failing
// ledger (locked, restarting) is retried for a few seconds: an uncommitted
// reservation would only expire into the worst case of what it may have been.
func (g *Guard) Commit(ctx context.Context, res Reservation, kind Kind) error {
	if !kind.valid() {
		return fmt.Errorf("commit %s: unknown kind %q", res.ID, kind)
	}
	if g.ledger == nil || res.ID == "" || res.DebtorID == "" {
		return g.close(ctx, res, "commit", string(kind), store.StateCommitted, store.StateOpen, store.StateExpired) // its own error
	}
	var err error
	for i, wait := range []time.Duration{0, 200 * time.Millisecond, time.Second, 3 * time.Second} {
		if wait > 0 {
			select {
			case <-ctx.Done():
				return fmt.Errorf("commit %s: %w (last error: %v)", res.ID, ctx.Err(), err)
			case <-time.After(wait):
			}
		}
		err = g.close(ctx, res, "commit", string(kind), store.StateCommitted, store.StateOpen, store.StateExpired)
		if err == nil || errors.Is(err, ErrReservationClosed) || errors.Is(err, store.ErrNotFound) {
			if err == nil && i > 0 {
				g.log.Warn("compliance commit succeeded on retry", "reservation", res.ID, "tries", i+1)
			}
			return err
		}
	}
	return err
}

// Release gives the slot back: only for a contact that never left (no dial, no send).
func (g *Guard) Release(ctx context.Context, res Reservation) error {
	return g.close(ctx, res, "release", "", store.StateReleased, store.StateOpen)
}

func (g *Guard) close(ctx context.Context, res Reservation, action, kind, state string, from ...string) error {
	if g.ledger == nil {
		return fmt.Errorf("%s: guard has no ledger", action)
	}
	if res.ID == "" || res.DebtorID == "" {
		return fmt.Errorf("%s: empty reservation", action)
	}
	if !utf8.ValidString(res.ID + res.DebtorID) {
		return fmt.Errorf("%s %q: reservation or debtor id is not valid UTF-8", action, res.ID)
	}
	op := &ledgerOp{ctx: ctx, res: res, action: action, kind: kind, state: state, from: from, lazy: mayCloseLazily(state, Kind(kind))}
	g.submit(op)
	return op.err
}

// Renew keeps a reservation open for another ReservationTTL from now: the call
// core renews while a long call is still up, so only a dead holder's
// reservations expire. An expired reservation cannot be renewed (it is already
// an attempt; Commit still records what it became).
func (g *Guard) Renew(ctx context.Context, res Reservation) (Reservation, error) {
	if g.ledger == nil {
		return res, errors.New("renew: guard has no ledger")
	}
	if res.ID == "" || res.DebtorID == "" {
		return res, errors.New("renew: empty reservation")
	}
	var exp time.Time
	err := g.withDebtor(ctx, res.DebtorID, res.ID, func(tx *store.Tx) error {
		now := g.clock.Now().UTC()
		exp = now.Add(g.policy.ReservationTTL)
		ok, err := tx.ExtendEntry(ctx, res.ID, now, exp)
		if err != nil {
			return fmt.Errorf("renew %s: %w", res.ID, err)
		}
		if !ok {
			e, err := tx.Entry(ctx, res.ID)
			if err != nil {
				return fmt.Errorf("renew %s: %w", res.ID, err)
			}
			return fmt.Errorf("renew %s: it is %s as %s (expiry %s): %w", res.ID, e.State, e.Kind, e.ExpiresAt.Format(time.RFC3339), ErrReservationClosed)
		}
		// Seal from the ledger's own entry, not from res: a hand-filled
		// Reservation naming a real open id must not become a permit for
		// another number.
		e, err := tx.Entry(ctx, res.ID)
		if err != nil {
			return fmt.Errorf("renew %s: %w", res.ID, err)
		}
		res.ExpiresAt = exp
		res.permit = g.seal(e.ID, Channel(e.Channel), e.Phone, exp)
		return tx.Audit(ctx, store.AuditRecord{At: now, Action: "renew", Allowed: true, ReservationID: res.ID, Channel: string(res.Channel),
			Detail: "renewed until " + exp.Format(time.RFC3339), Holder: g.holderName()})
	}, func(e *store.LedgerEntry) { e.ExpiresAt = exp })
	return res, err
}

// ExpireStale turns open reservations past their expiry (their holder died or
// hung) into attempts and returns how many it expired. Run it periodically and
// at start-up; Reserve also expires a debtor's stale entries before deciding.
func (g *Guard) ExpireStale(ctx context.Context) (int, error) {
	if g.ledger == nil {
		return 0, errors.New("expire stale: guard has no ledger")
	}
	now := g.clock.Now().UTC()
	stale, err := g.ledger.StaleEntries(ctx, now)
	if err != nil {
		return 0, fmt.Errorf("expire stale: %w", err)
	}
	n := 0
	for _, s := range stale {
		expired := false
		err := g.ledger.WithDebtor(ctx, s.DebtorID, func(tx *store.Tx) error {
			expired = false
			e, err := tx.Entry(ctx, s.ID)
			if err != nil {
				return err
			}
			if e.State != store.StateOpen || e.ExpiresAt.After(now) {
				return nil // closed meanwhile
			}
			expired = true
			return g.expire(ctx, tx, e, now)
		})
		if err != nil {
			return n, fmt.Errorf("expire stale: %w", err)
		}
		if expired {
			n++
		}
	}
	if n > 0 {
		g.log.Info("compliance expired stale reservations", "count", n)
	}
	return n, nil
}

var _ Ledger = (*store.DB)(nil)
