package telephony

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dozvon/dozvon/media"
	diagomedia "github.com/emiago/diago/media"
)

const (
	sampleRate   = media.SampleRate
	frameSamples = media.FrameSamples
	// FrameDuration is the media loop's clock: one G.711 frame.
	FrameDuration = media.FrameDuration
	// maxPacketSamples is the largest G.711 packet accepted (60 ms ptime).
	maxPacketSamples = 480
)

type dialogControl struct {
	ctx    context.Context
	hangup func(ctx context.Context) error
	refer  func(ctx context.Context, target string, headers map[string]string) error
	// refers and referTimeout: where this call hears its REFERs' results.
	refers       *referResults
	referTimeout time.Duration
}

// Call is an answered call with its clocked media loop running: every 20 ms
// its media shard reads the RTP that arrived (Call.receive), plays received
// audio out of a jitter buffer, paces outgoing RTP (prompt audio or
// silence), records both directions, and calls the frame handler.
type Call struct {
	id     string
	callID string
	dir    string
	remote string
	log    *slog.Logger

	ctl    dialogControl
	rtp    atomic.Pointer[diagomedia.RTPSession]
	rtpFn  func() *diagomedia.RTPSession // the dialog's current RTP session (it changes when 200 OK updates early media)
	live   atomic.Bool                   // answered: send, record and hand frames to the handler
	codec  diagomedia.Codec
	dtmfPT int // -1 when telephone-event was not negotiated
	// rtpSource is Config.RTPSource: whose datagrams are this call's media.
	rtpSource string

	ssrc      uint32
	seq       uint16
	timestamp uint32

	mu       sync.Mutex
	queue    []*Playback
	handler  FrameHandler
	sent     SentHandler
	jb       *media.JitterBuffer
	peer     *Call
	peerIn   chan []int16
	stats    MediaStats
	lockSSRC uint32
	locked   bool
	lastFrom time.Time
	lastDTMF uint32
	dtmfSeen bool
	lastArr  time.Time
	lastSeq  uint16
	lastKArr time.Time // kernel arrival of the packet lastSeq (KernelArrivalTimes)
	observer PacketObserver
	ended    bool                   // the media loop has stopped: Play completes at once
	dtmfOut  []diagomedia.DTMFEvent // pending telephone-event packets, one per tick
	dtmfTS   uint32                 // RTP timestamp of the event being sent

	dtmf     chan rune
	done     chan struct{}
	stop     chan struct{}
	stopOnce sync.Once

	hangupOnce sync.Once
	hangupErr  error
	hungUp     atomic.Bool
	answered   time.Time
	rec        *stereoRecorder
	recPath    string
	earlyPCM   []int16

	mediaTimeout time.Duration
	endReason    atomic.Value // string

	// rx is the read side when the media shard drains the RTP socket (nil:
	// readLoop reads it); rtcpRx its RTCP reception figures.
	rx     *rxState
	rtcpRx *rtcpReception
}

type callOptions struct {
	id, callID, dir, remote string
	recordPath              string
	recording               recorderSetup
	mediaTimeout            time.Duration
	rtpSource               string
	pacer                   *media.Pacer // nil: a goroutine and timer of its own
	rxBufs                  *sync.Pool   // with pacer: the shard drains the RTP socket (Call.receive)
	jitterFrames            int
	readTicks               int // with rxBufs: Config.RTPReadTicks (0: 1)
	log                     *slog.Logger
	early                   bool // the call is in early media (183): capture only
	noRecord                bool // DialRequest.NoRecord
	kernelArrivals          bool // Config.KernelArrivalTimes
}

