package telephony

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestTransferWaitsForTheTargetsResult: a 202 is not a hand-off; the
// transfer returns what the far end's NOTIFY reports, and the call stays up
// when the target fails or nothing is reported.
func TestTransferWaitsForTheTargetsResult(t *testing.T) {
	for _, tc := range []struct {
		name    string
		code    int
		reason  string
		wantErr func(error) bool
	}{
		{"target answers", 200, "OK", func(err error) bool { return err == nil }},
		{"target busy", 486, "Busy Here", func(err error) bool {
			var te *TransferError
			return errors.As(err, &te) && te.Code == 486 && te.Reason == "Busy Here"
		}},
		{"target unavailable", 503, "Service Unavailable", func(err error) bool {
			var te *TransferError
			return errors.As(err, &te) && te.Code == 503
		}},
		{"never reported", 0, "", func(err error) bool { return errors.Is(err, ErrTransferUnconfirmed) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			phone := serveWith(t, Config{}, func(ctx context.Context, in *Inbound) {
				in.AcceptReferWith(tc.code, tc.reason)
				call, err := in.Answer(ctx)
				if err != nil {
					return
				}
				<-call.Done()
			})
			robot := newTestUA(t, Config{TransferTimeout: 500 * time.Millisecond})
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			call, _, err := robot.Dial(ctx, DialRequest{To: phone.URI("debtor")})
			if err != nil {
				t.Fatalf("dial: %v", err)
			}
			defer func() { _ = call.Hangup(ctx) }()
			err = call.Transfer(ctx, "sip:queue@127.0.0.1:5099")
			if !tc.wantErr(err) {
				t.Fatalf("transfer: %v", err)
			}
			if tc.code != 200 {
				select {
				case <-call.Done():
					t.Fatal("the call ended with the failed transfer; the script must be able to go on")
				default:
				}
			}
		})
	}
}

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
