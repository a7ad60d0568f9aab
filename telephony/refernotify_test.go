package telephony

import "testing"

func TestParseSipfrag(t *testing.T) {
	for _, tc := range []struct {
		body   string
		code   int
		reason string
		bad    bool
	}{
		{"SIP/2.0 200 OK", 200, "OK", false},
		{"SIP/2.0 100 Trying\r\n", 100, "Trying", false},
		{"SIP/2.0 486 Busy Here\r\nVia: SIP/2.0/UDP x\r\n", 486, "Busy Here", false},
		{"  SIP/2.0 603 Decline", 603, "Decline", false},
		{"SIP/2.0 180", 180, "", false},
		{"", 0, "", true},
		{"HTTP/1.1 200 OK", 0, "", true},
		{"SIP/2.0 abc OK", 0, "", true},
		{"SIP/2.0 99 Low", 0, "", true},
		{"SIP/2.0 700 High", 0, "", true},
	} {
		st, err := parseSipfrag([]byte(tc.body))
		if tc.bad {
			if err == nil {
				t.Errorf("%q: no error", tc.body)
			}
			continue
		}
		if err != nil || st.code != tc.code || st.reason != tc.reason {
			t.Errorf("%q: %+v, %v; want %d %q", tc.body, st, err, tc.code, tc.reason)
		}
	}
}

func FuzzParseSipfrag(f *testing.F) {
	for _, s := range []string{"SIP/2.0 200 OK", "SIP/2.0 486 Busy Here\r\n", "", "SIP/2.0 1", "sip/2.0 999999999999999999999 x"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		st, err := parseSipfrag(body)
		if err == nil && (st.code < 100 || st.code > 699) {
			t.Fatalf("accepted code %d", st.code)
		}
	})
}