func newCall(d dialogControl, rtpFn func() *diagomedia.RTPSession, o callOptions) (*Call, error) {
	sess := rtpFn()
	if sess == nil {
		return nil, fmt.Errorf("call %s: no RTP session", o.id)
	}
	codec := diagomedia.CodecAudioFromSession(sess.Sess)
	if _, ok := media.ParseG711(codec.Name); !ok {
		return nil, fmt.Errorf("call %s: negotiated codec %q is not G.711", o.id, codec.Name)
	}
	dtmfPT := -1
	for _, c := range sess.Sess.CommonCodecs() {
		if c.Name == "telephone-event" {
			dtmfPT = int(c.PayloadType)
		}
	}
	c := &Call{
		id: o.id, callID: o.callID, dir: o.dir, remote: o.remote,
		log:       o.log.With("call", o.id),
		ctl:       d,
		rtpFn:     rtpFn,
		codec:     codec,
		dtmfPT:    dtmfPT,
		ssrc:      rand.Uint32(),
		seq:       uint16(rand.Uint32()),
		timestamp: rand.Uint32(),
		jb:        media.NewJitterBuffer(o.jitterFrames),
		dtmf:      make(chan rune, 32),
		done:      make(chan struct{}),
		stop:      make(chan struct{}),
		answered:  time.Now(),
		peerIn:    make(chan []int16, 8),

		mediaTimeout: o.mediaTimeout,
		rtpSource:    o.rtpSource,
	}
	c.rtp.Store(sess)
	c.live.Store(!o.early)
	c.stats.SendLate = &media.LatenessHistogram{}
	c.stats.ArrivalJitter = &media.LatenessHistogram{}
	if o.kernelArrivals {
		c.stats.ArrivalJitterKernel = &media.LatenessHistogram{}
	}
	if o.recordPath != "" {
		rec, err := newStereoRecorder(o.recordPath, o.recording)
		if err != nil {
			return nil, err
		}
		c.rec, c.recPath = rec, o.recordPath
	}
	if o.pacer != nil && o.rxBufs != nil {
		if sock, err := openRTPSock(sess.Sess); err == nil {
			c.rx = c.newRxState(sess)
			c.rx.sock, c.rx.pool = sock, o.rxBufs
			if o.readTicks > 1 {
				// a packet waits up to readTicks−1 ticks more in its socket
				c.rx.every = o.readTicks
				c.jb = media.NewJitterBuffer(o.jitterFrames + o.readTicks - 1)
			}
			c.rtcpRx = &rtcpReception{}
			c.reportRTCP(sess)
		} else {
			c.log.Debug("RTP read by a goroutine of its own", "err", err)
		}
	}
	if c.rx == nil {
		go c.readLoop()
	}
	if o.pacer != nil {
		o.pacer.Add(&pacedCall{c: c, st: c.newLoopState()})
	} else {
		go c.mediaLoop()
	}
	return c, nil
}

// ID is dozvon's id for the call; CallID is the SIP Call-ID.
func (c *Call) ID() string     { return c.id }
func (c *Call) CallID() string { return c.callID }

// Direction is "outbound" or "inbound".
func (c *Call) Direction() string { return c.dir }

// Remote is the far end's SIP URI.
func (c *Call) Remote() string { return c.remote }

// LocalRTPAddr is where this call receives RTP.
func (c *Call) LocalRTPAddr() string { return c.rtp.Load().Sess.Laddr.String() }

// Codec is the negotiated audio codec name (PCMU or PCMA).
func (c *Call) Codec() string { return c.codec.Name }

// Answered is when the call was answered.
func (c *Call) Answered() time.Time { return c.answered }

// RecordingPath is the stereo WAV of the call ("" when not recorded).
func (c *Call) RecordingPath() string { return c.recPath }

// EarlyMedia is the audio received before the answer (183 Session Progress).
func (c *Call) EarlyMedia() []int16 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.earlyPCM
}

// maxEarlyMedia bounds captured early media (30 s).
const maxEarlyMedia = 30 * sampleRate

// goLive switches an early-media call to answered: from the next tick the
// loop sends RTP, records and calls the handler.
func (c *Call) goLive() {
	if s := c.rtpFn(); s != nil {
		c.rtp.Store(s)
		c.reportRTCP(s)
		c.mu.Lock()
		c.codec = diagomedia.CodecAudioFromSession(s.Sess)
		c.mu.Unlock()
	}
	c.answered = time.Now()
	c.live.Store(true)
}

// Done is closed when the call has ended and its media loop stopped.
func (c *Call) Done() <-chan struct{} { return c.done }

// EndReason says who ended the call: "local", "remote", "media_timeout"
// (no RTP for Config.MediaTimeout) or "media" (a fault — a recovered panic —
// in the media loop or the RTP read loop).
func (c *Call) EndReason() string {
	if v, ok := c.endReason.Load().(string); ok {
		return v
	}
	return ""
}

// Hangup ends the call from our side (BYE). It is safe to call more than once.
func (c *Call) Hangup(ctx context.Context) error {
	if c.hungUp.Swap(true) {
		<-c.done
		return nil
	}
	c.endReason.CompareAndSwap(nil, "local")
	err := c.doHangup(ctx)
	c.stopLoop()
	select {
	case <-c.done:
	case <-ctx.Done():
	}
	if err != nil && !errors.Is(err, context.Canceled) {
		return fmt.Errorf("hangup %s: %w", c.id, err)
	}
	return nil
}

