package media

import (
	"encoding/binary"
	"math/rand/v2"
	"slices"
	"testing"
)

// refJitterBuffer is the jitter buffer as it was before its loops became
// block copies: sample by sample, a bool per sample. The differential fuzz
// test holds the new one to exactly its output and counters.
type refJitterBuffer struct {
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

// newRefJitterBuffer returns a buffer that plays audio depthFrames 20 ms frames
// (at least one) behind the newest packet.
func newRefJitterBuffer(depthFrames int) *refJitterBuffer {
	if depthFrames < 1 {
		depthFrames = 1
	}
	return &refJitterBuffer{
		delay:   uint32(depthFrames * FrameSamples),
		maxLead: uint32(8 * FrameSamples),
		ring:    make([]int16, jbRing),
		have:    make([]bool, jbRing),
	}
}

// Reset forgets all queued audio; the next packet anchors playout afresh
// (a new source took over the stream). The counters are kept.
func (j *refJitterBuffer) Reset() {
	clear(j.have)
	j.started = false
}

// Push stores one packet's decoded samples starting at RTP timestamp ts.
func (j *refJitterBuffer) Push(ts uint32, pcm []int16) {
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
func (j *refJitterBuffer) Pop(out []int16) bool {
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
func (j *refJitterBuffer) Stats() JitterStats { return j.stats }

// FuzzJitterBufferMatchesReference drives the jitter buffer and the
// sample-by-sample reference with the same pushes (any timestamp step, size
// and sample values) and pops (any frame length) and requires the same
// samples, the same reports and the same counters after every operation.
func FuzzJitterBufferMatchesReference(f *testing.F) {
	op := func(kind byte, step int32, size uint16) []byte {
		b := []byte{kind}
		b = binary.BigEndian.AppendUint32(b, uint32(step))
		return binary.BigEndian.AppendUint16(b, size)
	}
	var steady, wrap, wild []byte
	for i := range 30 {
		steady = append(steady, op(0, 160, 160)...)
		if i%3 != 2 {
			steady = append(steady, op(1, 0, 160)...)
		}
	}
	wrap = append(wrap, op(0, -1000, 240)...)
	for range 120 { // around the ring's end and the timestamp's wrap
		wrap = append(wrap, op(0, 240, 240)...)
		wrap = append(wrap, op(1, 0, 160)...)
		wrap = append(wrap, op(1, 0, 160)...)
	}
	wild = append(wild, op(0, 0, 240)...)
	wild = append(wild, op(0, -480, 160)...)
	wild = append(wild, op(0, 1<<30, 160)...)
	wild = append(wild, op(0, -1<<31, 2048)...)
	wild = append(wild, op(1, 0, 9000)...)
	wild = append(wild, op(0, 4000, 1)...)
	wild = append(wild, op(0, 8000, 2000)...)
	wild = append(wild, op(0, -100, 300)...)
	wild = append(wild, op(1, 0, 160)...)
	f.Add(steady, uint8(3), int64(1))
	f.Add(wrap, uint8(2), int64(2))
	f.Add(wild, uint8(0), int64(3))
	f.Fuzz(func(t *testing.T, ops []byte, depth uint8, seed int64) {
		rng := rand.New(rand.NewPCG(uint64(seed), 7))
		j, ref := NewJitterBuffer(int(depth%16)), newRefJitterBuffer(int(depth%16))
		ts := uint32(rng.Uint64())
		for n := 0; len(ops) >= 7; n++ {
			kind, step, size := ops[0], int32(binary.BigEndian.Uint32(ops[1:])), binary.BigEndian.Uint16(ops[5:])
			ops = ops[7:]
			switch kind % 3 {
			case 0:
				ts += uint32(step)
				pcm := make([]int16, int(size)%3000)
				for i := range pcm {
					pcm[i] = int16(rng.IntN(65536) - 32768)
				}
				j.Push(ts, pcm)
				ref.Push(ts, pcm)
			case 1:
				l := int(size) % (2 * jbRing)
				got, want := make([]int16, l), make([]int16, l)
				for i := range got {
					got[i], want[i] = -1, -2
				}
				g, w := j.Pop(got), ref.Pop(want)
				if g != w || !slices.Equal(got, want) {
					t.Fatalf("op %d: pop of %d reported %v, the reference %v; samples equal: %v", n, l, g, w, slices.Equal(got, want))
				}
			default:
				j.Reset()
				ref.Reset()
			}
			if j.Stats() != ref.Stats() {
				t.Fatalf("op %d: stats %+v, the reference %+v", n, j.Stats(), ref.Stats())
			}
		}
	})
}
