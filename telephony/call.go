package telephony

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/emiago/diago/media"
	"github.com/pion/rtp"
	"github.com/zaf/g711"
)

const (
	sampleRate   = 8000
	frameSamples = 160
	// FrameDuration is the media loop's clock: one G.711 frame.
	FrameDuration = 20 * time.Millisecond
	// maxPacketSamples is the largest G.711 packet accepted (60 ms ptime).
	maxPacketSamples = 480
)

// FrameHandler is called by a call's media loop every 20 ms with the frame
// received from the far end (after the jitter buffer; silence when nothing
// arrived) and whether the robot is playing audio in this frame. It runs on
// the media loop goroutine: it must return quickly and must not block.
// The frame is reused after the call returns.
type FrameHandler func(in []int16, at time.Duration, playing bool)

// Playback is one queued piece of outgoing audio.
type Playback struct {
	mu       sync.Mutex // guards stopped, started, finished (read while playing)
	pcm      []int16
	pos      int
	done     chan struct{}
	stopped  bool
	started  time.Time
	finished time.Time
}

// Done is closed when the playback has finished, was stopped, or the call ended.
func (p *Playback) Done() <-chan struct{} { return p.done }

// Result reports, once Done is closed, whether the playback was cut short and
// when its first and last frames went out.
func (p *Playback) Result() (stopped bool, started, finished time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stopped, p.started, p.finished
}

// MediaStats counts what a call's media path did.
type MediaStats struct {
	FramesSent       int64
	FramesReceived   int64 // audio frames accepted from the network
	FramesPlayedOut  int64 // ticks that played received audio (rest were silence)
	Lost, Late, Dup  int64
	Overflow, Resync int64
	Dropped          int64 // packets of a foreign SSRC, unknown payload type or wrong size
	Garbage          int64 // datagrams that are not RTP
	DTMF             int64
	SendLateMax      time.Duration // worst lateness of a frame against the media clock
	SendLate         *LatenessHistogram
	// ArrivalJitter is how far the far end's audio packets arrived from a
	// steady 20 ms spacing (|inter-arrival − 20 ms|): its pacing as seen here.
	ArrivalJitter *LatenessHistogram
	Duration      time.Duration // answered media time
}

type dialogControl struct {
	ctx    context.Context
	hangup func(ctx context.Context) error
	refer  func(ctx context.Context, target string) error
}

// Call is an answered call with its clocked media loop running: one goroutine
// paces outgoing RTP every 20 ms (prompt audio or silence), plays received
// audio out of a jitter buffer, records both directions, and calls the frame
// handler; another reads RTP from the network.
type Call struct {
	id     string
	callID string
	dir    string
	remote string
	log    *slog.Logger

	ctl    dialogControl
	rtp    atomic.Pointer[media.RTPSession]
	rtpFn  func() *media.RTPSession // the dialog's current RTP session (it changes when 200 OK updates early media)
	live   atomic.Bool              // answered: send, record and hand frames to the handler
	codec  media.Codec
	dtmfPT int // -1 when telephone-event was not negotiated

	ssrc      uint32
	seq       uint16
	timestamp uint32

	mu       sync.Mutex
	queue    []*Playback
	handler  FrameHandler
	jb       *jitterBuffer
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
	observer PacketObserver
	ended    bool              // the media loop has stopped: Play completes at once
	dtmfOut  []media.DTMFEvent // pending telephone-event packets, one per tick
	dtmfTS   uint32            // RTP timestamp of the event being sent

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
}

type callOptions struct {
	id, callID, dir, remote string
	recordPath              string
	mediaTimeout            time.Duration
	pacer                   *pacer // nil: a goroutine and timer of its own
	jitterFrames            int
	log                     *slog.Logger
	early                   bool // the call is in early media (183): capture only
}

