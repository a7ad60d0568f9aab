package telephony

// jitterBuffer places received audio by RTP timestamp into a sample ring and
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
type jitterBuffer struct {
	delay   uint32 // playout delay in samples
	maxLead uint32 // extra queued audio tolerated before skipping ahead
	ring    []int16
	have    []bool
	started bool
	cursor  uint32 // RTP timestamp of the next sample to play
	newest  uint32 // timestamp just past the newest received sample
	anchor  uint32 // timestamp of the first packet after (re)start

	lost, late, dup, overflow, resync int
}

const jbRing = 1 << 13 // 8192 samples ≈ 1 s

func newJitterBuffer(depthFrames int) *jitterBuffer {
	if depthFrames < 1 {
		depthFrames = 1
	}
	return &jitterBuffer{
		delay:   uint32(depthFrames * frameSamples),
		maxLead: uint32(8 * frameSamples),
		ring:    make([]int16, jbRing),
		have:    make([]bool, jbRing),
	}
}

// tsDiff is a − b in RTP timestamp space (wrap-around safe).
func tsDiff(a, b uint32) int32 { return int32(a - b) }

func (j *jitterBuffer) reset() {
	clear(j.have)
	j.started = false
}

// push stores one packet's decoded samples starting at RTP timestamp ts.
func (j *jitterBuffer) push(ts uint32, pcm []int16) {
	n := uint32(len(pcm))
	if n == 0 || n > jbRing/4 {
		return
	}
	if j.started {
		behind := tsDiff(j.cursor, ts+n)
		ahead := tsDiff(ts+n, j.cursor)
		switch {
		case behind >= int32(jbRing/2) || ahead > int32(jbRing-frameSamples):
			// the far end's timestamps jumped (restart, new source): re-anchor
			j.reset()
			j.resync++
		case behind >= 0:
			j.late++
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
		j.dup++
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
		j.overflow++
	}
}

// pop writes the next 20 ms into out (silence where nothing arrived) and
// reports whether any received audio was in it.
func (j *jitterBuffer) pop(out []int16) bool {
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
		j.lost++ // a hole with newer audio already here: that packet is lost
	}
	if !got && tsDiff(j.newest, j.cursor) <= 0 {
		// Nothing queued at all (the far end paused or its clock is slower):
		// hold the cursor so its next packet plays after the usual delay.
		return false
	}
	j.cursor = end
	return got
}
