package compliance

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/dozvon/dozvon/phonenum"
)

// ErrInvalidPermit is wrapped by every error Permit.Check returns.
var ErrInvalidPermit = errors.New("no valid 230-FZ permit")

// Permit is the guard's proof that a call to one number may start now. Only
// Guard.Reserve (and Guard.Renew) make a valid one: its fields are unexported
// and sealed with an HMAC under a random key each Guard draws at birth, so a
// hand-filled Reservation, a zero Permit or a permit for another number,
// another reservation or a later expiry does not pass Check. Telephony checks
// it before it dials a phone number. Pass it by value.
type Permit struct {
	issuer  *Guard
	id      string // reservation id
	channel Channel
	phone   string // E.164
	expires time.Time
	mac     [sha256.Size]byte
}

// Permit returns the permit the guard sealed for this reservation; a
// Reservation not made by Guard.Reserve or Guard.Renew has none, so its
// permit fails Check.
func (r Reservation) Permit() Permit { return r.permit }

// String describes the permit with its number masked, so printing or logging
// one shows no full phone number.
func (p Permit) String() string {
	if p.issuer == nil {
		return "no permit"
	}
	return fmt.Sprintf("permit %s for %s until %s", p.id, MaskPhone(p.phone), p.expires.UTC().Format(time.RFC3339))
}

// seal issues a permit for an open reservation of the ledger.
func (g *Guard) seal(id string, ch Channel, phone string, expires time.Time) Permit {
	p := Permit{issuer: g, id: id, channel: ch, phone: phone, expires: expires}
	p.mac = g.permitMAC(p)
	return p
}

// permitMAC is HMAC-SHA256 over the permit's fields, each length-prefixed so
// that no two field lists share an encoding.
func (g *Guard) permitMAC(p Permit) [sha256.Size]byte {
	m := hmac.New(sha256.New, g.permitKey[:])
	for _, f := range []string{p.id, string(p.channel), p.phone} {
		var n [8]byte
		binary.BigEndian.PutUint64(n[:], uint64(len(f)))
		m.Write(n[:])
		m.Write([]byte(f))
	}
	var exp [8]byte
	binary.BigEndian.PutUint64(exp[:], uint64(p.expires.UnixNano()))
	m.Write(exp[:])
	var sum [sha256.Size]byte
	copy(sum[:], m.Sum(nil))
	return sum
}

// Check reports whether the permit allows a call to phone (any spelling
// phonenum.Parse accepts) now, on the issuing guard's clock — which may be a
// simulated one. The error wraps ErrInvalidPermit and shows numbers masked.
func (p Permit) Check(phone string) error {
	if err := p.verify(); err != nil {
		return err
	}
	if !p.channel.isCall() && p.channel != StaffCall { // a staff permit: a collector's own phone
		return fmt.Errorf("check permit %s: %w: the reservation is for %s, not a call", p.id, ErrInvalidPermit, p.channel)
	}
	num, err := phonenum.Parse(phone) // a foreign number is reserved and permitted like any other
	if err != nil {
		// the parse error quotes the input: keep it out of the message
		return fmt.Errorf("check permit %s: %w: %s is not a phone number", p.id, ErrInvalidPermit, MaskPhone(phone))
	}
	n := num.String()
	if n != p.phone {
		return fmt.Errorf("check permit %s: %w: it is for %s, not %s", p.id, ErrInvalidPermit, MaskPhone(p.phone), MaskPhone(n))
	}
	return p.unexpired()
}

func hmacEqual(a, b [sha256.Size]byte) bool { return hmac.Equal(a[:], b[:]) }
