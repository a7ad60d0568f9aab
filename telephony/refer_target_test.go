package telephony

import (
	"context"
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
// extension; one that does not refuses it.
func TestAcceptReferTakesTheRobotsTransfer(t *testing.T) {
	for _, tc := range []struct {
		name   string
		accept bool
		target string
	}{
		{"a URI", true, "sip:queue@127.0.0.1:5099"},
		{"an extension", true, "100"},
		{"refused", false, "sip:queue@127.0.0.1:5099"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			phone := serveWith(t, Config{}, func(ctx context.Context, in *Inbound) {
				if tc.accept {
					in.AcceptRefer()
				}
				call, err := in.Answer(ctx)
				if err != nil {
					return
				}
				<-call.Done()
			})
			robot := newTestUA(t, Config{})
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			call, _, err := robot.Dial(ctx, DialRequest{To: phone.URI("debtor")})
			if err != nil {
				t.Fatalf("dial: %v", err)
			}
			defer func() { _ = call.Hangup(ctx) }()
			err = call.Transfer(ctx, tc.target)
			if tc.accept && err != nil {
				t.Fatalf("transfer to %s: %v", tc.target, err)
			}
			if !tc.accept && err == nil {
				t.Fatalf("transfer to %s was taken by a phone that refuses REFER", tc.target)
			}
		})
	}
}
