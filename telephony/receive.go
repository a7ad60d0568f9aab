package telephony

import (
	"errors"
	"io"
	"net"
	"sync"
	"time"

	"github.com/dozvon/dozvon/internal/safe"
	"github.com/dozvon/dozvon/media"
	diagomedia "github.com/emiago/diago/media"
	"github.com/pion/rtp"
)

// PacketObserver sees every accepted audio packet, decoded, at its arrival
// time, before the jitter buffer. It runs on the reader (the media shard, or the call's read goroutine)
// and must be quick.
type PacketObserver func(arrival time.Time, pcm []int16)

// SetPacketObserver installs an observer (nil removes it). Measurement tools
// use it to time the far end's audio exactly as it arrives.
func (c *Call) SetPacketObserver(o PacketObserver) {
	c.mu.Lock()
	c.observer = o
	c.mu.Unlock()
}

// rxState is the read side of a call: whoever reads its RTP (the media
// shard through Call.receive, or readLoop) owns it, one reader at a time.
type rxState struct {
	pcm      []int16
	lawOf    diagomedia.Codec // the codec law was parsed from (parsing per packet showed in profiles)
	law      media.G711
	sess     *diagomedia.RTPSession // the session whose socket is read
	latchFor *diagomedia.RTPSession // the session whose SDP address the latch holds to
	latch    *sourceLatch
	pkt      rtp.Packet
	from     net.UDPAddr // the source of the datagram being handled (reused)

	// The shard's path only: the socket, its drain scratch, and whether
	// the socket is gone for good.
	sock   *rtpSock
	pool   *sync.Pool
	closed bool
	// every is Config.RTPReadTicks (0 or 1: every tick); wait counts the
	// ticks left before the next drain, 0 on the first so a call's first
	// tick reads.
	every, wait int
}

func (c *Call) newRxState(sess *diagomedia.RTPSession) *rxState {
	return &rxState{
		pcm: make([]int16, maxPacketSamples), law: media.PCMU,
		sess: sess, latchFor: sess, latch: newSourceLatch(c.rtpSource, sess.Sess.Raddr),
	}
}

// receive drains the call's RTP socket without blocking: the media shard
// calls it once a tick before the calls step (media.Receiver), and it reads
// on every rx.every-th of them (Config.RTPReadTicks). A packet is read up
// to that many ticks after it arrived; the kernel's arrival stamp keeps its
// time.
func (c *Call) receive() {
	rx := c.rx
	if rx == nil || rx.closed {
		return
	}
	if !rx.due() {
		return
	}
	b := rx.pool.Get().(*rxBuf)
	defer rx.pool.Put(b)
	for round := 0; round < rxRounds; round++ {
		n, err := b.recv(rx.sock)
		if err != nil {
			if errors.Is(err, errRxClosed) {
				// The session was replaced (200 OK after early media) or closed.
				if next := c.rtpFn(); next != nil && next != rx.sess {
					if c.switchSession(rx, next) {
						continue
					}
				}
				rx.closed = true
				return
			}
			c.mu.Lock()
			c.stats.Garbage++
			c.mu.Unlock()
			return
		}
		for i := 0; i < n; i++ {
			data, stamp, stamped, truncated := b.datagram(i, &rx.from)
			if truncated || rtpUnmarshalView(data, &rx.pkt) != nil {
				c.mu.Lock()
				c.stats.Garbage++
				c.mu.Unlock()
				continue
			}
			// diago's ReadRTP skips these before its caller sees them
			if rx.pkt.Version == 0 || len(rx.pkt.Payload) == 0 {
				continue
			}
			now := time.Now()
			if stamped {
				now = stamp
			}
			c.onPacket(rx, &rx.pkt, &rx.from, false, now, stamp, stamped)
		}
		if n < rxBatch {
			return
		}
	}
}

// due reports whether this tick drains the socket: the first tick does,
// then every rx.every-th.
func (rx *rxState) due() bool {
	if rx.wait > 0 {
		rx.wait--
		return false
	}
	if rx.every > 1 {
		rx.wait = rx.every - 1
	}
	return true
}

// switchSession moves the shard's reads to next's socket.
func (c *Call) switchSession(rx *rxState, next *diagomedia.RTPSession) bool {
	sock, err := openRTPSock(next.Sess)
	if err != nil {
		c.log.Warn("RTP socket of the new session not readable", "err", err)
		return false
	}
	rx.sess, rx.latchFor, rx.sock = next, next, sock
	rx.latch = newSourceLatch(c.rtpSource, next.Sess.Raddr)
	c.reportRTCP(next)
	return true
}

// rtpUnmarshalView parses an RTP datagram into pkt, its payload a view of
// data (no copy): the packet is handled before data is read into again.
func rtpUnmarshalView(data []byte, pkt *rtp.Packet) error {
	hn, err := pkt.Header.Unmarshal(data)
	if err != nil {
		return err
	}
	end := len(data)
	pkt.PaddingSize = 0
	if pkt.Padding {
		pkt.PaddingSize = data[end-1]
		end -= int(pkt.PaddingSize)
	}
	if end < hn {
		return io.ErrShortBuffer
	}
	pkt.Payload = data[hn:end]
	return nil
}

