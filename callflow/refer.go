package callflow

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strconv"

	"github.com/dozvon/dozvon/handoff"
	"github.com/dozvon/dozvon/robot"
)

// Headers of the REFER a transfer node sends on a refer trunk: the context
// the peer taking the call (a PBX, a contact centre) reads.
const (
	HeaderCall   = "X-Dozvon-Call"   // dozvon's call id: the card and the recording
	HeaderDebtor = "X-Dozvon-Debtor" // the debtor's alias (debtor-<id>), never the number
	HeaderNode   = "X-Dozvon-Node"   // the transfer node
	HeaderSlots  = "X-Dozvon-Slots"  // the robot's slots, URL-encoded, numbers masked (refer_headers.summary)
	HeaderDebt   = "X-Dozvon-Debt"   // the debt in roubles (refer_headers.debt)
)

// errNoReferTarget: a transfer node on a refer trunk without a target.
var errNoReferTarget = errors.New("callflow: transfer: no target to REFER to")

// refer is the hand-off of a call on a refer trunk: a blind transfer (REFER)
// to the node's target, carrying the call's context in X-Dozvon-* headers.
func (h *handOffCall) refer(ctx context.Context, req robot.HandOffRequest) (string, error) {
	if req.Target == "" {
		return "", errNoReferTarget
	}
	if err := h.call.TransferWith(ctx, req.Target, referHeaders(h.emit.base.CallID, h.debtor, h.vars, req, h.cfg.ReferHeaders)); err != nil {
		return "", fmt.Errorf("callflow: transfer: %w", err)
	}
	return req.Target, nil
}

// referHeaders is the context a REFER carries: the call, the debtor's
// alias and the node always; the slots (numbers masked) and the debt only
// when the trunk's config asks for them.
func referHeaders(callID, debtor string, vars map[string]any, req robot.HandOffRequest, want handoff.ReferHeaders) map[string]string {
	user, _ := alias(debtor, "")
	hs := map[string]string{HeaderCall: callID, HeaderDebtor: user, HeaderNode: req.Node}
	if want.Summary && len(req.Slots) > 0 {
		v := url.Values{}
		for k, s := range req.Slots {
			v.Set(k, maskNumbers(s))
		}
		hs[HeaderSlots] = v.Encode()
	}
	if want.Debt {
		if debt, ok := vars["debt"].(map[string]any); ok {
			if amt, ok := debt["amount"].(float64); ok && amt > 0 {
				hs[HeaderDebt] = strconv.FormatFloat(amt, 'f', 2, 64)
			}
		}
	}
	return hs
}

// numberish is a run of seven or more digits, perhaps with the separators
// people dictate a phone number with (as package events masks them).
var numberish = regexp.MustCompile(`\+?\d(?:[\s\-().]*\d){6,}`)

// maskNumbers hides all but the last two digits of anything that may be a
// phone number (a debtor may dictate a new one into a slot).
func maskNumbers(s string) string {
	return numberish.ReplaceAllStringFunc(s, func(m string) string {
		var d []byte
		for i := 0; i < len(m); i++ {
			if m[i] >= '0' && m[i] <= '9' {
				d = append(d, m[i])
			}
		}
		return "***" + string(d[len(d)-2:])
	})
}
