package media

import (
	"encoding/binary"
	"testing"
)

// FuzzJitterBuffer pushes packets of any size at any RTP timestamps (wrap,
// jumps, reordering, duplicates) and pops between them, as a far end that
// misbehaves would make the media loop do. Properties: nothing panics, a pop
// gives exactly one frame, nothing comes out that was not pushed (every pushed
// sample is 7, so a played sample is 7 or silence) and never more samples
// than were pushed, and after a push the queued audio stays within the
// buffer's delay plus lead: latency is bounded whatever the timestamps.
func FuzzJitterBuffer(f *testing.F) {
	// ops: 7 bytes each: kind, timestamp step (int32), size (uint16)
	op := func(kind byte, step int32, size uint16) []byte {
		b := []byte{kind}
		b = binary.BigEndian.AppendUint32(b, uint32(step))
		return binary.BigEndian.AppendUint16(b, size)
	}
	var steady, wild []byte
	for range 20 {
		steady = append(steady, op(0, 160, 160)...)
		steady = append(steady, op(1, 0, 0)...)
	}
	wild = append(wild, op(0, 0, 240)...)
	wild = append(wild, op(0, -480, 160)...)
	wild = append(wild, op(0, 1<<30, 160)...)
	wild = append(wild, op(0, -1<<31, 2048)...)
	wild = append(wild, op(1, 0, 0)...)
	wild = append(wild, op(0, 4000, 1)...)
	f.Add(steady, uint8(3))
	f.Add(wild, uint8(0))
	f.Fuzz(func(t *testing.T, ops []byte, depth uint8) {
		j := NewJitterBuffer(int(depth % 16))
		out := make([]int16, FrameSamples)
		var ts uint32
		pushed, played := 0, 0
		for len(ops) >= 7 {
			kind, step, size := ops[0], int32(binary.BigEndian.Uint32(ops[1:])), binary.BigEndian.Uint16(ops[5:])
			ops = ops[7:]
			if kind&1 == 1 {
				for i := range out {
					out[i] = -1
				}
				got := j.Pop(out)
				n := 0
				for _, s := range out {
					switch s {
					case 7:
						n++
					case 0:
					default:
						t.Fatalf("pop gave sample %d, pushed only 7s", s)
					}
				}
				if got != (n > 0) {
					t.Fatalf("pop reported %v with %d samples of audio", got, n)
				}
				played += n
				continue
			}
			ts += uint32(step)
			pcm := make([]int16, int(size)%(2*jbRing))
			for i := range pcm {
				pcm[i] = 7
			}
			j.Push(ts, pcm)
			if len(pcm) <= jbRing/4 {
				pushed += len(pcm)
			}
			if lead := tsDiff(j.newest, j.cursor); j.started && lead > int32(j.delay+j.maxLead) {
				t.Fatalf("after a push at %d, %d samples queued; bound %d", ts, lead, j.delay+j.maxLead)
			}
		}
		if played > pushed {
			t.Fatalf("played %d samples of %d pushed", played, pushed)
		}
		st := j.Stats()
		if st.Lost < 0 || st.Late < 0 || st.Dup < 0 || st.Overflow < 0 || st.Resync < 0 {
			t.Fatalf("stats %+v", st)
		}
	})
}
