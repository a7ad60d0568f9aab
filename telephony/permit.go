package telephony

import "strings"

// checkPermit refuses a dial to a phone number that the request's permit does
// not cover: the 230-FZ guard is the only door to a debtor's phone. A SIP URI
// whose user is not a phone number (sip:robot@host) needs no permit.
func checkPermit(req DialRequest) error {
	phone := phoneTarget(req.To)
	if phone == "" {
		return nil
	}
	if err := req.Permit.Check(phone); err != nil {
		return &DialError{Result: Failed, Err: err,
			Reason: "dials to phone numbers go through the compliance guard: " + err.Error()}
	}
	return nil
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
