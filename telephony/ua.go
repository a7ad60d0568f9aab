package telephony

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/emiago/diago"
	"github.com/emiago/diago/media"
	"github.com/emiago/diago/media/sdp"
	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"
)

// UA is dozvon's SIP user agent: it places and answers calls through diago
// and hands each answered call over as a *Call with its media loop running.
type UA struct {
	cfg    Config
	log    *slog.Logger
	sipua  *sipgo.UserAgent
	dg     *diago.Diago
	listen []Listen // with resolved ports
	seq    atomic.Int64
	active sync.WaitGroup

	ctx       context.Context // the UA's lifetime (New's ctx)
	serveOnce sync.Once
	serveErr  error
	handler   atomic.Pointer[InboundHandler]
	pacer     *pacer // shared media ticks (nil with Config.PerCallPacing)

	regMu sync.Mutex
	reg   map[string]Registration // by trunk name
}

// Registration is a trunk's registration state.
type Registration struct {
	Registered bool      // the registrar accepted the last REGISTER
	At         time.Time // when the state last changed
	Err        error     // why the last attempt failed (nil when registered)
}

// Registration reports a trunk's registration state (zero for a trunk that
// does not register, or before the first attempt ended).
func (u *UA) Registration(trunk string) Registration {
	u.regMu.Lock()
	defer u.regMu.Unlock()
	return u.reg[trunk]
}

func (u *UA) setRegistration(trunk string, r Registration) {
	u.regMu.Lock()
	defer u.regMu.Unlock()
	if u.reg == nil {
		u.reg = map[string]Registration{}
	}
	r.At = time.Now()
	u.reg[trunk] = r
}

// rtpRangeOnce and mediaLogOnce guard diago's process-wide media settings.
var rtpRangeOnce, mediaLogOnce sync.Once

// levelFilter drops records below min.
type levelFilter struct {
	h   slog.Handler
	min slog.Level
}

func (f levelFilter) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= f.min && f.h.Enabled(ctx, l)
}
func (f levelFilter) Handle(ctx context.Context, r slog.Record) error { return f.h.Handle(ctx, r) }
func (f levelFilter) WithAttrs(a []slog.Attr) slog.Handler {
	return levelFilter{h: f.h.WithAttrs(a), min: f.min}
}
func (f levelFilter) WithGroup(n string) slog.Handler {
	return levelFilter{h: f.h.WithGroup(n), min: f.min}
}

// New creates a user agent bound to cfg.Listen. Call Serve to accept inbound
// calls; Dial works without it.
func New(ctx context.Context, cfg Config, log *slog.Logger) (*UA, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	// diago's media package logs through one process-wide logger, at WARN
	// for every packet of an unknown payload type: keep only its errors so a
	// hostile stream cannot flood the log (we count those packets instead).
	// sipgo's transaction layer likewise logs "ACK missed" at WARN for the
	// race answer() works around; keep its errors only.
	mediaLogOnce.Do(func() {
		media.SetDefaultLogger(slog.New(levelFilter{h: log.Handler(), min: slog.LevelError}))
		sip.SetDefaultLogger(slog.New(levelFilter{h: log.Handler(), min: slog.LevelError}))
	})
	if cfg.RTPPortMin > 0 {
		rtpRangeOnce.Do(func() { media.RTPPortStart, media.RTPPortEnd = cfg.RTPPortMin, cfg.RTPPortMax })
	}
	sipua, err := sipgo.NewUA(sipgo.WithUserAgent(cfg.Name))
	if err != nil {
		return nil, fmt.Errorf("telephony: new user agent: %w", err)
	}
	u := &UA{cfg: cfg, log: log, sipua: sipua, ctx: ctx}
	if !cfg.PerCallPacing {
		u.pacer = newPacer(ctx, 0)
	}
	var opts []diago.DiagoOption
	opts = append(opts, diago.WithLogger(log.With("component", "diago")))
	codecs := []media.Codec{}
	for _, c := range cfg.Codecs {
		if c == "PCMA" {
			codecs = append(codecs, media.CodecAudioAlaw)
		} else {
			codecs = append(codecs, media.CodecAudioUlaw)
		}
	}
	codecs = append(codecs, media.CodecTelephoneEvent8000)
	opts = append(opts, diago.WithMediaConfig(diago.MediaConfig{Codecs: codecs}))
	for i, l := range cfg.Listen {
		if l.Transport == "" {
			l.Transport = "udp"
		}
		if l.Port == 0 {
			p, err := freePort(l.Transport, l.Host)
			if err != nil {
				return nil, fmt.Errorf("telephony: listen[%d]: %w", i, err)
			}
			l.Port = p
		}
		t := diago.Transport{
			ID:           fmt.Sprintf("%s-%d", l.Transport, i),
			Transport:    l.Transport,
			BindHost:     l.Host,
			BindPort:     l.Port,
			ExternalHost: l.ExternalHost,
		}
		if l.MediaExternalIP != "" {
			ip := net.ParseIP(l.MediaExternalIP)
			if ip == nil {
				return nil, fmt.Errorf("telephony: listen[%d].media_external_ip %q is not an IP", i, l.MediaExternalIP)
			}
			t.MediaExternalIP = ip
		}
		opts = append(opts, diago.WithTransport(t))
		u.listen = append(u.listen, l)
	}
	u.dg = diago.NewDiago(sipua, opts...)
	return u, nil
}

