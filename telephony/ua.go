package telephony

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/emiago/diago"
	"github.com/emiago/diago/media"
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
	// rxBufs is the shards' scratch for draining the calls' RTP sockets
	// (Call.receive): one per shard in use at a time, not one per call.
	rxBufs sync.Pool
	// recBufs are ended calls' recorder buffers (*[]byte), lent to new
	// calls (stereoRecorder)
	recBufs sync.Pool

	regMu sync.Mutex
	reg   map[string]Registration // by trunk name

	guard *uaGuard // inbound policy (sipguard.go)

	referAccept sync.Map     // SIP Call-ID → *referTaker: REFERs taken (Inbound.AcceptRefer)
	refers      referResults // NOTIFYs of the REFERs this UA sent, to the transfers waiting

	openRecording func(path string) (recordingFile, error) // nil: a file; tests set a failing one
}

// diago v0.25.0 keeps two media settings per process, with no per-UA option:
// the RTP port range (media.RTPPortStart/End) and the media package's logger;
// sipgo's sip package has a process-wide default logger too. What can be set
// per UA is set in New (diago.WithLogger, sipgo's transaction and transport
// layer loggers); the rest is held here.
var (
	// rtpRange is the process's RTP port range once a UA has asked for one:
	// a later UA asking for another range gets an error from New instead of
	// silently taking ports from the first one's range.
	rtpRange struct {
		mu     sync.Mutex
		lo, hi int
	}
	// processLogOnce installs the process-wide loggers, the same for every UA.
	processLogOnce sync.Once
)

// claimRTPRange makes lo..hi diago's RTP port range, or fails when another
// range is already in use (0..0 asks for none and always succeeds; New
// passes the configured range or the default).
func claimRTPRange(lo, hi int) error {
	if lo == 0 && hi == 0 {
		return nil
	}
	rtpRange.mu.Lock()
	defer rtpRange.mu.Unlock()
	switch {
	case rtpRange.lo == 0 && rtpRange.hi == 0:
		rtpRange.lo, rtpRange.hi = lo, hi
		media.RTPPortStart, media.RTPPortEnd = lo, hi
	case rtpRange.lo != lo || rtpRange.hi != hi:
		return fmt.Errorf("telephony: rtp port range %d..%d: diago keeps one range per process and %d..%d is already in use by another user agent",
			lo, hi, rtpRange.lo, rtpRange.hi)
	}
	return nil
}

// defaultErrors passes error records to whatever slog.Default() is at the
// time: the process-wide loggers of diago's media and sipgo's sip packages
// belong to the process, not to the first UA that happened to be created.
type defaultErrors struct{}

func (defaultErrors) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= slog.LevelError && slog.Default().Handler().Enabled(ctx, l)
}
func (defaultErrors) Handle(ctx context.Context, r slog.Record) error {
	return slog.Default().Handler().Handle(ctx, r)
}
func (defaultErrors) WithAttrs(a []slog.Attr) slog.Handler {
	return levelFilter{h: slog.Default().Handler().WithAttrs(a), min: slog.LevelError}
}
func (defaultErrors) WithGroup(n string) slog.Handler {
	return levelFilter{h: slog.Default().Handler().WithGroup(n), min: slog.LevelError}
}

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
	// race answer() works around; keep its errors only — per UA, as sipgo
	// allows, and the process-wide rest (header parsing, unmatched
	// responses) through the process's default logger.
	processLogOnce.Do(func() {
		media.SetDefaultLogger(slog.New(defaultErrors{}))
		sip.SetDefaultLogger(slog.New(defaultErrors{}))
	})
	if err := claimRTPRange(cfg.RTPPortMin, cfg.RTPPortMax); err != nil {
		return nil, err
	}
	sipLog := slog.New(levelFilter{h: log.Handler(), min: slog.LevelError})
	sipua, err := sipgo.NewUA(sipgo.WithUserAgent(cfg.Name),
		sipgo.WithUserAgentTransactionLayerOptions(sip.WithTransactionLayerLogger(sipLog)),
		sipgo.WithUserAgentTransportLayerOptions(sip.WithTransportLayerLogger(sipLog)))
	if err != nil {
		return nil, fmt.Errorf("telephony: new user agent: %w", err)
	}
	u := &UA{cfg: cfg, log: log, sipua: sipua, ctx: ctx}
	if !cfg.PerCallPacing {
		u.pacer = newPacer(ctx, 0)
	}
	u.rxBufs.New = newRxBuf
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
	guardOpts, err := u.guardOptions(ctx)
	if err != nil {
		return nil, err
	}
	u.dg = diago.NewDiago(sipua, append(opts, guardOpts...)...)
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

// Wait blocks until every inbound handler has returned.
func (u *UA) Wait() { u.active.Wait() }

func (u *UA) nextID(prefix string) string {
	return fmt.Sprintf("%s-%d-%d", prefix, time.Now().UnixNano()/1e6, u.seq.Add(1))
}

func (u *UA) startCall(ctx context.Context, ctl dialogControl, rtpFn func() *media.RTPSession, o callOptions) (*Call, error) {
	var path string
	if !o.noRecord {
		var err error
		if path, err = u.recordPath(o.id); err != nil {
			return nil, err
		}
	}
	o.recordPath, o.recording = path, u.recorderSetup()
	o.jitterFrames = u.cfg.JitterFrames
	o.mediaTimeout = u.cfg.MediaTimeout
	o.rtpSource = u.cfg.RTPSource
	o.kernelArrivals = u.cfg.KernelArrivalTimes
	if !u.cfg.PerCallPacing {
		o.pacer = u.pacer
		if !u.cfg.ReadGoroutines {
			o.rxBufs = &u.rxBufs
			o.readTicks = min(max(u.cfg.RTPReadTicks, 1), maxRTPReadTicks)
		}
	}
	o.log = u.log
	ctl.refers, ctl.referTimeout = &u.refers, u.cfg.TransferTimeout
	return newCall(ctl, rtpFn, o)
}

// abandon stops the media loop of a call that never got answered.
func (c *Call) abandon() {
	c.hungUp.Store(true)
	c.endReason.CompareAndSwap(nil, "local")
	c.stopLoop()
	<-c.done
}