func newCall(d dialogControl, rtpFn func() *media.RTPSession, o callOptions) (*Call, error) {
	sess := rtpFn()
	if sess == nil {
		return nil, fmt.Errorf("call %s: no RTP session", o.id)
	}
	codec := media.CodecAudioFromSession(sess.Sess)
	if codec.Name != "PCMU" && codec.Name != "PCMA" {
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
		jb:        newJitterBuffer(o.jitterFrames),
		dtmf:      make(chan rune, 32),
		done:      make(chan struct{}),
		stop:      make(chan struct{}),
		answered:  time.Now(),
		peerIn:    make(chan []int16, 8),

		mediaTimeout: o.mediaTimeout,
	}
	c.rtp.Store(sess)
	c.live.Store(!o.early)
	c.stats.SendLate = &LatenessHistogram{}
	c.stats.ArrivalJitter = &LatenessHistogram{}
	if o.recordPath != "" {
		rec, err := newStereoRecorder(o.recordPath)
		if err != nil {
			return nil, err
		}
		c.rec, c.recPath = rec, o.recordPath
	}
	go c.readLoop()
	if o.pacer != nil {
		o.pacer.add(c)
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
		c.mu.Lock()
		c.codec = media.CodecAudioFromSession(s.Sess)
		c.mu.Unlock()
	}
	c.answered = time.Now()
	c.live.Store(true)
}

// DTMF delivers RFC 2833 digits received from the far end.
func (c *Call) DTMF() <-chan rune { return c.dtmf }

// Done is closed when the call has ended and its media loop stopped.
func (c *Call) Done() <-chan struct{} { return c.done }

// EndReason says who ended the call: "local", "remote", "media_timeout"
// (no RTP for Config.MediaTimeout) or "media" (a fault in the media loop).
func (c *Call) EndReason() string {
	if v, ok := c.endReason.Load().(string); ok {
		return v
	}
	return ""
}

// SetHandler installs the per-frame handler (nil removes it).
func (c *Call) SetHandler(h FrameHandler) {
	c.mu.Lock()
	c.handler = h
	c.mu.Unlock()
}

// PacketObserver sees every accepted audio packet, decoded, at its arrival
// time, before the jitter buffer. It runs on the read goroutine and must be quick.
type PacketObserver func(arrival time.Time, pcm []int16)

// SetPacketObserver installs an observer (nil removes it). Measurement tools
// use it to time the far end's audio exactly as it arrives.
func (c *Call) SetPacketObserver(o PacketObserver) {
	c.mu.Lock()
	c.observer = o
	c.mu.Unlock()
}

// Play queues audio (8 kHz mono) after anything already queued.
func (c *Call) Play(pcm []int16) *Playback {
	p := &Playback{pcm: pcm, done: make(chan struct{})}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ended {
		p.stopped = true
		close(p.done)
		return p
	}
	c.queue = append(c.queue, p)
	return p
}

// StopPlayback cuts all queued audio now; the next frame sent is silence.
// It is safe to call from a FrameHandler.
func (c *Call) StopPlayback() {
	c.mu.Lock()
	q := c.queue
	c.queue = nil
	c.mu.Unlock()
	now := time.Now()
	for _, p := range q {
		p.mu.Lock()
		p.stopped = true
		p.finished = now
		p.mu.Unlock()
		close(p.done)
	}
}

// Playing reports whether audio is queued.
func (c *Call) Playing() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.queue) > 0
}

// SendDTMF queues one keypad digit as RFC 4733 telephone-events. The media
// loop sends them in place of audio, one packet per 20 ms tick (100 ms of
// tone, then three end packets), so pacing and timestamps stay consistent.
func (c *Call) SendDTMF(digit rune) error {
	if c.dtmfPT < 0 {
		return fmt.Errorf("send dtmf: telephone-event not negotiated on %s", c.id)
	}
	switch {
	case digit >= '0' && digit <= '9', digit == '*', digit == '#', digit >= 'A' && digit <= 'D':
	default:
		return fmt.Errorf("send dtmf: %q is not a DTMF digit", digit)
	}
	c.mu.Lock()
	c.dtmfOut = append(c.dtmfOut, media.RTPDTMFEncode8000(digit)...)
	// a gap of silence between digits
	c.dtmfOut = append(c.dtmfOut, media.DTMFEvent{Event: 255}, media.DTMFEvent{Event: 255})
	c.mu.Unlock()
	return nil
}

// Stats returns a snapshot of the media counters.
// AudioStarted reports that audio from the far end has been played out at
// least once; before that the frames handed to the handler are the silence
// of waiting for the first packets, not the line's.
func (c *Call) AudioStarted() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.stats.FramesPlayedOut > 0
}

