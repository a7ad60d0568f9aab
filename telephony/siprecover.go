package telephony

import (
	"log/slog"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"
)

// recoverRequests answers 400 to a request whose handling panics inside
// diago instead of letting the panic end the process. diago v0.25's SDP code
// panics on some malformed bodies (a "c=" line of fewer than three fields, a
// bare "\n" line: FuzzCheckOffer) and reads in-dialog re-INVITE and ACK
// bodies on sipgo's goroutines, where nothing of ours could recover it: one
// re-INVITE from a caller ended `serve` (TestReinviteWithBadSDP). The panic's
// value is not logged: it may quote the request.
func recoverRequests(log *slog.Logger) func(next sipgo.RequestHandler) sipgo.RequestHandler {
	return func(next sipgo.RequestHandler) sipgo.RequestHandler {
		return func(req *sip.Request, tx sip.ServerTransaction) {
			defer func() {
				if recover() != nil {
					log.Error("sip request handling panicked; answered 400", "method", req.Method.String())
					if req.Method != sip.ACK {
						_ = tx.Respond(sip.NewResponseFromRequest(req, sip.StatusBadRequest, "Bad Request", nil))
					}
				}
			}()
			next(req, tx)
		}
	}
}
