package telephony

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/dozvon/dozvon/internal/safe"
	"github.com/emiago/diago"
	diagomedia "github.com/emiago/diago/media"
	"github.com/emiago/diago/media/sdp"
	"github.com/emiago/sipgo/sip"

	"github.com/dozvon/dozvon/telephony/sipguard"
)

// InboundHandler handles one inbound INVITE. It must Answer or Reject; the
// call lasts while the handler runs — when it returns, the call is hung up.
type InboundHandler func(ctx context.Context, in *Inbound)

// Serve runs h for every inbound call until the UA's context (New's ctx) is
// done. Listeners start on the first Serve or Dial: a UA must listen even
// when it only dials, or the far end's BYE, re-INVITE and REFER NOTIFY would
// go unheard. Without a handler, inbound INVITEs get 480.
func (u *UA) Serve(ctx context.Context, h InboundHandler) error {
	u.handler.Store(&h)
	return u.start()
}

func (u *UA) dispatch(d *diago.DialogServerSession) {
	u.active.Add(1)
	defer u.active.Done()
	in := &Inbound{ua: u, d: d}
	// A panicking handler ends only this call: logged with its stack but
	// not its value (it may quote the caller), answered 500 or hung up.
	defer safe.Recover(u.log, "inbound call", func(*safe.Panic) {
		switch {
		case in.call != nil:
			hctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			_ = in.call.Hangup(hctx)
			cancel()
		case !in.answered && !in.responded:
			_ = d.Respond(500, "Server Internal Error", nil)
		}
	})
	hp := u.handler.Load()
	if hp == nil {
		_ = in.Reject(480, "Temporarily Unavailable (no inbound service)")
		return
	}
	defer u.referAccept.Delete(in.CallID())
	(*hp)(d.Context(), in)
	if in.call != nil {
		hctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_ = in.call.Hangup(hctx)
		cancel()
	} else if !in.responded {
		_ = d.Respond(480, "Temporarily Unavailable", nil)
	}
}

// Inbound is one inbound INVITE waiting for Answer or Reject.
type Inbound struct {
	ua        *UA
	d         *diago.DialogServerSession
	call      *Call
	answered  bool
	responded bool
}

// AcceptRefer makes this call take a blind transfer (REFER) from the far
// end with 202 Accepted, as a trunk does, instead of refusing it (diago
// answers 406, or 400 as it misreads the Refer-To sipgo hands it), and
// report the target answered (NOTIFY 100, then 200). Only a peer standing
// in for a trunk (the simulated phones of testcalls) calls it: the robot's
// own inbound calls refuse REFER.
func (in *Inbound) AcceptRefer() { in.AcceptReferWith(sip.StatusOK, "OK") }

// AcceptReferWith is AcceptRefer for a trunk whose transfer target ends
// with code (e.g. 486 Busy Here): the NOTIFY after 100 Trying reports it.
// Code 0 plays a trunk that accepts and never reports (no NOTIFY at all).
func (in *Inbound) AcceptReferWith(code int, reason string) {
	in.ua.referAccept.Store(in.CallID(), &referTaker{d: in.d, code: code, reason: reason})
}

// referTaker is how a call that accepts transfers reports their result.
type referTaker struct {
	d      *diago.DialogServerSession
	code   int
	reason string
}

// takeRefer answers a REFER on a call that accepts transfers (AcceptRefer)
// with 202, reports the result in NOTIFYs, and reports true; other requests
// are left to diago.
func (u *UA) takeRefer(req *sip.Request, tx sip.ServerTransaction) bool {
	if req.Method != sip.REFER || req.CallID() == nil {
		return false
	}
	v, ok := u.referAccept.Load(req.CallID().Value())
	if !ok {
		return false
	}
	if req.GetHeader("Refer-To") == nil {
		// RFC 3515 2.4.2: exactly one Refer-To
		_ = tx.Respond(sip.NewResponseFromRequest(req, sip.StatusBadRequest, "Bad Request (no Refer-To)", nil))
		return true
	}
	_ = tx.Respond(sip.NewResponseFromRequest(req, sip.StatusAccepted, "Accepted", nil))
	if c := req.Contact(); c != nil && v.(*referTaker).code != 0 {
		go v.(*referTaker).notify(c.Address, u.log)
	}
	return true
}

