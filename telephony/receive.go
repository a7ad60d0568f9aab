package telephony

import (
	"errors"
	"io"
	"net"
	"time"

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
	buf := make([]byte, diagomedia.RTPBufSize)
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
		trimPayload(&pkt, buf, n)
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
			g711Of(c.codec).Decode(samples, pkt.Payload)
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
