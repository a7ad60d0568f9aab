package telephony

import (
	"errors"
	"testing"
	"time"

	"github.com/emiago/sipgo/sip"
)

func TestReferTarget(t *testing.T) {
	far := sip.Uri{Scheme: "sip", User: "79990000001", Host: "10.0.0.5", Port: 5080}
	tcp := far
	tcp.UriParams = sip.NewParams()
	tcp.UriParams.Add("transport", "tcp")
	for _, tc := range []struct {
		target string
		far    sip.Uri
		want   string
		bad    bool
	}{
		{target: "sip:queue@ops", far: far, want: "sip:queue@ops"},
		{target: "sip:100@pbx.example:5061", far: far, want: "sip:100@pbx.example:5061"},
		{target: "100", far: far, want: "sip:100@10.0.0.5:5080"},
		{target: " operator ", far: far, want: "sip:operator@10.0.0.5:5080"},
		{target: "100", far: tcp, want: "sip:100@10.0.0.5:5080;transport=tcp"},
		{target: "", far: far, bad: true},
		{target: "mailto:x@y", far: far, bad: true},
	} {
		got, err := referTarget(tc.target, tc.far)
		if tc.bad {
			if err == nil {
				t.Errorf("referTarget(%q) = %s, want an error", tc.target, got.String())
			}
			continue
		}
		if err != nil || got.String() != tc.want {
			t.Errorf("referTarget(%q) = %s, %v; want %s", tc.target, got.String(), err, tc.want)
		}
	}
}

// TestAcceptReferTakesTheRobotsTransfer: a phone that stands in for a trunk
// (Inbound.AcceptRefer) takes the robot's REFER, to a URI or to a bare
// extension; one that does not refuses it. A 202 is not a hand-off: the
// transfer returns what the far end's NOTIFY reports, and the call stays up
// when the target fails or nothing is reported.
func TestAcceptReferTakesTheRobotsTransfer(t *testing.T) {
	isTransferError := func(code int) func(error) bool {
		return func(err error) bool {
			var te *TransferError
			return errors.As(err, &te) && te.Code == code
		}
	}
	for _, tc := range []struct {
		name    string
		accept  bool
		code    int // the target's final status the trunk reports; 0: none
		reason  string
		target  string
		wantErr func(error) bool
	}{
		{"a URI", true, 200, "OK", "sip:queue@127.0.0.1:5099", nil},
		{"an extension", true, 200, "OK", "100", nil},
		{"refused", false, 0, "", "sip:queue@127.0.0.1:5099", func(err error) bool { return err != nil }},
		{"target busy", true, 486, "Busy Here", "sip:queue@127.0.0.1:5099", isTransferError(486)},
		{"target unavailable", true, 503, "Service Unavailable", "100", isTransferError(503)},
		{"never reported", true, 0, "", "100", func(err error) bool { return errors.Is(err, ErrTransferUnconfirmed) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			call, ctx := dialPhone(t, Config{TransferTimeout: 500 * time.Millisecond}, func(in *Inbound) {
				if tc.accept {
					in.AcceptReferWith(tc.code, tc.reason)
				}
			})
			err := call.Transfer(ctx, tc.target)
			if tc.wantErr == nil {
				if err != nil {
					t.Fatalf("transfer to %s: %v", tc.target, err)
				}
				return
			}
			if !tc.wantErr(err) {
				t.Fatalf("transfer to %s: error %v", tc.target, err)
			}
			select {
			case <-call.Done():
				t.Fatal("the call ended with the failed transfer; the script must be able to go on")
			default:
			}
		})
	}
}
