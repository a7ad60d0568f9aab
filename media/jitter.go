package media

import "math/bits"

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
	// ring holds the samples and have marks (a set bit) the ones received;
	// a sample not marked is 0 in ring, so playout is a block copy and the
	// marks are tested a 64-bit word at a time: per-sample loops over two
	// rings per call were the costliest part of the media loop after the
	// syscalls. Bits, not a byte per sample (round 2): a frame's marks are
	// 20 bytes, one cache line where 160 bytes were three, and the marks
	// 1 KB a call where they were 8 — a shard walks hundreds of calls a
	// tick, each one's state cold.
	ring    []int16
	have    marks
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
	}
}

// marks is one bit per ring slot. Its methods take a span [k, k+n) that does
// not wrap (span splits those that do).
type marks [jbRing / 64]uint64

// each calls f with the word index and mask of every word [k, k+n) touches;
// f returns false to stop.
func (m *marks) each(k, n uint32, f func(w int, mask uint64) bool) {
	for n > 0 {
		off := k % 64
		c := min(64-off, n)
		if !f(int(k/64), (^uint64(0)>>(64-c))<<off) {
			return
		}
		k, n = k+c, n-c
	}
}

func (m *marks) set(k, n uint32) {
	m.each(k, n, func(w int, mask uint64) bool { m[w] |= mask; return true })
}

func (m *marks) unset(k, n uint32) {
	m.each(k, n, func(w int, mask uint64) bool { m[w] &^= mask; return true })
}

// count is how many slots of [k, k+n) are marked.
func (m *marks) count(k, n uint32) uint32 {
	var c int
	m.each(k, n, func(w int, mask uint64) bool { c += bits.OnesCount64(m[w] & mask); return true })
	return uint32(c)
}

// tsDiff is a − b in RTP timestamp space (wrap-around safe).
func tsDiff(a, b uint32) int32 { return int32(a - b) }

// Reset forgets all queued audio; the next packet anchors playout afresh
// (a new source took over the stream). The counters are kept.
func (j *JitterBuffer) Reset() {
	clear(j.have[:])
	clear(j.ring)
	j.started = false
}

// span splits the n ring slots from timestamp t into the part up to the
// ring's end, [k, k+n1), and the part wrapped to its start, [0, n-n1).
func span(t, n uint32) (k, n1 uint32) {
	k = t % jbRing
	return k, min(n, jbRing-k)
}

// forget unmarks and silences the n slots from timestamp t.
func (j *JitterBuffer) forget(t, n uint32) {
	n = min(n, jbRing)
	k, n1 := span(t, n)
	j.have.unset(k, n1)
	clear(j.ring[k : k+n1])
	j.have.unset(0, n-n1)
	clear(j.ring[:n-n1])
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
	// the part already played is a prefix (the packet is not wholly behind)
	skip := uint32(0)
	if d := tsDiff(ts, j.cursor); d < 0 {
		skip = min(uint32(-d), n)
	}
	allDup := true
	k, n1 := span(ts+skip, n-skip)
	for _, part := range [2]struct{ k, n, from uint32 }{{k, n1, skip}, {0, n - skip - n1, skip + n1}} {
		if j.have.count(part.k, part.n) < part.n {
			allDup = false
		}
		copy(j.ring[part.k:part.k+part.n], pcm[part.from:part.from+part.n])
		j.have.set(part.k, part.n)
	}
	if allDup {
		j.stats.Dup++
	}
	if tsDiff(ts+n, j.newest) > 0 {
		j.newest = ts + n
	}
	if lead := tsDiff(j.newest, j.cursor); lead > int32(j.delay+j.maxLead) {
		skip := uint32(lead) - j.delay
		j.forget(j.cursor, skip)
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
	n := uint32(min(len(out), jbRing))
	k, n1 := span(j.cursor, n)
	for _, part := range [2]struct{ k, n, to uint32 }{{k, n1, 0}, {0, n - n1, n1}} {
		c := j.have.count(part.k, part.n)
		got = got || c > 0
		missing = missing || c < part.n
		copy(out[part.to:part.to+part.n], j.ring[part.k:part.k+part.n])
	}
	clear(out[n:])
	missing = missing || len(out) > int(n)
	j.forget(j.cursor, n)
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
