package telephony

import (
	"errors"
	"io"
	"net"
	"time"

	"github.com/dozvon/dozvon/internal/safe"
	"github.com/dozvon/dozvon/media"
	diagomedia "github.com/emiago/diago/media"
	"github.com/pion/rtp"
)

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

func (c *Call) readLoop() {
	// A fault here (a packet observer, a malformed packet's decoding) ends
	// this call only, as a media fault: the robot reads it as a failed call.
	defer safe.Recover(c.log, "telephony rtp read loop", func(*safe.Panic) {
		c.endReason.CompareAndSwap(nil, "media")
		c.stopLoop()
	})
	buf := make([]byte, diagomedia.RTPBufSize)
	pcm := make([]int16, maxPacketSamples)
	var pkt rtp.Packet
	var lawOf diagomedia.Codec // the codec law was parsed from (parsing per packet showed in profiles)
	law := media.PCMU
	sess := c.rtp.Load()
	latchFor := sess // the session whose SDP address the latch holds to
	latch := newSourceLatch(c.rtpSource, sess.Sess.Raddr)
	var ks *kernelStamper
	stampFor := func(s *diagomedia.RTPSession) {
		if c.stats.ArrivalJitterKernel == nil || (ks != nil && ks.sess == s.Sess) {
			return
		}
		var err error
		if ks, err = newKernelStamper(s.Sess); err != nil {
			c.log.Warn("no kernel arrival times on this call", "err", err)
		}
	}
	stampFor(sess)
	for {
		n, err := sess.ReadRTP(buf, &pkt)
		if err != nil {
			if c.isDone() {
				return
			}
			if errors.Is(err, net.ErrClosed) || errors.Is(err, io.EOF) {
				// The session was replaced (200 OK after early media) or closed.
				if next := c.rtpFn(); next != nil && next != sess {
					sess, latchFor = next, next
					latch = newSourceLatch(c.rtpSource, sess.Sess.Raddr)
					stampFor(sess)
					continue
				}
				return
			}
			c.mu.Lock()
			c.stats.Garbage++
			c.mu.Unlock()
			continue
		}
		trimPayload(&pkt, buf, n)
		// Only the negotiated peer's datagrams are media: anyone who guesses
		// the port must not be heard, nor press keys on the call.
		// ReadRTPFromAddr belongs to this goroutine, the session's only reader.
		from := sess.Sess.ReadRTPFromAddr
		ok, moved := latch.accept(from)
		if !ok {
			if cur := c.rtpFn(); cur != nil && cur != latchFor {
				// The far end's SDP changed (200 OK after 183, a re-INVITE):
				// diago forks the session over the same socket, which this
				// loop keeps reading; hold to the new SDP address from now on.
				latchFor, latch = cur, newSourceLatch(c.rtpSource, cur.Sess.Raddr)
				ok, moved = latch.accept(from)
				moved = moved || ok
			}
		}
		if !ok {
			c.mu.Lock()
			c.stats.ForeignSource++
			c.mu.Unlock()
			continue
		}
		if moved {
			c.mu.Lock()
			c.locked = false // a new source is a new stream: lock its SSRC afresh
			c.jb.Reset()
			c.mu.Unlock()
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
			var kt time.Time
			kok := false
			if ks != nil {
				kt, kok = ks.last()
			}
			c.mu.Lock()
			samples := pcm[:len(pkt.Payload)]
			if c.codec != lawOf {
				lawOf, law = c.codec, g711Of(c.codec)
			}
			law.Decode(samples, pkt.Payload)
			ok := c.acceptSSRC(pkt.SSRC)
			var obs PacketObserver
			if ok {
				c.jb.Push(pkt.Timestamp, samples)
				c.stats.FramesReceived++
				if !c.lastArr.IsZero() && pkt.SequenceNumber == c.lastSeq+1 {
					d := now.Sub(c.lastArr) - FrameDuration
					if d < 0 {
						d = -d
					}
					c.stats.ArrivalJitter.Add(d)
					if kok && !c.lastKArr.IsZero() {
						c.stats.ArrivalJitterKernel.Add((kt.Sub(c.lastKArr) - FrameDuration).Abs())
					}
				}
				if kok {
					c.stats.KernelStamps++
				} else {
					kt = time.Time{}
				}
				c.lastArr, c.lastSeq, c.lastKArr = now, pkt.SequenceNumber, kt
				obs = c.observer
			} else {
				c.stats.ForeignSSRC++
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

// acceptSSRC locks onto the first stream (audio or telephone-event) of the
// latched source. Another SSRC is accepted only when the locked one has been
// silent for 500 ms — a legitimate change (a B2BUA switching legs) from the
// same address, since readLoop has already dropped every other address;
// otherwise its packets are dropped. Called with c.mu held.
func (c *Call) acceptSSRC(ssrc uint32) bool {
	now := time.Now()
	if !c.locked || (ssrc != c.lockSSRC && now.Sub(c.lastFrom) > 500*time.Millisecond) {
		if c.locked {
			c.jb.Reset()
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
