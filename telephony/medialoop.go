package telephony

import (
	"context"
	"time"

	"github.com/dozvon/dozvon/internal/safe"
	"github.com/dozvon/dozvon/media"
	diagomedia "github.com/emiago/diago/media"
	"github.com/pion/rtp"
)

// FrameHandler is called by a call's media loop every 20 ms with the frame
// received from the far end (after the jitter buffer; silence when nothing
// arrived) and whether the robot is playing audio in this frame. It runs on
// the media loop goroutine: it must return quickly and must not block.
// The frame is reused after the call returns.
type FrameHandler func(in []int16, at time.Duration, playing bool)

// SentHandler sees each 20 ms frame the call sends (prompt, bridged audio or
// silence) on the media loop, just before the FrameHandler gets the frame
// received in the same tick: the echo reference of first-phrase detection.
// It must be quick and must not keep the slice.
type SentHandler func(out []int16)

// SetSentHandler installs the sent-frame handler (nil removes it).
func (c *Call) SetSentHandler(h SentHandler) {
	c.mu.Lock()
	c.sent = h
	c.mu.Unlock()
}

// SetHandler installs the per-frame handler (nil removes it).
func (c *Call) SetHandler(h FrameHandler) {
	c.mu.Lock()
	c.handler = h
	c.mu.Unlock()
}

// loopState is a call's media-loop scratch space, reused every tick.
type loopState struct {
	in, out   []int16
	payload   []byte
	pkt       rtp.Packet
	liveTicks int64
	// ctxDone is the dialog context's Done, fetched once: the call's
	// context never changes, and Done on it per frame showed in profiles
	ctxDone <-chan struct{}
	law     media.G711 // the law of codec, parsed when codec changes
	codec   diagomedia.Codec

	// What step leaves for post, the frame's unclocked part: post has
	// work only when pending.
	pending bool
	playing bool
	at      time.Duration
	h       FrameHandler
	sh      SentHandler
	peer    *Call
}

func (c *Call) newLoopState() *loopState {
	return &loopState{
		in: make([]int16, frameSamples), out: make([]int16, frameSamples), payload: make([]byte, frameSamples),
		pkt:     rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: c.codec.PayloadType, SSRC: c.ssrc, Marker: true}},
		ctxDone: c.ctl.ctx.Done(),
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
		if !c.safeStep(st, due) || !c.safePost(st) {
			return
		}
	}
}

// safeStep runs step, turning a panic (in the frame handler, say) into the
// end of this call only.
func (c *Call) safeStep(st *loopState, due time.Time) (ok bool) {
	defer safe.Recover(c.log, "telephony media loop", func(*safe.Panic) {
		c.endReason.CompareAndSwap(nil, "media")
		ok = false
	})
	return c.step(st, due)
}

// safeReceive runs receive; a fault (a packet observer's, a malformed
// packet's) ends this call only, as a media fault: its next step sees the
// stop.
func (c *Call) safeReceive() {
	defer safe.Recover(c.log, "telephony rtp receive", func(*safe.Panic) {
		c.endReason.CompareAndSwap(nil, "media")
		c.rx.closed = true
		c.stopLoop()
	})
	c.receive()
}

// safePost runs post as safeStep runs step.
func (c *Call) safePost(st *loopState) (ok bool) {
	defer safe.Recover(c.log, "telephony media loop", func(*safe.Panic) {
		c.endReason.CompareAndSwap(nil, "media")
		ok = false
	})
	c.post(st)
	return true
}

// step runs the clocked part of one 20 ms tick due at due: it plays out
// received audio and sends the next frame (prompt, bridged audio, DTMF or
// silence). post then records both and calls the handler: the shared pacer
// runs it after every call of the shard has sent (media.PostStepper), so
// one call's frame work never delays another's send. It reports false when
// the call has ended.
func (c *Call) step(st *loopState, due time.Time) bool {
	st.pending = false
	select {
	case <-st.ctxDone:
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
	played := c.jb.Pop(in)
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
	h, sh := c.handler, c.sent
	codec := c.codec
	st.liveTicks++
	var dtmfEv *diagomedia.DTMFEvent
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
		pkt.Payload = diagomedia.DTMFEncode(*dtmfEv)
		_ = c.rtp.Load().WriteRTP(pkt)
		pkt.Marker = false
		c.seq++
		c.timestamp += frameSamples
		clear(out)
		st.pending, st.playing, st.at, st.h, st.sh, st.peer = true, playing, at, h, sh, nil
		return true
	}

	if peer != nil && !playing {
		select {
		case f := <-c.peerIn:
			copy(out, f)
		default:
		}
	}
	if codec != st.codec {
		st.codec, st.law = codec, g711Of(codec)
	}
	st.law.Encode(payload, out)
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
	st.pending, st.playing, st.at, st.h, st.sh, st.peer = true, playing, at, h, sh, peer
	return true
}

// post is the unclocked rest of the tick step ran: the received frame goes
// to a bridged peer, both directions to the recording, and the received
// frame to the handler.
func (c *Call) post(st *loopState) {
	if !st.pending {
		return
	}
	st.pending = false
	in, out, h := st.in, st.out, st.h
	if peer := st.peer; peer != nil {
		st.peer = nil
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
	if sh := st.sh; sh != nil {
		st.sh = nil
		sh(out)
	}
	if h != nil {
		st.h = nil
		h(in, st.at, st.playing)
	}
}

// g711Of is the law of a negotiated G.711 codec (newCall refused others).
func g711Of(codec diagomedia.Codec) media.G711 {
	law, _ := media.ParseG711(codec.Name)
	return law
}

// pacedCall is one call's media loop as the shared pacer drives it.
type pacedCall struct {
	c  *Call
	st *loopState
}

func (p *pacedCall) Step(due time.Time) bool { return p.c.safeStep(p.st, due) }

// Receive drains the call's RTP socket (media.Receiver).
func (p *pacedCall) Receive() { p.c.safeReceive() }

func (p *pacedCall) PostStep() bool { return p.c.safePost(p.st) }

// Finish ends the call; shutdown means the UA stopped, which ended it from our side.
func (p *pacedCall) Finish(shutdown bool) {
	if shutdown {
		p.c.endReason.CompareAndSwap(nil, "local")
	}
	p.c.finish()
}

// pacer and newPacer keep the UA's names for media's shared pacer.
type pacer = media.Pacer

func newPacer(ctx context.Context, n int) *pacer { return media.NewPacer(ctx, n) }
