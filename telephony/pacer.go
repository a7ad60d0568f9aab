package telephony

import (
	"context"
	"runtime"
	"sync"
	"time"
)

// pacer runs the 20 ms media ticks of many calls on a few goroutines, one
// per core, instead of a goroutine and a timer per call. At hundreds of
// calls the per-call design wakes the scheduler 50 times a second per call
// (bench calls profile: 14 % of the robot's CPU in the Go scheduler, and
// send lateness spikes when hundreds of timers fire at once); a shard wakes
// once per tick and sends every one of its calls' frames in a burst, each
// call always at the same offset in the burst, so the far end sees steady
// 20 ms spacing. A call joins the least loaded shard when it starts and
// leaves it when its step reports the end; the call's finish (recording
// close, BYE) runs on its own goroutine so one slow hang-up never delays
// the other calls' audio.
type pacer struct {
	shards []*shard
}

type shard struct {
	mu    sync.Mutex
	calls []pacedCall
	wake  chan struct{}
}

type pacedCall struct {
	c  *Call
	st *loopState
}

func newPacer(ctx context.Context, n int) *pacer {
	if n <= 0 {
		n = runtime.GOMAXPROCS(0)
	}
	p := &pacer{}
	for i := 0; i < n; i++ {
		s := &shard{wake: make(chan struct{}, 1)}
		p.shards = append(p.shards, s)
		go s.run(ctx)
	}
	return p
}

// add puts c on the least loaded shard.
func (p *pacer) add(c *Call) {
	best := p.shards[0]
	bestN := -1
	for _, s := range p.shards {
		s.mu.Lock()
		n := len(s.calls)
		s.mu.Unlock()
		if bestN < 0 || n < bestN {
			best, bestN = s, n
		}
	}
	best.mu.Lock()
	best.calls = append(best.calls, pacedCall{c: c, st: c.newLoopState()})
	best.mu.Unlock()
	select {
	case best.wake <- struct{}{}:
	default:
	}
}

func (s *shard) run(ctx context.Context) {
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	var start time.Time
	var tick int64
	var batch []pacedCall
	for {
		s.mu.Lock()
		empty := len(s.calls) == 0
		s.mu.Unlock()
		if empty {
			select {
			case <-s.wake:
				start, tick = time.Now(), 0
				continue
			case <-ctx.Done():
				return
			}
		}
		due := start.Add(time.Duration(tick) * FrameDuration)
		if wait := time.Until(due); wait > 0 {
			timer.Reset(wait)
			select {
			case <-timer.C:
			case <-ctx.Done():
				s.endAll()
				return
			}
		} else if -wait > 10*FrameDuration { // a stall (overload): re-anchor rather than burst
			start = time.Now().Add(-time.Duration(tick) * FrameDuration)
			due = start.Add(time.Duration(tick) * FrameDuration)
		}
		s.mu.Lock()
		batch = append(batch[:0], s.calls...)
		s.mu.Unlock()
		var ended []*Call
		for _, pc := range batch {
			if !pc.c.safeStep(pc.st, due) {
				ended = append(ended, pc.c)
			}
		}
		if len(ended) > 0 {
			s.remove(ended)
			for _, c := range ended {
				go c.finish()
			}
		}
		tick++
	}
}

func (s *shard) remove(ended []*Call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	kept := s.calls[:0]
	for _, pc := range s.calls {
		gone := false
		for _, c := range ended {
			if pc.c == c {
				gone = true
				break
			}
		}
		if !gone {
			kept = append(kept, pc)
		}
	}
	clear(s.calls[len(kept):])
	s.calls = kept
}

// endAll finishes every call when the UA shuts down.
func (s *shard) endAll() {
	s.mu.Lock()
	calls := s.calls
	s.calls = nil
	s.mu.Unlock()
	for _, pc := range calls {
		pc.c.endReason.CompareAndSwap(nil, "local")
		go pc.c.finish()
	}
}