func (c *Call) Stats() MediaStats {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.stats
	s.Lost, s.Late, s.Dup = int64(c.jb.lost), int64(c.jb.late), int64(c.jb.dup)
	s.Overflow, s.Resync = int64(c.jb.overflow), int64(c.jb.resync)
	h := *c.stats.SendLate
	s.SendLate = &h
	a := *c.stats.ArrivalJitter
	s.ArrivalJitter = &a
	return s
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
	if c.ctl.refer == nil {
		return fmt.Errorf("transfer %s: REFER not supported on this call", c.id)
	}
	if err := c.ctl.refer(ctx, target); err != nil {
		return fmt.Errorf("transfer %s to %s: %w", c.id, target, err)
	}
	return nil
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

func (c *Call) readLoop() {
	buf := make([]byte, media.RTPBufSize)
	pcm := make([]int16, maxPacketSamples)
	var pkt rtp.Packet
	sess := c.rtp.Load()
	for {
		n, err := sess.ReadRTP(buf, &pkt)
		if err != nil {
			if c.isDone() {
				return
			}
			if errors.Is(err, net.ErrClosed) || errors.Is(err, io.EOF) {
				// The session was replaced (200 OK after early media) or closed.
				if next := c.rtpFn(); next != nil && next != sess {
					sess = next
					continue
				}
				return
			}
			c.mu.Lock()
			c.stats.Garbage++
			c.mu.Unlock()
			continue
		}
		if n == 0 {
			c.countDropped()
			continue
		}
		switch {
		case int(pkt.PayloadType) == c.dtmfPT:
			c.onDTMF(&pkt)
		case pkt.PayloadType == c.audioPT() && len(pkt.Payload) > 0 && len(pkt.Payload) <= maxPacketSamples:
			now := time.Now()
			c.mu.Lock()
			samples := pcm[:len(pkt.Payload)]
			decodeG711(c.codec.Name, pkt.Payload, samples)
			ok := c.acceptSSRC(pkt.SSRC)
			var obs PacketObserver
			if ok {
				c.jb.push(pkt.Timestamp, samples)
				c.stats.FramesReceived++
				if !c.lastArr.IsZero() && pkt.SequenceNumber == c.lastSeq+1 {
					d := now.Sub(c.lastArr) - FrameDuration
					if d < 0 {
						d = -d
					}
					c.stats.ArrivalJitter.Add(d)
				}
				c.lastArr, c.lastSeq = now, pkt.SequenceNumber
				obs = c.observer
			} else {
				c.stats.Dropped++
			}
			c.mu.Unlock()
			if obs != nil {
				obs(now, samples)
			}
		default:
			c.countDropped()
		}
	}
}

// acceptSSRC locks onto the first audio source. Another SSRC is accepted only
// when the locked one has been silent for 500 ms (a legitimate source change);
// otherwise its packets are dropped. Called with c.mu held.
func (c *Call) acceptSSRC(ssrc uint32) bool {
	now := time.Now()
	if !c.locked || (ssrc != c.lockSSRC && now.Sub(c.lastFrom) > 500*time.Millisecond) {
		if c.locked {
			c.jb.reset()
		}
		c.locked, c.lockSSRC = true, ssrc
	}
	if ssrc != c.lockSSRC {
		return false
	}
	c.lastFrom = now
	return true
}

func (c *Call) audioPT() uint8 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.codec.PayloadType
}

func (c *Call) countDropped() {
	c.mu.Lock()
	c.stats.Dropped++
	c.mu.Unlock()
}

func (c *Call) onDTMF(pkt *rtp.Packet) {
	var ev media.DTMFEvent
	if err := media.DTMFDecode(pkt.Payload, &ev); err != nil {
		c.countDropped()
		return
	}
	// The far end sends telephone-events instead of audio for the digit's
	// duration: fill that span with silence so the jitter buffer does not
	// count it as lost audio.
	// The end packet is sent three times, one packet interval apart, while
	// the sender's audio clock runs on: cover those intervals too.
	n := int(ev.Duration)
	if ev.EndOfEvent {
		n += 2 * frameSamples
	}
	if n > 0 && n <= maxPacketSamples*4 {
		c.mu.Lock()
		if c.locked && pkt.SSRC == c.lockSSRC {
			c.jb.push(pkt.Timestamp, make([]int16, n))
		}
		c.mu.Unlock()
	}
	if !ev.EndOfEvent {
		return
	}
	c.mu.Lock()
	dup := c.dtmfSeen && c.lastDTMF == pkt.Timestamp
	c.dtmfSeen, c.lastDTMF = true, pkt.Timestamp
	if !dup {
		c.stats.DTMF++
	}
	c.mu.Unlock()
	if dup {
		return
	}
	r := media.DTMFToRune(ev.Event)
	if r == 0 {
		return
	}
	select {
	case c.dtmf <- r:
	default:
		c.log.Warn("dtmf queue full, digit dropped")
	}
}

