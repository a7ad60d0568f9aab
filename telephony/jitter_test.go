package telephony

import "testing"

func frameOf(v int16) []int16 {
	f := make([]int16, frameSamples)
	for i := range f {
		f[i] = v
	}
	return f
}

func TestJitterBufferOrdering(t *testing.T) {
	tests := []struct {
		name      string
		arrivals  [][]uint16 // packets arriving before each tick
		wantPlay  []int16    // first sample value per tick (seq value, or 0 silence)
		wantLost  int
		wantLate  int
	}{
		{
			name:     "in order",
			arrivals: [][]uint16{{1}, {2}, {3}},
			wantPlay: []int16{1, 2, 3},
		},
		{
			name:     "swapped pair is reordered",
			arrivals: [][]uint16{{1}, {3}, {2}, {4}},
			wantPlay: []int16{1, 0, 2, 3},
		},
		{
			name:     "a loss is skipped once depth frames wait",
			arrivals: [][]uint16{{1}, {3}, {4}, {5}},
			wantPlay: []int16{1, 0, 3, 4},
			wantLost: 1,
		},
		{
			name:     "late frame is dropped",
			arrivals: [][]uint16{{1}, {2}, {1}, {3}},
			wantPlay: []int16{1, 2, 0, 3},
			wantLate: 1,
		},
		{
			name:     "sequence wrap-around",
			arrivals: [][]uint16{{65534}, {65535}, {0}, {1}},
			wantPlay: []int16{-2, -1, 0, 1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			j := newJitterBuffer(2)
			out := make([]int16, frameSamples)
			for i, arr := range tt.arrivals {
				for _, seq := range arr {
					j.push(seq, frameOf(int16(seq)))
				}
				j.pop(out)
				if out[0] != tt.wantPlay[i] {
					t.Fatalf("tick %d: played %d, want %d", i, out[0], tt.wantPlay[i])
				}
			}
			if j.lost != tt.wantLost || j.late != tt.wantLate {
				t.Fatalf("lost=%d late=%d, want lost=%d late=%d", j.lost, j.late, tt.wantLost, tt.wantLate)
			}
		})
	}
}

func TestJitterBufferBoundsLatency(t *testing.T) {
	j := newJitterBuffer(2)
	out := make([]int16, frameSamples)
	for seq := uint16(0); seq < 40; seq++ { // a burst of 40 frames at once
		j.push(seq, frameOf(int16(seq)))
	}
	j.pop(out)
	if j.queued > 2*2+4 {
		t.Fatalf("queue holds %d frames after a burst, want it bounded", j.queued)
	}
	if j.overflow == 0 {
		t.Fatal("burst did not count overflow drops")
	}
}
