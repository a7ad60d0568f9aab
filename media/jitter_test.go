package media

import "testing"

func frameOf(v int16, n int) []int16 {
	f := make([]int16, n)
	for i := range f {
		f[i] = v
	}
	return f
}

type arrival struct {
	ts  uint32
	val int16
}

func TestJitterBufferPlayout(t *testing.T) {
	const f = FrameSamples
	tests := []struct {
		name     string
		depth    int
		size     int         // samples per packet
		ticks    [][]arrival // packets arriving before each tick
		wantPlay []int16     // first sample per tick (0 = silence)
		wantLost int
		wantLate int
	}{
		{
			name: "in order with one frame of delay", depth: 1, size: f,
			ticks:    [][]arrival{{{1000, 1}}, {{1000 + f, 2}}, {{1000 + 2*f, 3}}, {}},
			wantPlay: []int16{0, 1, 2, 3},
		},
		{
			name: "swapped pair is reordered", depth: 1, size: f,
			ticks:    [][]arrival{{{0, 1}}, {{2 * f, 3}}, {{f, 2}}, {}},
			wantPlay: []int16{0, 1, 2, 3},
		},
		{
			name: "a lost packet plays as silence and is counted", depth: 1, size: f,
			ticks:    [][]arrival{{{0, 1}}, {{2 * f, 3}}, {{3 * f, 4}}, {}},
			wantPlay: []int16{0, 1, 0, 3},
			wantLost: 1,
		},
		{
			name: "late packet is dropped", depth: 1, size: f,
			ticks:    [][]arrival{{{0, 1}}, {{f, 2}}, {{2 * f, 3}}, {{0, 9}}, {}},
			wantPlay: []int16{0, 1, 2, 3, 0},
			wantLate: 1,
		},
		{
			name: "30 ms packets are cut into 20 ms frames", depth: 1, size: 240,
			ticks:    [][]arrival{{{0, 1}}, {{240, 2}}, {}, {{480, 3}}, {}},
			wantPlay: []int16{0, 1, 1, 2, 3},
		},
		{
			name: "timestamp wrap-around", depth: 1, size: f,
			ticks:    [][]arrival{{{^uint32(0) - f + 1, 1}}, {{0, 2}}, {{f, 3}}, {}},
			wantPlay: []int16{0, 1, 2, 3},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			j := NewJitterBuffer(tt.depth)
			out := make([]int16, f)
			for i, arr := range tt.ticks {
				for _, a := range arr {
					j.Push(a.ts, frameOf(a.val, tt.size))
				}
				j.Pop(out)
				if out[0] != tt.wantPlay[i] {
					t.Fatalf("tick %d: played %d, want %d", i, out[0], tt.wantPlay[i])
				}
			}
			if st := j.Stats(); st.Lost != tt.wantLost || st.Late != tt.wantLate {
				t.Fatalf("lost=%d late=%d, want lost=%d late=%d", st.Lost, st.Late, tt.wantLost, tt.wantLate)
			}
		})
	}
}

func TestJitterBufferBoundsLatency(t *testing.T) {
	j := NewJitterBuffer(2)
	out := make([]int16, FrameSamples)
	for i := uint32(0); i < 40; i++ { // a burst of 40 frames at once
		j.Push(i*FrameSamples, frameOf(int16(i+1), FrameSamples))
	}
	j.Pop(out)
	if j.Stats().Overflow == 0 {
		t.Fatal("a burst did not skip ahead")
	}
	if lead := tsDiff(j.newest, j.cursor); lead > int32(j.delay+j.maxLead) {
		t.Fatalf("queued %d samples after a burst, want ≤ %d", lead, j.delay+j.maxLead)
	}
}

func TestJitterBufferResyncsOnTimestampJump(t *testing.T) {
	j := NewJitterBuffer(1)
	out := make([]int16, FrameSamples)
	j.Push(0, frameOf(1, FrameSamples))
	j.Pop(out)
	j.Pop(out)
	j.Push(5_000_000, frameOf(7, FrameSamples)) // the far end restarted its clock
	j.Pop(out)
	j.Pop(out)
	if out[0] != 7 || j.Stats().Resync != 1 {
		t.Fatalf("played %d resync=%d after a jump, want 7 and 1", out[0], j.Stats().Resync)
	}
}

// BenchmarkJitterBufferReordered is push+pop with every other pair of
// packets swapped (the reordering path).
func BenchmarkJitterBufferReordered(b *testing.B) {
	jb := NewJitterBuffer(3)
	pcm := frameOf(1000, FrameSamples)
	in := make([]int16, FrameSamples)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		n := uint32(i)
		if i%4 == 1 {
			n++
		} else if i%4 == 2 {
			n--
		}
		jb.Push(n*FrameSamples, pcm)
		jb.Pop(in)
	}
	if late := jb.Stats().Late; late != 0 {
		b.Fatalf("%d reordered packets counted late with a 3-frame buffer", late)
	}
}

// BenchmarkJitterBufferManyCalls is one tick's push and pop on each of 500
// calls' buffers in turn, as a media shard walks its calls: each buffer's
// state is cold when its turn comes. ns/op is per call and tick.
func BenchmarkJitterBufferManyCalls(b *testing.B) {
	const calls = 500
	jbs := make([]*JitterBuffer, calls)
	for i := range jbs {
		jbs[i] = NewJitterBuffer(3)
	}
	pcm := frameOf(1000, FrameSamples)
	out := make([]int16, FrameSamples)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		c, tick := i%calls, uint32(i/calls)
		jbs[c].Push(tick*FrameSamples, pcm)
		jbs[c].Pop(out)
	}
}
