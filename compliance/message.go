package compliance

import (
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"github.com/dozvon/dozvon/phonenum"
)

// ErrBadAddress is wrapped by NormalizeAddress's errors.
var ErrBadAddress = errors.New("not an e-mail address")

// NormalizeAddress returns an e-mail address in the one spelling the ledger
// counts it by: the bare address (no display name), its domain lower-cased.
// The local part keeps its case: RFC 5321 lets a server tell "Ivan" from
// "ivan", so folding it could merge two people's counts — but the domain is
// case-blind everywhere.
func NormalizeAddress(s string) (string, error) {
	a, err := mail.ParseAddress(strings.TrimSpace(s))
	if err != nil {
		// net/mail's errors can quote the input: keep the address out of it
		return "", fmt.Errorf("e-mail address %s: %w: want local@domain", MaskRecipient(s), ErrBadAddress)
	}
	at := strings.LastIndexByte(a.Address, '@')
	if at <= 0 || at == len(a.Address)-1 {
		return "", fmt.Errorf("e-mail address %s: want local@domain", MaskRecipient(s))
	}
	return a.Address[:at] + "@" + strings.ToLower(a.Address[at+1:]), nil
}

// MaskRecipient shows a message's recipient without disclosing it, for
// logs, the messages table and errors: a phone number as phonenum masks it
// (+7 9** *** ** 67), an e-mail address as its first letter and its domain
// (i***@mail.ru). Anything else shows only its last two digits.
func MaskRecipient(s string) string {
	s = strings.TrimSpace(s)
	if at := strings.LastIndexByte(s, '@'); at > 0 {
		r := []rune(s[:at])
		dom := s[at+1:]
		if a, err := mail.ParseAddress(s); err == nil {
			j := strings.LastIndexByte(a.Address, '@')
			r, dom = []rune(a.Address[:j]), a.Address[j+1:]
		}
		return string(r[:1]) + "***@" + strings.ToLower(dom)
	}
	return MaskPhone(s)
}

// recipientKey is how a message's recipient is sealed in a permit and
// counted in the ledger: E.164 for a phone number, else the normalised
// e-mail address.
func recipientKey(to string) (string, error) {
	if n, err := phonenum.Parse(to); err == nil {
		return n.String(), nil
	}
	return NormalizeAddress(to)
}

// CheckMessage reports whether the permit allows a message (SMS or e-mail)
// to the recipient now, on the issuing guard's clock: the guard's proof that
// the message was reserved under the 230-FZ art. 7 message limits. Every
// Sender checks it before anything leaves, so no send path can skip the
// guard. A call's permit does not pass, nor a message permit for a call
// (Permit.Check refuses it). The error wraps ErrInvalidPermit and masks.
func (p Permit) CheckMessage(to string) error {
	if err := p.verify(); err != nil {
		return err
	}
	if p.channel != Message {
		return fmt.Errorf("check permit %s: %w: the reservation is for %s, not a message", p.id, ErrInvalidPermit, p.channel)
	}
	key, err := recipientKey(to)
	if err != nil {
		return fmt.Errorf("check permit %s: %w: %s is neither a phone number nor an e-mail address", p.id, ErrInvalidPermit, MaskRecipient(to))
	}
	if key != p.phone {
		return fmt.Errorf("check permit %s: %w: it is for %s, not %s", p.id, ErrInvalidPermit, MaskRecipient(p.phone), MaskRecipient(key))
	}
	return p.unexpired()
}

// verify checks that the guard sealed the permit as it stands.
func (p Permit) verify() error {
	if p.issuer == nil {
		return fmt.Errorf("check permit: %w: none issued by the compliance guard (the reservation was not made by Guard.Reserve)", ErrInvalidPermit)
	}
	want := p.issuer.permitMAC(p)
	if !hmacEqual(want, p.mac) {
		return fmt.Errorf("check permit %s: %w: its seal does not verify (altered, or sealed by another guard)", p.id, ErrInvalidPermit)
	}
	return nil
}

// unexpired checks the permit's expiry on the issuing guard's clock.
func (p Permit) unexpired() error {
	if now := p.issuer.clock.Now(); !now.Before(p.expires) {
		return fmt.Errorf("check permit %s: %w: it expired at %s (guard clock %s)", p.id, ErrInvalidPermit,
			p.expires.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339))
	}
	return nil
}