// Transfer hands the call to target with a blind transfer (REFER).
func (c *Call) Transfer(ctx context.Context, target string) error {
	return c.TransferWith(ctx, target, nil)
}

// TransferWith is Transfer with headers added to the REFER (the context a
// peer taking the call reads, e.g. X-Dozvon-Call).
//
// A 202 only says the far end will try: TransferWith returns nil once the
// far end's NOTIFY reports the target answered (RFC 3515), a *TransferError
// when it reports a failure, and ErrTransferUnconfirmed when the call ends
// or Config.TransferTimeout passes without a final report. The call stays
// up on failure, so the script can go on (its on_fail).
func (c *Call) TransferWith(ctx context.Context, target string, headers map[string]string) error {
	if c.ctl.refer == nil {
		return fmt.Errorf("transfer %s: REFER not supported on this call", c.id)
	}
	var progress <-chan referStatus
	if c.ctl.refers != nil {
		var done func()
		progress, done = c.ctl.refers.expect(c.callID)
		defer done()
	}
	if err := c.ctl.refer(ctx, target, headers); err != nil {
		return fmt.Errorf("transfer %s to %s: %w", c.id, target, err)
	}
	if progress == nil {
		return nil
	}
	if err := c.awaitTransfer(ctx, progress); err != nil {
		return fmt.Errorf("transfer %s to %s: %w", c.id, target, err)
	}
	return nil
}

// awaitTransfer waits for the final status of an accepted REFER.
func (c *Call) awaitTransfer(ctx context.Context, progress <-chan referStatus) error {
	wait := c.ctl.referTimeout
	if wait <= 0 {
		wait = defaultTransferTimeout
	}
	timer := time.NewTimer(wait)
	defer timer.Stop()
	for {
		select {
		case st := <-progress:
			switch {
			case st.code < 200:
				continue // 100 Trying, 180 Ringing: the target is being called
			case st.code < 300:
				return nil
			default:
				return &TransferError{Code: st.code, Reason: st.reason}
			}
		case <-c.done:
			return fmt.Errorf("%w: the call ended first", ErrTransferUnconfirmed)
		case <-timer.C:
			return fmt.Errorf("%w: no final NOTIFY within %v", ErrTransferUnconfirmed, wait)
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// Bridge connects two calls' media at PCM level: what each far end says is
// played to the other, through both media loops, so recording and codec
// conversion keep working. It ends when either call ends.
func Bridge(a, b *Call) {
	a.mu.Lock()
	a.peer = b
	a.mu.Unlock()
	b.mu.Lock()
	b.peer = a
	b.mu.Unlock()
}

func (c *Call) stopLoop() { c.stopOnce.Do(func() { close(c.stop) }) }

func (c *Call) isDone() bool {
	select {
	case <-c.done:
		return true
	default:
		return false
	}
}

func (c *Call) finish() {
	if c.rec != nil {
		if err := c.rec.close(); err != nil {
			c.log.Warn("recording close", "err", err)
		}
	}
	c.mu.Lock()
	c.ended = true
	foreign, foreignSSRC := c.stats.ForeignSource, c.stats.ForeignSSRC
	c.mu.Unlock()
	switch {
	case foreign > 0: // someone else sent to this call's port: worth an operator's look
		c.log.Warn("RTP from another address than the call's peer was ignored", "packets", foreign, "packets_foreign_ssrc", foreignSSRC)
	case foreignSSRC > 0: // the peer's own address: a gateway switching streams, most likely
		c.log.Info("RTP of a second stream from the call's peer was ignored", "packets", foreignSSRC)
	}
	c.StopPlayback()
	close(c.done)
	if !c.hungUp.Load() {
		// The far end hung up or the dialog died: make sure the dialog is torn down.
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		_ = c.doHangup(ctx)
		cancel()
	}
}

// doHangup tears the dialog down exactly once: Hangup and the media loop's
// end may both ask for it, and diago's dialogs are not safe for two
// concurrent hang-ups.
func (c *Call) doHangup(ctx context.Context) error {
	c.hangupOnce.Do(func() { c.hangupErr = c.ctl.hangup(ctx) })
	return c.hangupErr
}
