package callflow

import (
	"strings"
	"testing"

	"github.com/dozvon/dozvon/handoff"
	"github.com/dozvon/dozvon/robot"
)

func TestReferHeaders(t *testing.T) {
	vars := map[string]any{"debt": map[string]any{"amount": 15000.5}}
	req := robot.HandOffRequest{Node: "transfer", Slots: map[string]string{"callback_at": "завтра в 10", "new_phone": "+7 916 123-45-67"}}
	tests := []struct {
		name string
		want handoff.ReferHeaders
		has  []string // headers present
		not  []string // headers absent
	}{
		{"context only", handoff.ReferHeaders{}, []string{HeaderCall, HeaderDebtor, HeaderNode}, []string{HeaderSlots, HeaderDebt}},
		{"with the summary", handoff.ReferHeaders{Summary: true}, []string{HeaderSlots}, []string{HeaderDebt}},
		{"with the debt", handoff.ReferHeaders{Debt: true}, []string{HeaderDebt}, []string{HeaderSlots}},
	}
	for _, tc := range tests {
		hs := referHeaders("out-1", "d/1", vars, req, tc.want)
		for _, h := range tc.has {
			if hs[h] == "" {
				t.Errorf("%s: no %s in %v", tc.name, h, hs)
			}
		}
		for _, h := range tc.not {
			if _, ok := hs[h]; ok {
				t.Errorf("%s: %s must not be sent: %v", tc.name, h, hs)
			}
		}
		if hs[HeaderCall] != "out-1" || hs[HeaderDebtor] != "debtor-d-1" || hs[HeaderNode] != "transfer" {
			t.Errorf("%s: context %v", tc.name, hs)
		}
		for h, v := range hs {
			if strings.Contains(v, "1234567") || strings.Contains(v, "123-45") || strings.ContainsAny(v, "\r\n") {
				t.Errorf("%s: %s = %q holds a number or a line break", tc.name, h, v)
			}
		}
	}
	if hs := referHeaders("out-1", "d1", vars, req, handoff.ReferHeaders{Summary: true, Debt: true}); hs[HeaderDebt] != "15000.50" ||
		!strings.Contains(hs[HeaderSlots], "new_phone=%2A%2A%2A67") || !strings.Contains(hs[HeaderSlots], "callback_at=") {
		t.Errorf("summary and debt: %v", hs)
	}
}
