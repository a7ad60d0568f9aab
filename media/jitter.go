package media

// JitterBuffer places received audio by RTP timestamp into a sample ring and
// plays it out 20 ms at a time, a fixed delay behind the newest audio. It is
// hand-written because diago reads packets in arrival order and
// pion/interceptor's jitter buffer works on whole packets, while our clocked
// media loop consumes 20 ms frames from peers that send any ptime (sipp's
// G.711 sample is 30 ms per packet). Indexing by timestamp makes reordering,
// duplicates, loss and odd packet sizes one mechanism.
//
// Rules: the first packet anchors the playout cursor `delay` samples before
// it. A packet wholly behind the cursor is late and dropped, unless it is so
// far behind (or ahead) that the far end's clock has clearly jumped, which
// re-anchors. When audio piles up beyond delay+maxLead (the far end's clock
// is faster than ours), the cursor skips ahead so latency stays bounded.
type JitterBuffer struct {
	delay   uint32 // playout delay in samples
	maxLead uint32 // extra queued audio tolerated before skipping ahead
	ring    []int16
	have    []bool
	started bool
	cursor  uint32 // RTP timestamp of the next sample to play
	newest  uint32 // timestamp just past the newest received sample
	anchor  uint32 // timestamp of the first packet after (re)start

	stats JitterStats
}

// JitterStats counts what a jitter buffer did with the packets pushed to it.
type JitterStats struct {
	Lost     int // holes played as silence while newer audio had already arrived
	Late     int // packets that arrived after their audio was played
	Dup      int // packets whose every sample was already there
	Overflow int // times the cursor skipped ahead because audio piled up
	Resync   int // times the far end's timestamps jumped and the buffer re-anchored
}

const jbRing = 1 << 13 // 8192 samples ≈ 1 s

// NewJitterBuffer returns a buffer that plays audio depthFrames 20 ms frames
// (at least one) behind the newest packet.
func NewJitterBuffer(depthFrames int) *JitterBuffer {
	if depthFrames < 1 {
		depthFrames = 1
	}
	return &JitterBuffer{
		delay:   uint32(depthFrames * FrameSamples),
		maxLead: uint32(8 * FrameSamples),
		ring:    make([]int16, jbRing),
		have:    make([]bool, jbRing),
	}
}

// tsDiff is a − b in RTP timestamp space (wrap-around safe).
func tsDiff(a, b uint32) int32 { return int32(a - b) }

// Reset forgets all queued audio; the next packet anchors playout afresh
// (a new source took over the stream). The counters are kept.
func (j *JitterBuffer) Reset() {
	clear(j.have)
	j.started = false
}

// Push stores one packet's decoded samples starting at RTP timestamp ts.
func (j *JitterBuffer) Push(ts uint32, pcm []int16) {
	n := uint32(len(pcm))
	if n == 0 || n > jbRing/4 {
		return
	}
	if j.started {
		behind := tsDiff(j.cursor, ts+n)
		ahead := tsDiff(ts+n, j.cursor)
		switch {
		case behind >= int32(jbRing/2) || ahead > int32(jbRing-FrameSamples):
			// the far end's timestamps jumped (restart, new source): re-anchor
			j.Reset()
			j.stats.Resync++
		case behind >= 0:
			j.stats.Late++
			return
		}
	}
	if !j.started {
		j.started = true
		j.cursor = ts - j.delay
		j.newest, j.anchor = ts, ts
	}
	allDup := true
	for i := uint32(0); i < n; i++ {
		t := ts + i
		if tsDiff(t, j.cursor) < 0 {
			continue // the part already played
		}
		k := t % jbRing
		if !j.have[k] {
			allDup = false
		}
		j.ring[k] = pcm[i]
		j.have[k] = true
	}
	if allDup {
		j.stats.Dup++
	}
	if tsDiff(ts+n, j.newest) > 0 {
		j.newest = ts + n
	}
	if lead := tsDiff(j.newest, j.cursor); lead > int32(j.delay+j.maxLead) {
		skip := uint32(lead) - j.delay
		for i := uint32(0); i < skip; i++ {
			j.have[(j.cursor+i)%jbRing] = false
		}
		j.cursor += skip
		j.stats.Overflow++
	}
}

// Pop writes the next 20 ms into out (silence where nothing arrived) and
// reports whether any received audio was in it.
func (j *JitterBuffer) Pop(out []int16) bool {
	if !j.started {
		clear(out)
		return false
	}
	got, missing := false, false
	for i := range out {
		k := (j.cursor + uint32(i)) % jbRing
		if j.have[k] {
			out[i] = j.ring[k]
			j.have[k] = false
			got = true
		} else {
			out[i] = 0
			missing = true
		}
	}
	end := j.cursor + uint32(len(out))
	if missing && tsDiff(j.cursor, j.anchor) >= 0 && tsDiff(j.newest, end) > 0 {
		j.stats.Lost++ // a hole with newer audio already here: that packet is lost
	}
	if !got && tsDiff(j.newest, j.cursor) <= 0 {
		// Nothing queued at all (the far end paused or its clock is slower):
		// hold the cursor so its next packet plays after the usual delay.
		return false
	}
	j.cursor = end
	return got
}

// Stats returns the counters so far.
func (j *JitterBuffer) Stats() JitterStats { return j.stats }
