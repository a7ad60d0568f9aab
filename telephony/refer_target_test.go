package telephony

import (
	"testing"

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
