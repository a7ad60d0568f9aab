package compliance

import "github.com/dozvon/dozvon/phonenum"

// NormalizePhone returns a Russian phone number in E.164 form (+7XXXXXXXXXX).
// It is a string wrapper over phonenum.ParseRussian for callers that still
// hold numbers as strings; its errors show only the last two digits.
func NormalizePhone(s string) (string, error) {
	n, err := phonenum.ParseRussian(s)
	if err != nil {
		return "", err
	}
	return n.String(), nil
}

// MaskPhone hides the middle of a phone number for logs: +7 913 *** ** 67.
func MaskPhone(p string) string { return phonenum.Mask(p) }
