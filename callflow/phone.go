package callflow

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"

	"github.com/dozvon/dozvon/phonenum"
)

// phoneDebtor is the ledger's debtor id for a call to a bare number: stable
// per number, so the limits hold across calls, but not the number itself,
// which would otherwise reach logs, events and the ledger's debtor column.
// (A hash of a ten-digit space is no secret against brute force: it keeps
// the number out of sight, it does not encrypt it.)
func phoneDebtor(n phonenum.Number) string {
	h := sha256.Sum256([]byte(n.String()))
	return "phone:" + hex.EncodeToString(h[:8])
}

// PhoneOf extracts a phone number from a SIP URI's user part or a bare
// number: a foreign one too, since the guard reserves it in every Russian
// zone rather than letting it be dialed unguarded. Anything else
// (sip:robot-test@host) is not a debtor's phone.
func PhoneOf(to string) (phonenum.Number, bool) {
	user := to
	if rest, ok := strings.CutPrefix(to, "sip:"); ok {
		user, _, _ = strings.Cut(rest, "@")
	} else if rest, ok := strings.CutPrefix(to, "sips:"); ok {
		user, _, _ = strings.Cut(rest, "@")
	}
	user, _, _ = strings.Cut(user, ";") // URI parameters (;user=phone)
	p, err := phonenum.Parse(user)
	if err != nil {
		return phonenum.Number{}, false
	}
	return p, true
}
