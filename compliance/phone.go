package compliance

import (
	"fmt"
	"strings"
)

// NormalizePhone returns a Russian phone number in E.164 form (+7XXXXXXXXXX).
// It accepts the usual spellings: "+7 (913) 123-45-67", "8 913 1234567",
// "79131234567" and the bare ten-digit national number "9131234567".
func NormalizePhone(s string) (string, error) {
	var digits strings.Builder
	plus := false
	for i, r := range strings.TrimSpace(s) {
		switch {
		case r >= '0' && r <= '9':
			digits.WriteRune(r)
		case r == '+' && i == 0:
			plus = true
		case r == ' ' || r == '-' || r == '(' || r == ')' || r == '.' || r == '\u00a0':
		default:
			return "", fmt.Errorf("normalize phone %q: unexpected character %q", s, r)
		}
	}
	d := digits.String()
	switch {
	case len(d) == 11 && d[0] == '7':
	case len(d) == 11 && d[0] == '8' && !plus:
		d = "7" + d[1:]
	case len(d) == 10 && !plus:
		d = "7" + d
	case len(d) == 0:
		return "", fmt.Errorf("normalize phone %q: no digits", s)
	default:
		return "", fmt.Errorf("normalize phone %q: want a Russian number +7 and 10 digits, got %d digits", s, len(d))
	}
	if d[1] == '0' {
		return "", fmt.Errorf("normalize phone %q: national number cannot start with 0", s)
	}
	return "+" + d, nil
}

// nationalNumber returns the 10-digit national number of an E.164 +7 phone as an integer.
func nationalNumber(e164 string) int64 {
	var n int64
	for _, r := range e164[2:] {
		n = n*10 + int64(r-'0')
	}
	return n
}

// MaskPhone hides the middle of a phone number for logs: +7 9** *** ** 67.
func MaskPhone(p string) string {
	if len(p) != 12 || !strings.HasPrefix(p, "+7") {
		if len(p) <= 2 {
			return "***"
		}
		return "***" + p[len(p)-2:]
	}
	return "+7 " + p[2:3] + "** *** ** " + p[10:]
}
