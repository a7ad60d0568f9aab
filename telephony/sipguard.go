package telephony

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/emiago/diago"
	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"

	"github.com/dozvon/dozvon/telephony/sipguard"
)

// uaGuard puts the inbound policy (package sipguard) in front of every
// request the UA's SIP server handles: diago's INVITE/BYE/OPTIONS… handlers
// through its request middleware, REGISTER and unknown methods through
// handlers of our own on the same server.
type uaGuard struct {
	g       *sipguard.Guard
	log     *slog.Logger
	peers   sync.Map                         // Call-ID → sipguard.Peer of inbound calls in progress
	lastLog atomic.Int64                     // unix ns of the last refusal summary
	book    atomic.Pointer[RegistrationBook] // where bindings are shared (registrations.go)
}

// refusalLogEvery spaces the refusal summaries: a flood must not flood the log.
const refusalLogEvery = 10 * time.Second

// guardOptions builds the guard from u.cfg.Security and returns the diago
// options that install it. Trunks without sip.security.trunk_sources trust
// the addresses their host and outbound proxy resolve to now.
func (u *UA) guardOptions(ctx context.Context) ([]diago.DiagoOption, error) {
	sec := u.cfg.Security
	var names []string
	for _, t := range u.cfg.Trunks {
		names = append(names, t.Name)
	}
	sources := map[string][]string{}
	for name, list := range sec.TrunkSources {
		sources[name] = list
	}
	for _, t := range u.cfg.Trunks {
		if _, ok := sources[t.Name]; ok {
			continue
		}
		for _, host := range []string{t.Host, t.OutboundProxy} {
			addrs, err := resolveHost(ctx, host)
			if err != nil {
				u.log.Warn("trunk host does not resolve: its INVITEs will be refused until sip.security.trunk_sources names its addresses",
					"trunk", t.Name, "err", err)
			}
			sources[t.Name] = append(sources[t.Name], addrs...)
		}
	}
	sec.TrunkSources = sources
	g, err := sipguard.New(sec, names)
	if err != nil {
		return nil, fmt.Errorf("telephony: %w", err)
	}
	u.guard = &uaGuard{g: g, log: u.log}
	srv, err := sipgo.NewServer(u.sipua, sipgo.WithServerLogger(slog.New(levelFilter{h: u.log.Handler(), min: slog.LevelError})))
	if err != nil {
		return nil, fmt.Errorf("telephony: new sip server: %w", err)
	}
	srv.OnRegister(u.guard.wrap(u.onRegister))
	srv.OnNoRoute(u.guard.wrap(func(req *sip.Request, tx sip.ServerTransaction, _ sipguard.Verdict) {
		res := sip.NewResponseFromRequest(req, sip.StatusMethodNotAllowed, "Method Not Allowed", nil)
		res.AppendHeader(sip.NewHeader("Allow", strings.Join(srv.RegisteredMethods(), ", ")))
		_ = tx.Respond(res)
	}))
	return []diago.DiagoOption{
		diago.WithServer(srv),
		// diago holds one middleware: the guard, inside a recover (siprecover.go),
		// and the REFERs of calls that take transfers (Inbound.AcceptRefer)
		diago.WithServerRequestMiddleware(func(next sipgo.RequestHandler) sipgo.RequestHandler {
			return recoverRequests(u.log)(u.guard.wrap(func(req *sip.Request, tx sip.ServerTransaction, _ sipguard.Verdict) {
				if u.takeRefer(req, tx) || u.takeReferNotify(req, tx) {
					return
				}
				next(req, tx)
			}))
		}),
	}, nil
}

