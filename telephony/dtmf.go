package telephony

import (
	"fmt"
	"time"

	diagomedia "github.com/emiago/diago/media"
	"github.com/pion/rtp"
)

// DTMF delivers RFC 2833 digits received from the far end.
func (c *Call) DTMF() <-chan rune { return c.dtmf }

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
	c.dtmfOut = append(c.dtmfOut, diagomedia.RTPDTMFEncode8000(digit)...)
	// a gap of silence between digits
	c.dtmfOut = append(c.dtmfOut, diagomedia.DTMFEvent{Event: 255}, diagomedia.DTMFEvent{Event: 255})
	c.mu.Unlock()
	return nil
}

func (c *Call) onDTMF(pkt *rtp.Packet) {
	var ev diagomedia.DTMFEvent
	if err := diagomedia.DTMFDecode(pkt.Payload, &ev); err != nil {
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
	c.mu.Lock()
	// Digits count only from the locked stream: a key pressed by another
	// SSRC (someone else's stream on the peer's address) is not the debtor's.
	if !c.acceptSSRC(pkt.SSRC) {
		c.stats.ForeignSSRC++
		c.mu.Unlock()
		return
	}
	if c.rtcpRx != nil {
		c.rtcpRx.received(pkt.SSRC, pkt.SequenceNumber, pkt.Timestamp, time.Now(), false)
	}
	if n > 0 && n <= maxPacketSamples*4 {
		c.jb.Push(pkt.Timestamp, make([]int16, n))
	}
	if !ev.EndOfEvent {
		c.mu.Unlock()
		return
	}
	dup := c.dtmfSeen && c.lastDTMF == pkt.Timestamp
	c.dtmfSeen, c.lastDTMF = true, pkt.Timestamp
	if !dup {
		c.stats.DTMF++
	}
	c.mu.Unlock()
	if dup {
		return
	}
	r := diagomedia.DTMFToRune(ev.Event)
	if r == 0 {
		return
	}
	select {
	case c.dtmf <- r:
	default:
		c.log.Warn("dtmf queue full, digit dropped")
	}
}