// notify sends the refer event's NOTIFYs to the transferor's Contact: the
// target is tried, then its final status (RFC 3515 2.4.4–2.4.5).
func (t *referTaker) notify(to sip.Uri, log *slog.Logger) {
	ctx, cancel := context.WithTimeout(t.d.Context(), 10*time.Second)
	defer cancel()
	for _, st := range []referStatus{{100, "Trying"}, {t.code, t.reason}} {
		req := sip.NewRequest(sip.NOTIFY, *to.Clone())
		req.AppendHeader(sip.NewHeader("Event", "refer"))
		state := "active;expires=60"
		if st.code >= 200 {
			state = "terminated;reason=noresource"
		}
		req.AppendHeader(sip.NewHeader("Subscription-State", state))
		req.AppendHeader(sip.NewHeader("Content-Type", "message/sipfrag;version=2.0"))
		req.SetBody([]byte(fmt.Sprintf("SIP/2.0 %d %s", st.code, st.reason)))
		if _, err := t.d.Do(ctx, req); err != nil {
			log.Debug("REFER NOTIFY not delivered", "code", st.code, "err", err)
			return
		}
	}
}

// From and To are the caller's and callee's SIP users; CallID the SIP Call-ID.
func (in *Inbound) From() string   { return in.d.FromUser() }
func (in *Inbound) To() string     { return in.d.ToUser() }
func (in *Inbound) CallID() string { return in.d.InviteRequest.CallID().Value() }

// Peer is who the call was admitted as: the trunk its source belongs to,
// or the user that authenticated (both empty for sip.security.allow).
func (in *Inbound) Peer() sipguard.Peer {
	if p, ok := in.ua.guard.peers.Load(in.CallID()); ok {
		return p.(sipguard.Peer)
	}
	return sipguard.Peer{}
}

// Header returns the value of a header of the INVITE ("" when absent).
func (in *Inbound) Header(name string) string {
	if h := in.d.InviteRequest.GetHeader(name); h != nil {
		return h.Value()
	}
	return ""
}

// Ringing sends 180 Ringing.
func (in *Inbound) Ringing() error {
	if err := in.d.Ringing(); err != nil {
		return fmt.Errorf("ringing: %w", err)
	}
	return nil
}

// Reject answers the INVITE with a final error response (486 busy, 603 decline…).
func (in *Inbound) Reject(code int, reason string) error {
	in.responded = true
	if in.call != nil { // early media was running
		in.call.abandon()
		in.call = nil
	}
	if err := in.d.Respond(code, reason, nil); err != nil {
		return fmt.Errorf("reject %d: %w", code, err)
	}
	return nil
}

// Progress sends 183 Session Progress with SDP and starts the media loop, so
// audio played on the returned call reaches the caller before any answer
// (carrier announcements). Answer later reuses the same call; Reject ends it.
func (in *Inbound) Progress(ctx context.Context) (*Call, error) {
	if in.call != nil {
		return in.call, nil
	}
	body := in.d.InviteRequest.Body()
	if code, why := checkOffer(body, in.ua.cfg.Codecs); code != 0 {
		_ = in.Reject(code, why)
		return nil, fmt.Errorf("progress: %d %s", code, why)
	}
	if err := in.d.ProgressMedia(); err != nil {
		return nil, fmt.Errorf("progress: %w", err)
	}
	return in.start(ctx)
}

// Answer checks the offer, answers with 200 OK and starts the media loop.
// A malformed SDP gets 400, an offer without a common codec gets 488; both
// return an error and leave nothing running.
func (in *Inbound) Answer(ctx context.Context) (*Call, error) {
	if in.call == nil {
		body := in.d.InviteRequest.Body()
		if code, why := checkOffer(body, in.ua.cfg.Codecs); code != 0 {
			_ = in.Reject(code, why)
			return nil, fmt.Errorf("answer: %d %s", code, why)
		}
	}
	if err := in.answer(ctx); err != nil {
		if !in.responded {
			_ = in.Reject(500, "Server Internal Error")
		}
		return nil, fmt.Errorf("answer: %w", err)
	}
	in.answered, in.responded = true, true
	if in.call != nil {
		return in.call, nil
	}
	return in.start(ctx)
}