// readLoop is the read path unless the shard reads the socket itself
// (not Config.ReadGoroutines, and rtpSocket found it: not a test's packet pipe
// nor a diago that moved it): a goroutine blocked in diago's ReadRTP.
func (c *Call) readLoop() {
	// A fault here (a packet observer, a malformed packet's decoding) ends
	// this call only, as a media fault: the robot reads it as a failed call.
	defer safe.Recover(c.log, "telephony rtp read loop", func(*safe.Panic) {
		c.endReason.CompareAndSwap(nil, "media")
		c.stopLoop()
	})
	buf := make([]byte, diagomedia.RTPBufSize)
	rx := c.newRxState(c.rtp.Load())
	pkt := &rx.pkt
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
	stampFor(rx.sess)
	for {
		n, err := rx.sess.ReadRTP(buf, pkt)
		if err != nil {
			if c.isDone() {
				return
			}
			if errors.Is(err, net.ErrClosed) || errors.Is(err, io.EOF) {
				// The session was replaced (200 OK after early media) or closed.
				if next := c.rtpFn(); next != nil && next != rx.sess {
					rx.sess, rx.latchFor = next, next
					rx.latch = newSourceLatch(c.rtpSource, next.Sess.Raddr)
					stampFor(next)
					continue
				}
				return
			}
			c.mu.Lock()
			c.stats.Garbage++
			c.mu.Unlock()
			continue
		}
		trimPayload(pkt, buf, n)
		now := time.Now()
		var kt time.Time
		kok := false
		if ks != nil && n > 0 && pkt.PayloadType == c.audioPT() {
			kt, kok = ks.last()
		}
		// ReadRTPFromAddr belongs to this goroutine, the session's only
		// reader; n is 0 when diago refused the payload type of a new stream.
		c.onPacket(rx, pkt, rx.sess.Sess.ReadRTPFromAddr, n == 0, now, kt, kok)
	}
}

// onPacket handles one RTP packet read from the call's socket at now (its
// arrival; kt is the kernel's stamp when kok). refused is a packet diago
// would not parse: it only counts, once its source is the peer's.
func (c *Call) onPacket(rx *rxState, pkt *rtp.Packet, from net.Addr, refused bool, now, kt time.Time, kok bool) {
	// Only the negotiated peer's datagrams are media: anyone who guesses
	// the port must not be heard, nor press keys on the call.
	ok, moved := rx.latch.accept(from)
	if !ok {
		if cur := c.rtpFn(); cur != nil && cur != rx.latchFor {
			// The far end's SDP changed (200 OK after 183, a re-INVITE):
			// diago forks the session over the same socket, which this
			// reader keeps reading; hold to the new SDP address from now on.
			rx.latchFor, rx.latch = cur, newSourceLatch(c.rtpSource, cur.Sess.Raddr)
			c.reportRTCP(cur)
			ok, moved = rx.latch.accept(from)
			moved = moved || ok
		}
	}
	if !ok {
		c.mu.Lock()
		c.stats.ForeignSource++
		c.mu.Unlock()
		return
	}
	if moved {
		c.mu.Lock()
		c.locked = false // a new source is a new stream: lock its SSRC afresh
		c.jb.Reset()
		c.mu.Unlock()
	}
	switch {
	case refused:
		c.countDropped()
	case int(pkt.PayloadType) == c.dtmfPT:
		c.onDTMF(pkt)
	case pkt.PayloadType == c.audioPT() && len(pkt.Payload) > 0 && len(pkt.Payload) <= maxPacketSamples:
		c.mu.Lock()
		samples := rx.pcm[:len(pkt.Payload)]
		if c.codec != rx.lawOf {
			rx.lawOf, rx.law = c.codec, g711Of(c.codec)
		}
		rx.law.Decode(samples, pkt.Payload)
		ok := c.acceptSSRC(pkt.SSRC)
		var obs PacketObserver
		if ok {
			c.jb.Push(pkt.Timestamp, samples)
			c.stats.FramesReceived++
			if c.rtcpRx != nil {
				c.rtcpRx.received(pkt.SSRC, pkt.SequenceNumber, pkt.Timestamp, now, true)
			}
			if !c.lastArr.IsZero() && pkt.SequenceNumber == c.lastSeq+1 {
				d := now.Sub(c.lastArr) - FrameDuration
				if d < 0 {
					d = -d
				}
				c.stats.ArrivalJitter.Add(d)
				if kok && !c.lastKArr.IsZero() && c.stats.ArrivalJitterKernel != nil {
					c.stats.ArrivalJitterKernel.Add((kt.Sub(c.lastKArr) - FrameDuration).Abs())
				}
			}
			if kok && c.stats.ArrivalJitterKernel != nil {
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