// freePort finds a free port for tests and ephemeral configs. It is only a
// hint (the port is released before diago binds it) but on loopback it holds.
func freePort(transport, host string) (int, error) {
	if host == "" {
		host = "127.0.0.1"
	}
	if transport == "tcp" {
		l, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
		if err != nil {
			return 0, fmt.Errorf("find free tcp port: %w", err)
		}
		defer l.Close()
		return l.Addr().(*net.TCPAddr).Port, nil
	}
	c, err := net.ListenPacket("udp", net.JoinHostPort(host, "0"))
	if err != nil {
		return 0, fmt.Errorf("find free udp port: %w", err)
	}
	defer c.Close()
	return c.LocalAddr().(*net.UDPAddr).Port, nil
}

// Addr is the first listener's host:port (what peers should send INVITEs to).
func (u *UA) Addr() string {
	l := u.listen[0]
	host := l.Host
	if l.ExternalHost != "" {
		host = l.ExternalHost
	}
	return net.JoinHostPort(host, strconv.Itoa(l.Port))
}

// URI is a SIP URI for user at this UA.
func (u *UA) URI(user string) string { return "sip:" + user + "@" + u.Addr() }

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

func (u *UA) start() error {
	u.serveOnce.Do(func() {
		u.serveErr = u.dg.ServeBackground(u.ctx, u.dispatch)
		if u.serveErr != nil {
			u.serveErr = fmt.Errorf("telephony: serve: %w", u.serveErr)
			return
		}
		for _, t := range u.cfg.Trunks {
			if t.Register {
				go u.keepRegistered(u.ctx, t)
			}
		}
	})
	return u.serveErr
}

func (u *UA) dispatch(d *diago.DialogServerSession) {
	u.active.Add(1)
	defer u.active.Done()
	in := &Inbound{ua: u, d: d}
	defer func() {
		if r := recover(); r != nil {
			u.log.Error("inbound handler panic", "panic", r, "call_id", d.InviteRequest.CallID().Value())
			if !in.answered && !in.responded {
				_ = d.Respond(500, "Server Internal Error", nil)
			}
		}
	}()
	hp := u.handler.Load()
	if hp == nil {
		_ = in.Reject(480, "Temporarily Unavailable (no inbound service)")
		return
	}
	(*hp)(d.Context(), in)
	if in.call != nil {
		hctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_ = in.call.Hangup(hctx)
		cancel()
	} else if !in.responded {
		_ = d.Respond(480, "Temporarily Unavailable", nil)
	}
}

