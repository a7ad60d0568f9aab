package telephony

// jitterBuffer reorders RTP audio frames by sequence number and plays them out
// at a fixed delay. It is hand-written because diago reads packets in arrival
// order and pion/interceptor's jitter buffer works on packets, not on the
// decoded 20 ms frames our clocked media loop consumes; it is small and fully
// covered by jitter_test.go.
//
// Rules: a frame is played when its turn comes (expected sequence number).
// When the expected frame is missing but at least `depth` newer frames wait,
// it is declared lost and the next available frame is played. When nothing
// waits, the tick plays silence and the expectation stays (the far end may
// simply have paused). Frames older than the expectation are late and dropped.
type jitterBuffer struct {
	depth    int // playout delay in frames
	slots    []jbSlot
	started  bool
	expected uint16
	queued   int

	lost, late, dup, overflow int
}

type jbSlot struct {
	used bool
	seq  uint16
	pcm  [frameSamples]int16
}

func newJitterBuffer(depth int) *jitterBuffer {
	if depth < 1 {
		depth = 1
	}
	return &jitterBuffer{depth: depth, slots: make([]jbSlot, 64)}
}

// seqLess reports a < b in RTP sequence space (RFC 3550 wrap-around).
func seqLess(a, b uint16) bool { return int16(a-b) < 0 }

// push stores one decoded frame. pcm must hold frameSamples samples.
func (j *jitterBuffer) push(seq uint16, pcm []int16) {
	if j.started && seqLess(seq, j.expected) {
		j.late++
		return
	}
	if j.started && int(seq-j.expected) >= len(j.slots) {
		// A jump far ahead (the source restarted): resynchronise.
		j.reset()
	}
	s := &j.slots[int(seq)%len(j.slots)]
	if s.used && s.seq == seq {
		j.dup++
		return
	}
	if s.used { // an old frame never played: count it lost
		j.lost++
		j.queued--
	}
	s.used, s.seq = true, seq
	copy(s.pcm[:], pcm)
	j.queued++
	if !j.started {
		j.started, j.expected = true, seq
	} else if seqLess(seq, j.expected) {
		j.expected = seq
	}
}

func (j *jitterBuffer) reset() {
	for i := range j.slots {
		j.slots[i].used = false
	}
	j.queued, j.started = 0, false
}

// pop writes the frame due now into out and reports whether it was audio
// received from the network (false: silence was written).
func (j *jitterBuffer) pop(out []int16) bool {
	if !j.started || j.queued == 0 {
		clear(out)
		return false
	}
	for j.queued > 2*j.depth+4 {
		// The far end's clock runs faster than ours or a burst arrived:
		// drop the oldest frame so latency stays bounded.
		j.dropExpected()
	}
	if j.queued < j.depth && !j.hasExpected() {
		// Still filling the playout delay or waiting for a reordered frame.
		clear(out)
		return false
	}
	for i := 0; i < len(j.slots); i++ {
		s := &j.slots[int(j.expected)%len(j.slots)]
		if s.used && s.seq == j.expected {
			copy(out, s.pcm[:])
			s.used = false
			j.queued--
			j.expected++
			return true
		}
		if j.queued < j.depth {
			clear(out)
			return false
		}
		j.lost++
		j.expected++
	}
	clear(out)
	return false
}

func (j *jitterBuffer) dropExpected() {
	s := &j.slots[int(j.expected)%len(j.slots)]
	if s.used && s.seq == j.expected {
		s.used = false
		j.queued--
		j.overflow++
	}
	j.expected++
}

func (j *jitterBuffer) hasExpected() bool {
	s := &j.slots[int(j.expected)%len(j.slots)]
	return s.used && s.seq == j.expected
}
