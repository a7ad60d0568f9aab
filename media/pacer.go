package media

import (
	"context"
	"runtime"
	"sync"
	"time"
)

// Stream is one clocked media stream (a call's media loop) driven by a Pacer.
type Stream interface {
	// Step runs one 20 ms tick due at due and reports false once the stream
	// has ended. It runs on the pacer's goroutine beside other streams: it must
	// be quick, must not block, and must not panic.
	Step(due time.Time) bool
	// Finish runs once, on a goroutine of its own, after Step has reported
	// the end (shutdown false) or the pacer's context was cancelled (shutdown
	// true). Slow work such as closing a recording or sending BYE goes here.
	Finish(shutdown bool)
}

// PostStepper is a Stream whose tick has a second part: the pacer runs
// Step for every stream of a shard first, then PostStep for each that is
// still running. Step should do only what is clocked (send the frame);
// PostStep the rest of the frame's work (recording, the robot's analysis).
// Then a call's send sits at the same offset in the shard's burst whatever
// the calls before it had to analyse in that frame: the far end's jitter no
// longer carries the other calls' work. PostStep reports false once the
// stream has ended; the same rules as Step's apply (quick, no blocking, no panic).
type PostStepper interface {
	Stream
	PostStep() bool
}

// Receiver is a Stream that reads its own input: the pacer calls Receive
// for every stream of a shard at the start of each tick, before any
// stream's Step, so a tick plays out what arrived up to it and the reads
// cost no goroutine wake of their own. The same rules as Step's apply
// (quick, no blocking, no panic).
type Receiver interface {
	Stream
	Receive()
}

// Pacer runs the 20 ms media ticks of many calls on a few goroutines, one
// per core, instead of a goroutine and a timer per call. At hundreds of
// calls the per-call design wakes the scheduler 50 times a second per call
// (bench calls profile: 14 % of the robot's CPU in the Go scheduler, and
// send lateness spikes when hundreds of timers fire at once); a shard wakes
// once per tick and sends every one of its calls' frames in a burst, each
// call always at the same offset in the burst, so the far end sees steady
// 20 ms spacing; the frames' other work follows the burst (PostStepper). A call joins the least loaded shard when it starts and
// leaves it when its step reports the end; the call's finish (recording
// close, BYE) runs on its own goroutine so one slow hang-up never delays
// the other calls' audio.
type Pacer struct {
	shards []*shard
}

type shard struct {
	mu      sync.Mutex
	streams []Stream
	wake    chan struct{}
}

// NewPacer starts n shards (n ≤ 0: one per GOMAXPROCS) that run until ctx
// is cancelled; then every stream still on them is finished.
func NewPacer(ctx context.Context, n int) *Pacer {
	if n <= 0 {
		n = runtime.GOMAXPROCS(0)
	}
	p := &Pacer{}
	for i := 0; i < n; i++ {
		s := &shard{wake: make(chan struct{}, 1)}
		p.shards = append(p.shards, s)
		go s.run(ctx)
	}
	return p
}

// Add puts st on the least loaded shard, which steps it from its next tick.
// st must be comparable (a pointer): the shard finds it again by ==.
func (p *Pacer) Add(st Stream) {
	best := p.shards[0]
	bestN := -1
	for _, s := range p.shards {
		s.mu.Lock()
		n := len(s.streams)
		s.mu.Unlock()
		if bestN < 0 || n < bestN {
			best, bestN = s, n
		}
	}
	best.mu.Lock()
	best.streams = append(best.streams, st)
	best.mu.Unlock()
	select {
	case best.wake <- struct{}{}:
	default:
	}
}

func (s *shard) run(ctx context.Context) {
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	// A stream may be added before this goroutine first looks (its wake
	// token then stays unread): the clock must already be anchored, or a
	// zero start makes every tick overdue and the shard spins.
	start := time.Now()
	var tick int64
	var batch []Stream
	for {
		s.mu.Lock()
		empty := len(s.streams) == 0
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
		} else {
			// Overdue: the context must still end the shard, which would
			// otherwise only be seen while waiting.
			select {
			case <-ctx.Done():
				s.endAll()
				return
			default:
			}
			if -wait > 10*FrameDuration { // a stall (overload): re-anchor rather than burst
				start = time.Now().Add(-time.Duration(tick) * FrameDuration)
				due = start.Add(time.Duration(tick) * FrameDuration)
			}
		}
		s.mu.Lock()
		batch = append(batch[:0], s.streams...)
		s.mu.Unlock()
		for _, st := range batch {
			if r, ok := st.(Receiver); ok {
				r.Receive()
			}
		}
		var ended []Stream
		running := 0
		for _, st := range batch {
			if st.Step(due) {
				batch[running] = st
				running++
			} else {
				ended = append(ended, st)
			}
		}
		for _, st := range batch[:running] {
			if ps, ok := st.(PostStepper); ok && !ps.PostStep() {
				ended = append(ended, st)
			}
		}
		// batch is reused across ticks: drop its references now, or an
		// ended call (its recorder, buffers) stays reachable from the
		// backing array until a later tick happens to overwrite the slot.
		clear(batch)
		if len(ended) > 0 {
			s.remove(ended)
			for _, st := range ended {
				go st.Finish(false)
			}
		}
		tick++
	}
}

func (s *shard) remove(ended []Stream) {
	s.mu.Lock()
	defer s.mu.Unlock()
	kept := s.streams[:0]
	for _, st := range s.streams {
		gone := false
		for _, e := range ended {
			if st == e {
				gone = true
				break
			}
		}
		if !gone {
			kept = append(kept, st)
		}
	}
	clear(s.streams[len(kept):])
	s.streams = kept
}

// endAll finishes every stream when the pacer's context ends.
func (s *shard) endAll() {
	s.mu.Lock()
	streams := s.streams
	s.streams = nil
	s.mu.Unlock()
	for _, st := range streams {
		go st.Finish(true)
	}
}