func (u *UA) keepRegistered(ctx context.Context, t Trunk) {
	uri := sip.Uri{}
	target := "sip:" + t.Host
	if t.Transport == "tcp" {
		target += ";transport=tcp"
	}
	if err := sip.ParseUri(target, &uri); err != nil {
		u.log.Error("trunk registration: bad host", "trunk", t.Name, "err", err)
		return
	}
	for ctx.Err() == nil {
		err := u.dg.Register(ctx, uri, diago.RegisterOptions{
			Username: t.Username, Password: t.Password, Expiry: t.Expiry, ProxyHost: t.OutboundProxy,
			OnRegistered: func() {
				u.setRegistration(t.Name, Registration{Registered: true})
				u.log.Info("trunk registered", "trunk", t.Name)
			},
		})
		if ctx.Err() != nil {
			return
		}
		if err == nil {
			err = errors.New("registration ended")
		}
		u.setRegistration(t.Name, Registration{Err: err})
		u.log.Warn("trunk registration failed, retrying in 30s", "trunk", t.Name, "err", err)
		select {
		case <-ctx.Done():
		case <-time.After(30 * time.Second):
		}
	}
}

// Wait blocks until every inbound handler has returned.
func (u *UA) Wait() { u.active.Wait() }

func (u *UA) nextID(prefix string) string {
	return fmt.Sprintf("%s-%d-%d", prefix, time.Now().UnixNano()/1e6, u.seq.Add(1))
}

func (u *UA) recordPath(id string) (string, error) {
	if u.cfg.RecordDir == "" {
		return "", nil
	}
	dir := filepath.Join(u.cfg.RecordDir, time.Now().Format("2006-01-02"))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("recording dir: %w", err)
	}
	return filepath.Join(dir, id+".wav"), nil
}

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
	// Permit is the 230-FZ guard's reservation for this number
	// (compliance.Reservation). A dial to a phone number without a permit
	// for that very number is refused: the guard is the only door.
	Permit Permit
}

// Permit is proof that the compliance guard allowed a call to a number.
type Permit interface {
	Permits(phone string) bool
}