// resolveHost turns a trunk's host[:port] into /32 (/128) sources.
func resolveHost(ctx context.Context, hostport string) ([]string, error) {
	if hostport == "" {
		return nil, nil
	}
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	if a, err := netip.ParseAddr(strings.Trim(host, "[]")); err == nil {
		return []string{a.String()}, nil
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	addrs, err := net.DefaultResolver.LookupNetIP(ctx, "ip", host)
	if err != nil {
		return nil, fmt.Errorf("resolve %s: %w", host, err)
	}
	var out []string
	for _, a := range addrs {
		out = append(out, a.Unmap().String())
	}
	return out, nil
}

// wrap runs h for requests the guard admits and answers the rest.
func (ug *uaGuard) wrap(h func(*sip.Request, sip.ServerTransaction, sipguard.Verdict)) sipgo.RequestHandler {
	return func(req *sip.Request, tx sip.ServerTransaction) {
		r := guardRequest(req)
		v := ug.g.Check(r, time.Now())
		if !v.Admitted() {
			ug.refuse(req, tx, v)
			return
		}
		defer v.Release()
		if req.IsInvite() && !r.InDialog {
			id := req.CallID().Value()
			ug.peers.Store(id, v.Peer)
			defer ug.peers.Delete(id)
		}
		h(req, tx, v)
	}
}

func guardRequest(req *sip.Request) sipguard.Request {
	r := sipguard.Request{Method: req.Method.String()}
	if ap, err := netip.ParseAddrPort(req.Source()); err == nil {
		r.Source = ap.Addr().Unmap()
	}
	if to := req.To(); to != nil {
		r.InDialog = to.Params.Has("tag")
		if req.Method == sip.REGISTER {
			r.User = to.Address.User
		}
	}
	if req.Method != sip.REGISTER {
		r.User = req.Recipient.User
	}
	if h := req.GetHeader("User-Agent"); h != nil {
		r.UserAgent = h.Value()
	}
	if h := req.GetHeader("Authorization"); h != nil {
		r.Authorization = h.Value()
	}
	r.URIs = []string{req.Recipient.String(), req.Recipient.Addr()}
	return r
}

// refuse answers a refused request (or, for a dropped one, does not) and
// logs a summary of refusals at most every refusalLogEvery; each refusal
// itself is logged at debug level, with the source address but no user.
func (ug *uaGuard) refuse(req *sip.Request, tx sip.ServerTransaction, v sipguard.Verdict) {
	ug.log.Debug("sip request refused", "method", req.Method.String(), "source", req.Source(), "rule", string(v.Rule), "code", v.Code)
	now := time.Now().UnixNano()
	if last := ug.lastLog.Load(); now-last >= int64(refusalLogEvery) && ug.lastLog.CompareAndSwap(last, now) {
		var attrs []any
		for rule, n := range ug.g.Refused() {
			attrs = append(attrs, string(rule), n)
		}
		ug.log.Warn("sip guard refusing requests (totals by rule since start)", attrs...)
	}
	if v.Drop || tx == nil {
		return
	}
	res := sip.NewResponseFromRequest(req, v.Code, v.Reason, nil)
	for _, c := range v.Challenge {
		res.AppendHeader(sip.NewHeader("WWW-Authenticate", c))
	}
	if v.RetryAfter > 0 {
		res.AppendHeader(sip.NewHeader("Retry-After", strconv.Itoa(int((v.RetryAfter+time.Second-1)/time.Second))))
	}
	_ = tx.Respond(res)
}

// Register expiry bounds: shorter asks get 423, longer ones are cut down.
const (
	minRegisterExpiry = 60 * time.Second
	maxRegisterExpiry = time.Hour
)

// onRegister keeps the binding of a user the guard authenticated.
func (u *UA) onRegister(req *sip.Request, tx sip.ServerTransaction, v sipguard.Verdict) {
	expiry := maxRegisterExpiry
	if h := req.GetHeader("Expires"); h != nil {
		s, err := strconv.Atoi(strings.TrimSpace(h.Value()))
		if err != nil || s < 0 {
			_ = tx.Respond(sip.NewResponseFromRequest(req, sip.StatusBadRequest, "Bad Request (Expires)", nil))
			return
		}
		expiry = time.Duration(s) * time.Second
	}
	contact := req.Contact()
	if contact != nil {
		if e, ok := contact.Params.Get("expires"); ok {
			if s, err := strconv.Atoi(e); err == nil && s >= 0 {
				expiry = time.Duration(s) * time.Second
			}
		}
	}
	src, _ := netip.ParseAddrPort(req.Source())
	res := sip.NewResponseFromRequest(req, sip.StatusOK, "OK", nil)
	var shared func() // the binding change for the book, after the answer
	switch {
	case contact == nil: // a query: report the binding
		if b, ok := u.guard.g.Binding(v.Peer.User, time.Now()); ok {
			res.AppendHeader(sip.NewHeader("Contact", "<"+b.Contact+">;expires="+strconv.Itoa(int(time.Until(b.Expires).Seconds()))))
		}
	case expiry == 0:
		u.guard.g.Register(v.Peer.User, sipguard.Binding{})
		shared = func() { u.guard.toBook(v.Peer.User, "", time.Time{}) }
	case expiry < minRegisterExpiry:
		res = sip.NewResponseFromRequest(req, 423, "Interval Too Brief", nil)
		res.AppendHeader(sip.NewHeader("Min-Expires", strconv.Itoa(int(minRegisterExpiry.Seconds()))))
	default:
		expiry = min(expiry, maxRegisterExpiry)
		b := sipguard.Binding{Contact: contact.Address.String(), Source: src.Addr(), Expires: time.Now().Add(expiry)}
		u.guard.g.Register(v.Peer.User, b)
		shared = func() { u.guard.toBook(v.Peer.User, b.Contact, b.Expires) }
		res.AppendHeader(sip.NewHeader("Contact", "<"+contact.Address.String()+">;expires="+strconv.Itoa(int(expiry.Seconds()))))
		u.log.Info("sip user registered", "user", v.Peer.User, "source", src.Addr().String(), "expires", expiry)
	}
	_ = tx.Respond(res)
	if shared != nil {
		shared()
	}
}

// Guard is the UA's inbound policy (its counters, bindings and calls in progress).
func (u *UA) Guard() *sipguard.Guard { return u.guard.g }
