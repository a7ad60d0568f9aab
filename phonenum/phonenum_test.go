package phonenum

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		russian  bool
		err      string
	}{
		{"+7 (913) 123-45-67", "+79131234567", true, ""},
		{"8 913 1234567", "+79131234567", true, ""},
		{"79131234567", "+79131234567", true, ""},
		{"9131234567", "+79131234567", true, ""},
		{"+44 20 7946 0958", "+442079460958", false, ""},
		{"", "", false, "no digits"},
		{"+7 013 1234567", "", false, "cannot start with 0"},
		{"913-12a", "", false, "unexpected character"},
		{"+7913123456", "", false, "got 10 digits"},
	} {
		n, err := Parse(tc.in)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("Parse(%q) err = %v, want %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || n.String() != tc.want || n.Russian() != tc.russian {
			t.Errorf("Parse(%q) = %v, %v; want %s", tc.in, n, err, tc.want)
		}
	}
}

func TestNoLeak(t *testing.T) {
	n := MustParse("+79131234567")
	if n.Masked() != "+7 913 *** ** 67" {
		t.Fatalf("Masked = %q", n.Masked())
	}
	var buf bytes.Buffer
	slog.New(slog.NewTextHandler(&buf, nil)).Info("x", "phone", n)
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("x", "phone", n)
	buf.WriteString(fmt.Sprintf("%#v", n))
	if _, err := Parse("+7 913 123-45-6x"); err != nil {
		buf.WriteString(err.Error())
	}
	if s := buf.String(); strings.Contains(s, "1234567") || strings.Contains(s, "123-45") {
		t.Fatalf("leak: %s", s)
	}
}

func TestJSONAndSQL(t *testing.T) {
	type rec struct{ Phone Number }
	b, _ := json.Marshal(rec{MustParse("89131234567")})
	if string(b) != `{"Phone":"+79131234567"}` {
		t.Fatalf("json = %s", b)
	}
	var r rec
	if err := json.Unmarshal(b, &r); err != nil || r.Phone != MustParse("9131234567") {
		t.Fatalf("unmarshal = %v, %v", r, err)
	}
	v, _ := r.Phone.Value()
	var s Number
	if err := s.Scan(v); err != nil || s != r.Phone {
		t.Fatalf("scan = %v, %v", s, err)
	}
	if err := s.Scan(nil); err != nil || s.IsValid() {
		t.Fatalf("scan nil = %v, %v", s, err)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"+7 (913) 123-45-67", "8 913 1234567", "9131234567", "+442079460958", "", "+", "8(", "+0123456789"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := Parse(s)
		if err != nil {
			return
		}
		again, err := Parse(n.String())
		if err != nil || again != n {
			t.Fatalf("round trip %q -> %q -> %v, %v", s, n, again, err)
		}
	})
}

func TestParseRussianAndMask(t *testing.T) {
	if n, err := ParseRussian("8 (913) 123-45-67"); err != nil || n.String() != "+79131234567" {
		t.Errorf("ParseRussian = %v, %v", n, err)
	}
	if _, err := ParseRussian("+44 20 7946 0958"); err == nil || !strings.Contains(err.Error(), `"***58": not a Russian number`) {
		t.Errorf("ParseRussian foreign err = %v", err)
	}
	for _, tc := range []struct{ in, want string }{
		{"+79131234567", "+7 913 *** ** 67"},
		{"8 913 123-45-67", "+7 913 *** ** 67"},
		{"+442079460958", "+***58"},
		{"sip:+79131234567@10.0.0.1", "***01"},
		{"нет", "***"},
	} {
		if got := Mask(tc.in); got != tc.want {
			t.Errorf("Mask(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