// phoneTarget returns the phone number a destination reaches — the number
// itself, or a SIP URI's user part when it is all digits (with an optional
// leading +) and at least 7 long — or "" when it is not a phone number
// (a named test endpoint such as sip:robot@host).
func phoneTarget(to string) string {
	user := to
	for _, scheme := range []string{"sip:", "sips:"} {
		if rest, ok := strings.CutPrefix(to, scheme); ok {
			user, _, _ = strings.Cut(rest, "@")
			user, _, _ = strings.Cut(user, ";")
		}
	}
	digits := strings.TrimPrefix(user, "+")
	if len(digits) < 7 {
		return ""
	}
	for _, r := range digits {
		if r < '0' || r > '9' {
			return ""
		}
	}
	return user
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
	if phone := phoneTarget(req.To); phone != "" && (req.Permit == nil || !req.Permit.Permits(phone)) {
		return nil, DialInfo{Result: Failed}, &DialError{Result: Failed,
			Reason: "no 230-FZ reservation for this number: dials to phone numbers go through the compliance guard"}
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

func (u *UA) trunksFor(name string) ([]Trunk, error) {
	if len(u.cfg.Trunks) == 0 {
		return nil, &DialError{Result: Failed, Reason: "no trunk configured for a number; give a sip: URI"}
	}
	if name != "" {
		for _, t := range u.cfg.Trunks {
			if t.Name == name {
				return []Trunk{t}, nil
			}
		}
		return nil, &DialError{Result: Failed, Reason: fmt.Sprintf("unknown trunk %q", name)}
	}
	ts := append([]Trunk(nil), u.cfg.Trunks...)
	sort.SliceStable(ts, func(i, j int) bool { return ts[i].Priority < ts[j].Priority })
	return ts, nil
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
	opts.OnResponse = func(res *sip.Response) error {
		lastCode.Store(int32(res.StatusCode))
		lastReason.Store(res.Reason)
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
	go func() {
		var r inviteResult
		err := d.Invite(ringCtx, opts)
		if errors.Is(err, diago.ErrClientEarlyMedia) {
			r.early = true
			r.call, err = u.startCall(d.Context(), dialogControlClient(d), d.RTPSession, callOptions{
				id: id, callID: callIDOf(), dir: "outbound", remote: target, early: true,
			})
			if err == nil {
				err = d.WaitAnswer(ringCtx, sipgo.AnswerOptions{
					Username: trunk.Username, Password: trunk.Password, OnResponse: opts.OnResponse,
				})
			}
		}
		r.err = err
		resc <- r
	}()
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
		id: id, callID: callIDOf(), dir: "outbound", remote: target,
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

func dialogControlClient(d *diago.DialogClientSession) dialogControl {
	return dialogControl{
		ctx: d.Context(),
		hangup: func(ctx context.Context) error {
			err := d.Hangup(ctx)
			_ = d.Close()
			return err
		},
		refer: func(ctx context.Context, target string) error {
			var uri sip.Uri
			if err := sip.ParseUri(target, &uri); err != nil {
				return fmt.Errorf("bad transfer target %q: %w", target, err)
			}
			// diago's Refer sends no Contact header, which RFC 3515 needs
			// for the implicit subscription (and diago's own REFER handler
			// rejects with 400): build the REFER here.
			remote := d.InviteRequest.Recipient
			if c := d.InviteResponse.Contact(); c != nil {
				remote = c.Address
			}
			req := sip.NewRequest(sip.REFER, *remote.Clone())
			req.AppendHeader(sip.NewHeader("Refer-To", uri.String())) // addr-spec: diago parses it bare
			if c := d.InviteRequest.Contact(); c != nil {
				req.AppendHeader(sip.HeaderClone(c))
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

func (u *UA) startCall(ctx context.Context, ctl dialogControl, rtpFn func() *media.RTPSession, o callOptions) (*Call, error) {
	path, err := u.recordPath(o.id)
	if err != nil {
		return nil, err
	}
	o.recordPath = path
	o.jitterFrames = u.cfg.JitterFrames
	o.mediaTimeout = u.cfg.MediaTimeout
	if !u.cfg.PerCallPacing {
		o.pacer = u.pacer
	}
	o.log = u.log
	return newCall(ctl, rtpFn, o)
}

// abandon stops the media loop of a call that never got answered.
func (c *Call) abandon() {
	c.hungUp.Store(true)
	c.endReason.CompareAndSwap(nil, "local")
	c.stopLoop()
	<-c.done
}

// Inbound is one inbound INVITE waiting for Answer or Reject.
type Inbound struct {
	ua        *UA
	d         *diago.DialogServerSession
	call      *Call
	answered  bool
	responded bool
}

// From and To are the caller's and callee's SIP users; CallID the SIP Call-ID.
func (in *Inbound) From() string   { return in.d.FromUser() }
func (in *Inbound) To() string     { return in.d.ToUser() }
func (in *Inbound) CallID() string { return in.d.InviteRequest.CallID().Value() }

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
		refer: func(ctx context.Context, target string) error {
			var uri sip.Uri
			if err := sip.ParseUri(target, &uri); err != nil {
				return fmt.Errorf("bad transfer target %q: %w", target, err)
			}
			return d.Refer(ctx, uri)
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
	// may redirect the robot's calls.
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
func checkOffer(body []byte, ours []string) (int, string) {
	if len(body) == 0 {
		return 488, "Not Acceptable Here (no SDP offer)"
	}
	sd := sdp.SessionDescription{}
	if err := sdp.Unmarshal(body, &sd); err != nil {
		return 400, "Bad Request (malformed SDP)"
	}
	md, err := sd.MediaDescription("audio")
	if err != nil {
		return 488, "Not Acceptable Here (no audio stream)"
	}
	if _, err := sd.ConnectionInformation(); err != nil {
		return 400, "Bad Request (SDP without connection address)"
	}
	want := map[string]string{"PCMU": "0", "PCMA": "8"}
	for _, f := range md.Formats {
		for _, c := range ours {
			if f == want[c] {
				return 0, ""
			}
		}
		for _, a := range sd.Values("a") {
			for _, c := range ours {
				if strings.HasPrefix(a, "rtpmap:"+f+" ") && strings.HasPrefix(strings.ToUpper(strings.TrimPrefix(a, "rtpmap:"+f+" ")), c+"/8000") {
					return 0, ""
				}
			}
		}
	}
	return 488, "Not Acceptable Here (no common codec)"
}
