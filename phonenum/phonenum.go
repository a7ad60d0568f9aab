package phonenum

import (
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
)

// Number is a phone number in E.164. The zero value is no number.
type Number struct {
	e164 string // "+" and 8–15 digits, or "" for the zero value
}

// Parse reads a phone number. Russian numbers are accepted in the usual
// spellings ("+7 (913) 123-45-67", "8 913 1234567", "79131234567" and the
// bare national "9131234567"); any other "+CC…" number of 8–15 digits
// parses as foreign.
func Parse(s string) (Number, error) {
	var b strings.Builder
	plus := false
	for i, r := range strings.TrimSpace(s) {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '+' && i == 0:
			plus = true
		case r == ' ' || r == '-' || r == '(' || r == ')' || r == '.' || r == '\u00a0':
		default:
			return Number{}, fmt.Errorf("parse phone %s: unexpected character %q", maskRaw(s), r)
		}
	}
	d := b.String()
	switch {
	case len(d) == 0:
		return Number{}, fmt.Errorf("parse phone %s: no digits", maskRaw(s))
	case len(d) == 11 && d[0] == '7':
	case len(d) == 11 && d[0] == '8' && !plus:
		d = "7" + d[1:]
	case len(d) == 10 && !plus:
		d = "7" + d
	case plus && d[0] != '7' && d[0] != '0' && len(d) >= 8 && len(d) <= 15:
		return Number{e164: "+" + d}, nil
	default:
		return Number{}, fmt.Errorf("parse phone %s: want +7 and 10 digits (or +country code and 8–15 digits), got %d digits", maskRaw(s), len(d))
	}
	if d[1] == '0' {
		return Number{}, fmt.Errorf("parse phone %s: national number cannot start with 0", maskRaw(s))
	}
	return Number{e164: "+" + d}, nil
}

// ParseRussian is Parse that also refuses a foreign number: dozvon dials and
// guards +7 numbers only (the 230-FZ zones and the numbering plan are Russian).
func ParseRussian(s string) (Number, error) {
	n, err := Parse(s)
	if err != nil {
		return Number{}, err
	}
	if !n.Russian() {
		return Number{}, fmt.Errorf("parse phone %s: not a Russian number (want +7 and 10 digits)", maskRaw(s))
	}
	return n, nil
}

// MustParse is Parse that panics; for tests and constants only.
func MustParse(s string) Number {
	n, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return n
}

// List is several numbers that mask themselves in logs: slog formats a plain
// []Number with fmt or encoding/json, which print each number in full.
type List []Number

// LogValue masks every number of the list.
func (l List) LogValue() slog.Value {
	m := make([]string, len(l))
	for i, n := range l {
		m[i] = n.Masked()
	}
	return slog.AnyValue(m)
}

// Strings returns the numbers' E.164 forms, for stores and keys that hold text.
func Strings(ns []Number) []string {
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = n.String()
	}
	return out
}

// IsValid reports whether n holds a number (is not the zero value).
func (n Number) IsValid() bool { return n.e164 != "" }

// String is the full E.164 form, "" for the zero value.
func (n Number) String() string { return n.e164 }

// GoString keeps %#v as masked as a log line: it is used in test failures and panics.
func (n Number) GoString() string { return "phonenum.Number(" + n.Masked() + ")" }

// Russian reports whether n is a +7 number.
func (n Number) Russian() bool { return len(n.e164) == 12 && n.e164[1] == '7' }

// CountryCode is the digits after '+' that are not the national number:
// "7" for Russia; for a foreign number, the whole digit string is returned
// since splitting needs per-country data dozvon does not keep.
func (n Number) CountryCode() string {
	if n.Russian() {
		return "7"
	}
	if n.e164 == "" {
		return ""
	}
	return n.e164[1:]
}

// National is the 10-digit national number of a Russian number, 0 otherwise.
func (n Number) National() int64 {
	if !n.Russian() {
		return 0
	}
	var v int64
	for _, r := range n.e164[2:] {
		v = v*10 + int64(r-'0')
	}
	return v
}

// Masked hides the middle of the number: "+7 913 *** ** 67".
func (n Number) Masked() string {
	switch {
	case n.e164 == "":
		return ""
	case n.Russian():
		return "+7 " + n.e164[2:5] + " *** ** " + n.e164[10:]
	default:
		return "+" + maskDigits(n.e164)
	}
}

// LogValue masks the number in every slog handler.
func (n Number) LogValue() slog.Value { return slog.StringValue(n.Masked()) }

// Mask masks any text that may hold a number: a parsable number gets Masked,
// anything else shows only its last two digits ("***67"). It is for strings
// that have not become a Number yet (SIP URIs, log attributes).
func Mask(s string) string {
	if n, err := Parse(s); err == nil {
		return n.Masked()
	}
	return maskDigits(s)
}

// maskRaw is maskDigits quoted, for error messages about unparsed input.
func maskRaw(s string) string { return `"` + maskDigits(s) + `"` }

// maskDigits shows only the last two digits of s.
func maskDigits(s string) string {
	var d []byte
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			d = append(d, s[i])
		}
	}
	if len(d) < 2 {
		return "***"
	}
	return "***" + string(d[len(d)-2:])
}

// MarshalText writes the full E.164 form (JSON keys and values, YAML).
func (n Number) MarshalText() ([]byte, error) { return []byte(n.e164), nil }

// UnmarshalText parses any accepted spelling; empty text is the zero value.
func (n *Number) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*n = Number{}
		return nil
	}
	p, err := Parse(string(b))
	if err != nil {
		return err
	}
	*n = p
	return nil
}

var _ json.Marshaler = Number{}

// MarshalJSON writes the full number as a JSON string ("" for none).
func (n Number) MarshalJSON() ([]byte, error) { return json.Marshal(n.e164) }

// UnmarshalJSON reads a JSON string (or null) in any accepted spelling.
func (n *Number) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*n = Number{}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return errors.New("parse phone: want a JSON string")
	}
	return n.UnmarshalText([]byte(s))
}

// Value stores the number as E.164 text, NULL for none.
func (n Number) Value() (driver.Value, error) {
	if n.e164 == "" {
		return nil, nil
	}
	return n.e164, nil
}

// Scan reads E.164 text (or NULL) written by Value.
func (n *Number) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*n = Number{}
		return nil
	case string:
		return n.UnmarshalText([]byte(v))
	case []byte:
		return n.UnmarshalText(v)
	default:
		return fmt.Errorf("scan phone: unsupported type %T", src)
	}
}