// decodeG711 and encodeG711 convert one frame with zaf/g711's per-sample
// functions (no allocation per frame).
func decodeG711(codec string, payload []byte, pcm []int16) {
	if codec == "PCMA" {
		for i, b := range payload {
			pcm[i] = g711.DecodeAlawFrame(b)
		}
		return
	}
	for i, b := range payload {
		pcm[i] = g711.DecodeUlawFrame(b)
	}
}

func encodeG711(codec string, pcm []int16, payload []byte) {
	if codec == "PCMA" {
		for i, s := range pcm {
			payload[i] = g711.EncodeAlawFrame(s)
		}
		return
	}
	for i, s := range pcm {
		payload[i] = g711.EncodeUlawFrame(s)
	}
}

func (c *Call) isDone() bool {
	select {
	case <-c.done:
		return true
	default:
		return false
	}
}

// nextOut fills out with the next frame to send and reports whether it is
// prompt audio. Called with c.mu held.
func (c *Call) nextOut(out []int16, now time.Time) bool {
	for len(c.queue) > 0 {
		p := c.queue[0]
		if p.pos == 0 {
			p.mu.Lock()
			p.started = now
			p.mu.Unlock()
		}
		if p.pos >= len(p.pcm) {
			c.queue = c.queue[1:]
			p.mu.Lock()
			p.finished = now
			p.mu.Unlock()
			close(p.done)
			continue
		}
		n := copy(out, p.pcm[p.pos:])
		clear(out[n:])
		p.pos += n
		return true
	}
	clear(out)
	return false
}

// loopState is a call's media-loop scratch space, reused every tick.
type loopState struct {
	in, out   []int16
	payload   []byte
	pkt       rtp.Packet
	liveTicks int64
}

func (c *Call) newLoopState() *loopState {
	return &loopState{
		in: make([]int16, frameSamples), out: make([]int16, frameSamples), payload: make([]byte, frameSamples),
		pkt: rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: c.codec.PayloadType, SSRC: c.ssrc, Marker: true}},
	}
}

// mediaLoop paces one call on its own goroutine and timer (Config.PerCallPacing).
func (c *Call) mediaLoop() {
	st := c.newLoopState()
	start := time.Now()
	timer := time.NewTimer(0)
	defer timer.Stop()
	ctxDone := c.ctl.ctx.Done()
	defer c.finish()
	for tick := int64(0); ; tick++ {
		due := start.Add(time.Duration(tick) * FrameDuration)
		if wait := time.Until(due); wait > 0 {
			timer.Reset(wait)
			select {
			case <-timer.C:
			case <-ctxDone:
			case <-c.stop:
			}
		} else if -wait > 10*FrameDuration { // we stalled (overload): do not burst, re-anchor the clock
			start = time.Now().Add(-time.Duration(tick) * FrameDuration)
		}
		if !c.safeStep(st, due) {
			return
		}
	}
}

// safeStep runs step, turning a panic into the end of this call only.
func (c *Call) safeStep(st *loopState, due time.Time) (ok bool) {
	defer func() {
		if r := recover(); r != nil {
			c.log.Error("media loop panic, ending call", "panic", r)
			c.endReason.CompareAndSwap(nil, "media")
			ok = false
		}
	}()
	return c.step(st, due)
}

