package phonenum

import (
	"strings"
	"testing"
)

// FuzzParseRussian: an error about a number never carries the number — at
// most its last two digits ever appear, wherever the digits are in the input
// — and a parsed Russian number masks itself the same way.
func FuzzParseRussian(f *testing.F) {
	for _, s := range []string{"+7 (913) 123-45-67", "8 913 1234567", "+442079460958", "9131234567x", "+7 013 123 45 67", "123", "+79131234567890", "913-12-34-56-7a"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var digits []byte
		for i := 0; i < len(s); i++ {
			if s[i] >= '0' && s[i] <= '9' {
				digits = append(digits, s[i])
			}
		}
		n, err := ParseRussian(s)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "parse phone ") {
				t.Fatalf("error %q does not say what failed", err)
			}
			for i := 0; i+5 <= len(digits)-2; i++ {
				if strings.Contains(err.Error(), string(digits[i:i+5])) {
					t.Fatalf("error %q shows digits of the input beyond the last two", err)
				}
			}
			return
		}
		if !n.Russian() || len(n.String()) != 12 {
			t.Fatalf("%q parsed as %q", s, n.Masked())
		}
		m := n.Masked()
		national := n.String()[2:]
		if strings.Contains(strings.ReplaceAll(m, " ", ""), national[3:8]) {
			t.Fatalf("masked %q shows the subscriber digits", m)
		}
	})
}
