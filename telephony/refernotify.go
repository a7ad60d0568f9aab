package telephony

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/emiago/sipgo/sip"
)

// defaultTransferTimeout is Config.TransferTimeout's default: a contact
// centre's queue may ring a while before an operator answers.
const defaultTransferTimeout = 60 * time.Second

// ErrTransferUnconfirmed: the far end accepted a REFER (202) but told no
// result of it (RFC 3515 NOTIFY) before the call ended or the wait ran out.
// Such a transfer is not counted as a hand-off: nobody knows a person took
// the call.
var ErrTransferUnconfirmed = errors.New("transfer accepted but its result never reported")

// TransferError is a transfer whose target failed: the final status the far
// end reported in its NOTIFY (e.g. 486 when the operator's line is busy).
type TransferError struct {
	Code   int
	Reason string
}

func (e *TransferError) Error() string {
	return fmt.Sprintf("transfer target answered %d %s", e.Code, e.Reason)
}

// referStatus is one status line of a REFER's progress (a sipfrag).
type referStatus struct {
	code   int
	reason string
}

// referResults routes the NOTIFYs of REFERs this UA sent to the transfer
// that waits for them, by SIP Call-ID (one transfer at a time per call).
type referResults struct{ m sync.Map }

// expect registers a wait for callID's NOTIFYs; done ends it.
func (r *referResults) expect(callID string) (<-chan referStatus, func()) {
	ch := make(chan referStatus, 8)
	r.m.Store(callID, ch)
	return ch, func() { r.m.CompareAndDelete(callID, ch) }
}

// takeReferNotify answers a NOTIFY of the refer event package on a call
// whose transfer waits for it and hands the status on; it reports false for
// every other request (diago handles those).
func (u *UA) takeReferNotify(req *sip.Request, tx sip.ServerTransaction) bool {
	if req.Method != sip.NOTIFY || req.CallID() == nil {
		return false
	}
	ev := req.GetHeader("Event")
	if ev == nil || !strings.EqualFold(strings.TrimSpace(strings.SplitN(ev.Value(), ";", 2)[0]), "refer") {
		return false
	}
	v, ok := u.refers.m.Load(req.CallID().Value())
	if !ok {
		return false
	}
	st, err := parseSipfrag(req.Body())
	if err != nil {
		_ = tx.Respond(sip.NewResponseFromRequest(req, sip.StatusBadRequest, "Bad Request (sipfrag)", nil))
		u.log.Warn("REFER NOTIFY with a bad body", "err", err)
		return true
	}
	_ = tx.Respond(sip.NewResponseFromRequest(req, sip.StatusOK, "OK", nil))
	select {
	case v.(chan referStatus) <- st:
	default: // a flood of provisional NOTIFYs: the waiter has enough
	}
	return true
}

// parseSipfrag reads the status line of a message/sipfrag body
// ("SIP/2.0 200 OK"), the only part RFC 3515 requires.
func parseSipfrag(body []byte) (referStatus, error) {
	line := string(body)
	if i := strings.IndexAny(line, "\r\n"); i >= 0 {
		line = line[:i]
	}
	f := strings.SplitN(strings.TrimSpace(line), " ", 3)
	if len(f) < 2 || !strings.HasPrefix(strings.ToUpper(f[0]), "SIP/") {
		return referStatus{}, fmt.Errorf("sipfrag: want a status line like \"SIP/2.0 200 OK\", got %d bytes starting %q", len(body), clip(line, 24))
	}
	code, err := strconv.Atoi(f[1])
	if err != nil || code < 100 || code > 699 {
		return referStatus{}, fmt.Errorf("sipfrag: bad status code %q", clip(f[1], 8))
	}
	st := referStatus{code: code}
	if len(f) == 3 {
		st.reason = f[2]
	}
	return st, nil
}

func clip(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