// step runs one 20 ms tick due at due: it plays out received audio, sends
// the next frame (prompt, bridged audio, DTMF or silence), records both
// and calls the handler. It reports false when the call has ended.
func (c *Call) step(st *loopState, due time.Time) bool {
	select {
	case <-c.ctl.ctx.Done():
		c.endReason.CompareAndSwap(nil, "remote")
		return false
	case <-c.stop:
		return false
	default:
	}
	in, out, payload, pkt := st.in, st.out, st.payload, &st.pkt
	now := time.Now()
	late := now.Sub(due)
	if c.mediaTimeout > 0 && c.live.Load() {
		c.mu.Lock()
		last := c.lastFrom
		c.mu.Unlock()
		if last.IsZero() {
			last = c.answered
		}
		if now.Sub(last) > c.mediaTimeout {
			c.log.Warn("no RTP from the far end, ending the call", "timeout", c.mediaTimeout)
			c.endReason.CompareAndSwap(nil, "media_timeout")
			return false
		}
	}

	c.mu.Lock()
	played := c.jb.pop(in)
	if !c.live.Load() {
		if played && len(c.earlyPCM) < maxEarlyMedia {
			c.earlyPCM = append(c.earlyPCM, in...)
		}
		c.mu.Unlock()
		return true
	}
	if played {
		c.stats.FramesPlayedOut++
	}
	peer := c.peer
	playing := c.nextOut(out, now)
	h := c.handler
	codec := c.codec
	st.liveTicks++
	var dtmfEv *media.DTMFEvent
	if len(c.dtmfOut) > 0 {
		ev := c.dtmfOut[0]
		c.dtmfOut = c.dtmfOut[1:]
		dtmfEv = &ev
	}
	c.mu.Unlock()
	at := time.Duration(st.liveTicks-1) * FrameDuration

	if dtmfEv != nil && dtmfEv.Event != 255 {
		if dtmfEv.Duration == 160 { // first packet of an event
			c.dtmfTS = c.timestamp
			pkt.Marker = true
		}
		pkt.PayloadType = uint8(c.dtmfPT)
		pkt.SequenceNumber = c.seq
		pkt.Timestamp = c.dtmfTS
		pkt.Payload = media.DTMFEncode(*dtmfEv)
		_ = c.rtp.Load().WriteRTP(pkt)
		pkt.Marker = false
		c.seq++
		c.timestamp += frameSamples
		clear(out)
		if c.rec != nil {
			_ = c.rec.write(in, out)
		}
		if h != nil {
			h(in, at, playing)
		}
		return true
	}

	if peer != nil && !playing {
		select {
		case f := <-c.peerIn:
			copy(out, f)
		default:
		}
	}
	encodeG711(codec.Name, out, payload)
	pkt.SequenceNumber = c.seq
	pkt.Timestamp = c.timestamp
	pkt.Payload = payload
	pkt.PayloadType = codec.PayloadType
	err := c.rtp.Load().WriteRTP(pkt)
	pkt.Marker = false
	c.seq++
	c.timestamp += frameSamples

	c.mu.Lock()
	if err == nil {
		c.stats.FramesSent++
	}
	c.stats.SendLate.Add(late)
	if late > c.stats.SendLateMax {
		c.stats.SendLateMax = late
	}
	c.stats.Duration = time.Duration(st.liveTicks) * FrameDuration
	c.mu.Unlock()

	if peer != nil {
		f := make([]int16, frameSamples)
		copy(f, in)
		select {
		case peer.peerIn <- f:
		default:
		}
	}
	if c.rec != nil {
		if err := c.rec.write(in, out); err != nil {
			c.log.Warn("recording stopped", "err", err)
			_ = c.rec.close()
			c.rec = nil
		}
	}
	if h != nil {
		h(in, at, playing)
	}
	return true
}

func (c *Call) finish() {
	if c.rec != nil {
		if err := c.rec.close(); err != nil {
			c.log.Warn("recording close", "err", err)
		}
	}
	c.mu.Lock()
	c.ended = true
	c.mu.Unlock()
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

// LatenessHistogram counts how late frames left against the media clock, in
// 250 µs buckets up to 64 ms (the last bucket holds everything later).
type LatenessHistogram struct {
	Buckets [257]int64
	N       int64
}

const latenessBucket = 250 * time.Microsecond

// Add records one lateness.
func (h *LatenessHistogram) Add(d time.Duration) {
	if d < 0 {
		d = 0
	}
	i := int(d / latenessBucket)
	if i >= len(h.Buckets) {
		i = len(h.Buckets) - 1
	}
	h.Buckets[i]++
	h.N++
}

// Merge adds another histogram's counts.
func (h *LatenessHistogram) Merge(o *LatenessHistogram) {
	for i, v := range o.Buckets {
		h.Buckets[i] += v
	}
	h.N += o.N
}

// Quantile returns the upper edge of the bucket holding quantile q (0..1).
func (h *LatenessHistogram) Quantile(q float64) time.Duration {
	if h.N == 0 {
		return 0
	}
	target := int64(q * float64(h.N))
	var acc int64
	for i, v := range h.Buckets {
		acc += v
		if acc > target {
			return time.Duration(i+1) * latenessBucket
		}
	}
	return time.Duration(len(h.Buckets)) * latenessBucket
}
