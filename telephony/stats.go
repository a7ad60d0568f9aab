package telephony

import (
	"time"

	"github.com/dozvon/dozvon/media"
)

// MediaStats counts what a call's media path did.
type MediaStats struct {
	FramesSent       int64
	FramesReceived   int64 // audio frames accepted from the network
	FramesPlayedOut  int64 // ticks that played received audio (rest were silence)
	Lost, Late, Dup  int64
	Overflow, Resync int64
	Dropped          int64 // packets of an unknown payload type or wrong size
	Garbage          int64 // datagrams that are not RTP
	// ForeignSource counts RTP packets (audio, DTMF, anything) from an
	// address other than the call's latched peer (Config.RTPSource): ignored.
	ForeignSource int64
	// ForeignSSRC counts the peer-address packets of a stream other than the
	// locked one (audio or telephone-event): ignored.
	ForeignSSRC int64
	DTMF        int64
	SendLateMax time.Duration // worst lateness of a frame against the media clock
	SendLate    *media.LatenessHistogram
	// ArrivalJitter is how far the far end's audio packets arrived from a
	// steady 20 ms spacing (|inter-arrival − 20 ms|): its pacing as seen here.
	// Where the media shard reads the socket, arrival is the kernel's stamp
	// (a packet is read on the tick after it came); on the read-goroutine
	// path it is the read time.
	ArrivalJitter *media.LatenessHistogram
	// ArrivalJitterKernel is the same spacing taken from the kernel's
	// arrival stamps (Config.KernelArrivalTimes; nil without): the far end's
	// pacing without this process's own scheduling delay in it.
	ArrivalJitterKernel *media.LatenessHistogram
	// KernelStamps counts the audio packets the kernel stamped.
	KernelStamps int64
	Duration     time.Duration // answered media time
}

// AudioStarted reports that audio from the far end has been played out at
// least once; before that the frames handed to the handler are the silence
// of waiting for the first packets, not the line's.
func (c *Call) AudioStarted() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.stats.FramesPlayedOut > 0
}

// Stats returns a snapshot of the media counters.
func (c *Call) Stats() MediaStats {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.stats
	js := c.jb.Stats()
	s.Lost, s.Late, s.Dup = int64(js.Lost), int64(js.Late), int64(js.Dup)
	s.Overflow, s.Resync = int64(js.Overflow), int64(js.Resync)
	h := *c.stats.SendLate
	s.SendLate = &h
	a := *c.stats.ArrivalJitter
	s.ArrivalJitter = &a
	if c.stats.ArrivalJitterKernel != nil {
		k := *c.stats.ArrivalJitterKernel
		s.ArrivalJitterKernel = &k
	}
	return s
}
