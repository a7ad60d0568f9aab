package telephony

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dozvon/dozvon/compliance"
	"github.com/dozvon/dozvon/internal/safe"
	"github.com/emiago/diago"
	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"
)

// DialRequest is one outbound call.
type DialRequest struct {
	// To is a SIP URI ("sip:user@host:port") or a phone number sent through a trunk.
	To string
	// Trunk names the trunk for a number; empty tries trunks by priority with
	// failover on 5xx and timeouts.
	Trunk string
	// CallerID and CallerName set the From header.
	CallerID, CallerName string
	// RingTimeout overrides the configured ring timeout.
	RingTimeout time.Duration
	// Transport forces udp or tcp for a SIP URI.
	Transport string
	// Headers are added to the INVITE (e.g. X-Campaign).
	Headers map[string]string
	// Permit is the 230-FZ guard's seal for this number
	// (compliance.Reservation.Permit). A dial to a phone number without a
	// valid, unexpired permit for that very number is refused.
	Permit compliance.Permit
	// OnProgress is called once for each provisional response the far end
	// sends before it answers (180 Ringing, 183 Session Progress; not 100
	// Trying, which only says the next hop got the INVITE), from the dial's
	// own goroutine and never after Dial has returned. It must not block.
	// sipgo v1.1.0 hands each response to its transaction on a goroutine of
	// its own, so a 1xx arriving on the heels of the 200 (an answer within
	// microseconds of ringing) can be dropped by the transaction before we
	// see it; a far end that really rings is always reported.
	OnProgress func(code int)
	// NoRecord leaves this call unrecorded (a collector's leg of a bridge:
	// the debtor's leg records both sides of the talk in one file).
	NoRecord bool
}

// progressHook runs DialRequest.OnProgress until the dial returns: the INVITE
// goroutine may still read responses after Dial has given up on them.
type progressHook struct {
	mu      sync.Mutex
	fn      func(code int)
	stopped bool
}

