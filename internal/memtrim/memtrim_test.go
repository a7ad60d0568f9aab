package memtrim

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestTrimsOncePerQuietSpell feeds the watcher a scripted load, one look a
// second, and checks at which looks it trims.
func TestTrimsOncePerQuietSpell(t *testing.T) {
	tests := []struct {
		name  string
		busy  []int // calls in flight at each look
		trims []int // looks at which a trim is due
	}{
		{name: "never busy, never trimmed", busy: []int{0, 0, 0, 0, 0, 0, 0, 0, 0, 0}},
		{name: "trims at three and six quiet seconds", busy: []int{5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, trims: []int{4, 7}},
		{name: "busy again before quiet resets the wait", busy: []int{5, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0}, trims: []int{7, 10}},
		{name: "busy between the marks starts over", busy: []int{1, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0}, trims: []int{4, 9, 12}},
		{name: "nothing more once past the last mark", busy: []int{1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, trims: []int{4, 7}},
		{name: "still busy, never trimmed", busy: []int{1, 2, 3, 4, 5, 6}},
	}
	start := time.Date(2026, 12, 6, 3, 0, 0, 0, time.UTC)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := watcher{quiet: []time.Duration{3 * time.Second, 6 * time.Second}, next: 2}
			var got []int
			for i, b := range tt.busy {
				if w.look(start.Add(time.Duration(i)*time.Second), b) {
					got = append(got, i)
				}
			}
			if !slices.Equal(got, tt.trims) {
				t.Errorf("trimmed at looks %v, want %v", got, tt.trims)
			}
		})
	}
}

// TestRunTrimsAfterCallsEnd runs the real loop on a short clock: calls run,
// the loop sees them, they end, and one trim follows; it returns when its
// context ends.
func TestRunTrimsAfterCallsEnd(t *testing.T) {
	var busy atomic.Int64
	busy.Store(3)
	sawBusy := make(chan struct{})
	var once sync.Once
	trimmed := make(chan struct{}, 8)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() {
		defer close(done)
		Run(ctx, Config{Busy: func() int {
			n := int(busy.Load())
			if n > 0 {
				once.Do(func() { close(sawBusy) })
			}
			return n
		}, Quiet: []time.Duration{20 * time.Millisecond}, Every: 5 * time.Millisecond, Trim: func() { trimmed <- struct{}{} }})
	}()
	<-sawBusy // the loop has seen the calls (on a loaded machine its first tick may come late)
	select {
	case <-trimmed:
		t.Fatal("trimmed while calls were in flight")
	default:
	}
	busy.Store(0)
	select {
	case <-trimmed:
	case <-time.After(30 * time.Second):
		t.Fatal("no trim after the calls ended")
	}
	cancel()
	<-done
}