func (in *Inbound) start(ctx context.Context) (*Call, error) {
	d := in.d
	ctl := dialogControl{
		ctx: d.Context(),
		hangup: func(ctx context.Context) error {
			return d.Hangup(ctx)
		},
		refer: func(ctx context.Context, target string, headers map[string]string) error {
			uri, err := referTarget(target, d.InviteRequest.From().Address)
			if err != nil {
				return err
			}
			return d.Refer(ctx, uri, sipHeaders(headers)...)
		},
	}
	call, err := in.ua.startCall(ctx, ctl, d.RTPSession, callOptions{
		id: in.ua.nextID("in"), callID: in.CallID(), dir: "inbound",
		remote: "sip:" + d.FromUser() + "@" + d.InviteRequest.Source(),
	})
	if err != nil {
		return nil, err
	}
	in.call = call
	return call, nil
}

// answer sends 200 OK and returns once the ACK has confirmed the dialog.
//
// sipgo v1.1.0 registers its wait for the ACK only after sending the 2xx, so
// an ACK that arrives within that gap (loopback, a loaded machine) is missed
// and Answer blocks for 64×T1 (32 s) though the dialog is confirmed. So
// Answer runs aside while we watch the dialog state, which the ACK handler
// sets in any case; whichever comes first ends the wait.
func (in *Inbound) answer(ctx context.Context) error {
	errc := make(chan error, 1)
	// Answer without OnRefer: a far end's REFER gets 406 — nobody on the line
	// may redirect the robot's calls (unless AcceptRefer said so: takeRefer).
	go func() { errc <- in.d.Answer() }()
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case err := <-errc:
			return err
		case <-tick.C:
			if in.d.LoadState() == sip.DialogStateConfirmed && in.d.RTPSession() != nil {
				go func() {
					if err := <-errc; err != nil {
						in.ua.log.Debug("answer returned late", "err", err)
					}
				}()
				return nil
			}
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// checkOffer validates an SDP offer before diago touches it: 400 for a body
// that does not parse or has no audio, 488 when no offered codec is ours.
func checkOffer(body []byte, ours []string) (code int, reason string) {
	// diago's SDP code panics on some malformed bodies (a bare "\n" line, a
	// "c=" line of fewer than three fields: FuzzCheckOffer) and cannot be
	// patched from here: a body it cannot read without panicking is malformed.
	defer func() {
		if recover() != nil {
			code, reason = 400, "Bad Request (malformed SDP)"
		}
	}()
	if len(body) == 0 {
		return 488, "Not Acceptable Here (no SDP offer)"
	}
	sd := sdp.SessionDescription{}
	if err := sdp.Unmarshal(body, &sd); err != nil {
		return 400, "Bad Request (malformed SDP)"
	}
	if _, err := sd.MediaDescription("audio"); err != nil {
		return 488, "Not Acceptable Here (no audio stream)"
	}
	if _, err := sd.ConnectionInformation(); err != nil {
		return 400, "Bad Request (SDP without connection address)"
	}
	// The codec check is diago's own negotiation on a scratch session, so an
	// offer accepted here is one the answer can use: diago takes G.711 only
	// at its static payload type, refuses a profile other than RTP/AVP and
	// RTP/SAVP and a format it cannot read (FuzzCheckOffer found offers the
	// hand-written check accepted and the answer then failed with a 500).
	codecs := []diagomedia.Codec{diagomedia.CodecTelephoneEvent8000}
	for _, c := range ours {
		switch c {
		case "PCMU":
			codecs = append(codecs, diagomedia.CodecAudioUlaw)
		case "PCMA":
			codecs = append(codecs, diagomedia.CodecAudioAlaw)
		}
	}
	scratch := &diagomedia.MediaSession{Codecs: codecs, Mode: sdp.ModeSendrecv}
	if err := scratch.RemoteSDP(body); err == nil {
		if _, ok := diagomedia.CodecAudioFromList(scratch.CommonCodecs()); ok {
			return 0, ""
		}
	}
	return 488, "Not Acceptable Here (no common codec)"
}