func (h *progressHook) response(code int) {
	if h.fn == nil || code <= 100 || code >= 200 {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.stopped {
		h.fn(code)
	}
}

func (h *progressHook) stop() {
	h.mu.Lock()
	h.stopped = true
	h.mu.Unlock()
}

// DialInfo describes how a dial went, successful or not.
type DialInfo struct {
	Result     Result
	Code       int
	Trunk      string
	Target     string
	Started    time.Time
	Answered   time.Time
	EarlyMedia bool    // a 183 with SDP arrived before the answer
	EarlyAudio []int16 // early media heard on a call that then failed (carrier announcements)
}

// Dial places an outbound call and returns it once answered. On failure the
// error is a *DialError with the mapped Result and the SIP code.
func (u *UA) Dial(ctx context.Context, req DialRequest) (*Call, DialInfo, error) {
	if err := checkPermit(req); err != nil {
		return nil, DialInfo{Result: Failed}, err
	}
	if err := u.start(); err != nil {
		return nil, DialInfo{Result: Failed}, err
	}
	if strings.HasPrefix(req.To, "sip:") || strings.HasPrefix(req.To, "sips:") {
		return u.dialURI(ctx, req, req.To, Trunk{})
	}
	trunks, err := u.trunksFor(req.Trunk)
	if err != nil {
		return nil, DialInfo{Result: Failed}, err
	}
	var lastInfo DialInfo
	var lastErr error
	for _, t := range trunks {
		target := "sip:" + req.To + "@" + t.Host
		if t.Transport == "tcp" {
			target += ";transport=tcp"
		}
		call, info, err := u.dialURI(ctx, req, target, t)
		if err == nil {
			return call, info, nil
		}
		lastInfo, lastErr = info, err
		var de *DialError
		if !errors.As(err, &de) || !de.Retryable() || ctx.Err() != nil {
			break
		}
		u.log.Warn("trunk failed, trying the next", "trunk", t.Name, "err", err)
	}
	return nil, lastInfo, lastErr
}

func (u *UA) dialURI(ctx context.Context, req DialRequest, target string, trunk Trunk) (*Call, DialInfo, error) {
	info := DialInfo{Target: target, Trunk: trunk.Name, Started: time.Now()}
	fail := func(r Result, code int, reason string) (*Call, DialInfo, error) {
		info.Result, info.Code = r, code
		return nil, info, &DialError{Result: r, Code: code, Reason: reason, Trunk: trunk.Name}
	}
	var uri sip.Uri
	if err := sip.ParseUri(target, &uri); err != nil {
		return fail(Failed, 0, fmt.Sprintf("bad destination %q: %v", target, err))
	}
	transport := req.Transport
	if transport == "" {
		transport = trunk.Transport
	}
	d, err := u.dg.NewDialog(uri, diago.NewDialogOptions{Transport: transport})
	if err != nil {
		return fail(Failed, 0, err.Error())
	}
	opts := diago.InviteClientOptions{EarlyMediaDetect: true, Username: trunk.Username, Password: trunk.Password}
	callerID := req.CallerID
	if callerID == "" {
		callerID = trunk.CallerID
	}
	if callerID == "" {
		callerID = u.cfg.Name
	}
	fromHost := trunk.Host
	if fromHost == "" {
		fromHost, _, _ = net.SplitHostPort(u.Addr())
	}
	opts.WithCaller(req.CallerName, callerID, fromHost)
	for k, v := range req.Headers {
		opts.Headers = append(opts.Headers, sip.NewHeader(k, v))
	}
	if trunk.OutboundProxy != "" {
		d.InviteRequest.SetDestination(trunk.OutboundProxy)
	}
	ringTimeout := req.RingTimeout
	if ringTimeout <= 0 {
		ringTimeout = u.cfg.RingTimeout
	}
	// Two clocks bound the INVITE. With no response at all (host down,
	// packets lost) we report unreachable after InviteTimeout; once the far
	// end has answered provisionally, the ring timeout sends CANCEL.
	//
	// We never force-terminate an INVITE transaction that got no response:
	// sipgo v1.1.0's Timer A callback dereferences a timer that Terminate has
	// cleared (a process-wide panic), and RFC 3261 §9.1 forbids a CANCEL
	// before a provisional response anyway. So the INVITE runs on its own
	// goroutine; when we give up without any response we return at once and
	// let the transaction end by Timer B in the background — an answer that
	// still arrives then is acknowledged and hung up.
	ringCtx, cancelRing := context.WithCancel(ctx)
	var lastCode atomic.Int32
	var lastReason atomic.Value
	lastReason.Store("")
	progress := &progressHook{fn: req.OnProgress}
	defer progress.stop()
	opts.OnResponse = func(res *sip.Response) error {
		lastCode.Store(int32(res.StatusCode))
		lastReason.Store(res.Reason)
		progress.response(res.StatusCode)
		return nil
	}
	id := u.nextID("out")
	// the Call-ID header exists once the INVITE has been built (inside Invite)
	callIDOf := func() string {
		if h := d.InviteRequest.CallID(); h != nil {
			return h.Value()
		}
		return ""
	}

	type inviteResult struct {
		call  *Call
		early bool
		err   error
	}
	resc := make(chan inviteResult, 1)
	// Under safe.Go: a panic in the INVITE's handling must still answer resc,
	// or Dial and its cleanup would wait on it for ever.
	safe.Go(u.log, "outbound INVITE", func() {
		var r inviteResult
		err := d.Invite(ringCtx, opts)
		if errors.Is(err, diago.ErrClientEarlyMedia) {
			r.early = true
			r.call, err = u.startCall(d.Context(), dialogControlClient(d), d.RTPSession, callOptions{
				id: id, callID: callIDOf(), dir: "outbound", remote: target, early: true, noRecord: req.NoRecord,
			})
			if err == nil {
				err = d.WaitAnswer(ringCtx, sipgo.AnswerOptions{
					Username: trunk.Username, Password: trunk.Password, OnResponse: opts.OnResponse,
				})
			}
		}
		r.err = err
		resc <- r
	}, func(p *safe.Panic) { resc <- inviteResult{err: p} })
	// discard cleans up an INVITE we stopped waiting for.
	discard := func() {
		go func() {
			r := <-resc
			if r.call != nil {
				r.call.abandon()
			}
			if r.err == nil { // answered after we gave up: ACK and hang up
				hctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				_ = d.Ack(hctx)
				_ = d.Hangup(hctx)
				cancel()
			}
			_ = d.Close()
		}()
	}
	inviteTimer := time.NewTimer(u.cfg.InviteTimeout)
	defer inviteTimer.Stop()
	ringTimer := time.NewTimer(ringTimeout)
	defer ringTimer.Stop()

	var r inviteResult
	waiting := true
	for waiting {
		select {
		case r = <-resc:
			waiting = false
		case <-inviteTimer.C:
			if lastCode.Load() == 0 {
				cancelRing()
				discard()
				return fail(Unreachable, 0, "no response to INVITE within "+u.cfg.InviteTimeout.String())
			}
		case <-ringTimer.C:
			cancelRing() // sends CANCEL once a provisional response is in
			if lastCode.Load() == 0 {
				discard()
				return fail(Unreachable, 0, "no response to INVITE within "+ringTimeout.String())
			}
		case <-ctx.Done():
			cancelRing()
			discard()
			return fail(Cancelled, int(lastCode.Load()), ctx.Err().Error())
		}
	}
	defer cancelRing()
	info.EarlyMedia = r.early
	call, err := r.call, r.err
	cleanup := func() { _ = d.Close() }
	if err != nil {
		if call != nil {
			info.EarlyAudio = call.EarlyMedia()
			call.abandon()
		}
		cleanup()
		var resErr sipgo.ErrDialogResponse
		var resErrP *sipgo.ErrDialogResponse
		switch {
		case errors.As(err, &resErr):
			return fail(ResultForCode(resErr.Res.StatusCode), resErr.Res.StatusCode, resErr.Res.Reason)
		case errors.As(err, &resErrP):
			return fail(ResultForCode(resErrP.Res.StatusCode), resErrP.Res.StatusCode, resErrP.Res.Reason)
		case ctx.Err() != nil:
			return fail(Cancelled, int(lastCode.Load()), ctx.Err().Error())
		case ringCtx.Err() != nil:
			return fail(NoAnswer, int(lastCode.Load()), "ring timeout after "+ringTimeout.String())
		default:
			if code := int(lastCode.Load()); code >= 300 {
				return fail(ResultForCode(code), code, lastReason.Load().(string))
			}
			return fail(Failed, 0, err.Error())
		}
	}
	if err := d.Ack(ctx); err != nil {
		if call != nil {
			call.abandon()
		}
		cleanup()
		return fail(Failed, 200, "ack: "+err.Error())
	}
	info.Result, info.Code, info.Answered = Answered, 200, time.Now()
	if call != nil {
		call.goLive()
		return call, info, nil
	}
	call, err = u.startCall(d.Context(), dialogControlClient(d), d.RTPSession, callOptions{
		id: id, callID: callIDOf(), dir: "outbound", remote: target, noRecord: req.NoRecord,
	})
	if err != nil {
		hctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		_ = d.Hangup(hctx)
		cancel()
		cleanup()
		return fail(Failed, 200, err.Error())
	}
	return call, info, nil
}

// sipHeaders are headers as SIP headers, in name order (a REFER reads the
// same each time).
func sipHeaders(headers map[string]string) []sip.Header {
	names := make([]string, 0, len(headers))
	for n := range headers {
		names = append(names, n)
	}
	sort.Strings(names)
	out := make([]sip.Header, 0, len(names))
	for _, n := range names {
		out = append(out, sip.NewHeader(n, headers[n]))
	}
	return out
}

func dialogControlClient(d *diago.DialogClientSession) dialogControl {
	return dialogControl{
		ctx: d.Context(),
		hangup: func(ctx context.Context) error {
			err := d.Hangup(ctx)
			_ = d.Close()
			return err
		},
		refer: func(ctx context.Context, target string, headers map[string]string) error {
			// diago's Refer sends no Contact header, which RFC 3515 needs
			// for the implicit subscription (and diago's own REFER handler
			// rejects with 400): build the REFER here.
			remote := d.InviteRequest.Recipient
			if c := d.InviteResponse.Contact(); c != nil {
				remote = c.Address
			}
			uri, err := referTarget(target, d.InviteRequest.Recipient)
			if err != nil {
				return err
			}
			req := sip.NewRequest(sip.REFER, *remote.Clone())
			req.AppendHeader(sip.NewHeader("Refer-To", uri.String())) // addr-spec: diago parses it bare
			if c := d.InviteRequest.Contact(); c != nil {
				req.AppendHeader(sip.HeaderClone(c))
			}
			for _, h := range sipHeaders(headers) {
				req.AppendHeader(h)
			}
			res, err := d.Do(ctx, req)
			if err != nil {
				return err
			}
			if res.StatusCode != sip.StatusAccepted && res.StatusCode != sip.StatusOK {
				return fmt.Errorf("REFER answered %d %s", res.StatusCode, res.Reason)
			}
			return nil
		},
	}
}

// referTarget is the Refer-To of a transfer to target: a SIP URI as given,
// or a bare number or extension ("100", "operator", as config and scripts
// allow) at the host of the call's far end (the trunk that carries it).
func referTarget(target string, far sip.Uri) (sip.Uri, error) {
	target = strings.TrimSpace(target)
	if target != "" && !strings.Contains(target, ":") && !strings.Contains(target, "@") {
		u := sip.Uri{Scheme: "sip", User: target, Host: far.Host, Port: far.Port}
		if far.UriParams != nil {
			if tr, ok := far.UriParams.Get("transport"); ok {
				u.UriParams = sip.NewParams()
				u.UriParams.Add("transport", tr)
			}
		}
		return u, nil
	}
	var uri sip.Uri
	if err := sip.ParseUri(target, &uri); err != nil {
		return uri, fmt.Errorf("bad transfer target %q: %w", target, err)
	}
	if s := strings.ToLower(uri.Scheme); s != "sip" && s != "sips" && s != "tel" {
		return uri, fmt.Errorf("bad transfer target %q: want a sip:, sips: or tel: URI, or a number", target)
	}
	return uri, nil
}
