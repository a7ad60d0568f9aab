package telephony

import "strings"

// Permit is proof that the compliance guard allowed a call to a number.
type Permit interface {
	Permits(phone string) bool
}

// phoneTarget returns the phone number a destination reaches — the number
// itself, or a SIP URI's user part when it is all digits (with an optional
// leading +) and at least 7 long — or "" when it is not a phone number
// (a named test endpoint such as sip:robot@host).
func phoneTarget(to string) string {
	user := to
	for _, scheme := range []string{"sip:", "sips:"} {
		if rest, ok := strings.CutPrefix(to, scheme); ok {
			user, _, _ = strings.Cut(rest, "@")
			user, _, _ = strings.Cut(user, ";")
		}
	}
	digits := strings.TrimPrefix(user, "+")
	if len(digits) < 7 {
		return ""
	}
	for _, r := range digits {
		if r < '0' || r > '9' {
			return ""
		}
	}
	return user
}
