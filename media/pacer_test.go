package media

import (
	"context"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"weak"
)

// countingStream is a test double for a call's media loop: it ends itself
// after `steps` ticks (never, when steps is 0) and reports its Finish.
type countingStream struct {
	steps    int64
	stepped  atomic.Int64
	lastDue  atomic.Int64 // UnixNano of the last due time
	ticksBad atomic.Bool  // a due time that did not advance by one frame
	early    atomic.Bool  // a due time before the pacer existed (an unanchored clock)
	created  time.Time
	finished chan bool
}

func newCountingStream(steps int64, created time.Time) *countingStream {
	return &countingStream{steps: steps, created: created, finished: make(chan bool, 2)}
}

func (s *countingStream) Step(due time.Time) bool {
	if prev := s.lastDue.Swap(due.UnixNano()); prev != 0 && due.UnixNano()-prev < int64(FrameDuration) {
		s.ticksBad.Store(true)
	}
	if due.Before(s.created) {
		s.early.Store(true)
	}
	n := s.stepped.Add(1)
	return s.steps == 0 || n < s.steps
}

func (s *countingStream) Finish(shutdown bool) { s.finished <- shutdown }

// TestPacerStepsAndFinishes: a stream that ends is removed and finished
// once with shutdown=false after exactly its ticks; streams still running
// when the context ends are finished with shutdown=true. Only ordering is
// asserted, never how long anything took.
func TestPacerStepsAndFinishes(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	created := time.Now()
	p := NewPacer(ctx, 2)
	ending := newCountingStream(5, created)
	running := []*countingStream{newCountingStream(0, created), newCountingStream(0, created), newCountingStream(0, created)}
	p.Add(ending)
	for _, s := range running {
		p.Add(s)
	}
	if shutdown := <-ending.finished; shutdown {
		t.Error("a stream that ended itself was finished as a shutdown")
	}
	if n := ending.stepped.Load(); n != 5 {
		t.Errorf("the ending stream was stepped %d times, want 5 (none after its end)", n)
	}
	if ending.ticksBad.Load() {
		t.Error("due times did not advance a frame per tick")
	}
	if ending.early.Load() {
		t.Error("a tick was due before the pacer was created: its clock was not anchored")
	}
	cancel()
	for i, s := range running {
		if shutdown := <-s.finished; !shutdown {
			t.Errorf("running stream %d: finished with shutdown=false on the pacer's end", i)
		}
	}
	select {
	case <-ending.finished:
		t.Error("the ended stream was finished twice")
	default:
	}
}

// finishOnlyStream ends at its first step and signals its Finish; it
// carries a payload so a leak of it is a leak of memory, as a call's is.
type finishOnlyStream struct {
	payload  []byte
	finished chan struct{}
}

func (s *finishOnlyStream) Step(time.Time) bool { return false }
func (s *finishOnlyStream) Finish(bool)         { close(s.finished) }

// TestPacerForgetsEndedStreams: once a stream has ended and been finished,
// nothing in the pacer may still reach it — a shard that goes idle after a
// wave of calls used to keep the whole wave (recorders, buffers) alive in
// its reused batch slice, and serve's memory grew wave after wave.
func TestPacerForgetsEndedStreams(t *testing.T) {
	p := NewPacer(t.Context(), 1)
	var gone []weak.Pointer[finishOnlyStream]
	var finished []chan struct{}
	for range 50 {
		s := &finishOnlyStream{payload: make([]byte, 64<<10), finished: make(chan struct{})}
		gone = append(gone, weak.Make(s))
		finished = append(finished, s.finished)
		p.Add(s)
	}
	for _, f := range finished {
		<-f
	}
	// The Finish goroutines have closed their channels; let them return
	// before looking, since a running one still holds its stream.
	deadline := time.Now().Add(10 * time.Second)
	for {
		runtime.GC()
		alive := 0
		for _, w := range gone {
			if w.Value() != nil {
				alive++
			}
		}
		if alive == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d ended streams are still reachable after the pacer went idle", alive, len(gone))
		}
		runtime.Gosched()
		time.Sleep(10 * time.Millisecond)
	}
}

// phasedStream is a test double for a call's media loop split in two
// (PostStepper): it logs its Steps and PostSteps, ends at step endStep or
// at post endPost (0: never).
type phasedStream struct {
	name             string
	endStep, endPost int
	steps, posts     int
	log              *phaseLog
	finished         chan bool
}

type phaseEntry struct {
	name string
	post bool
	due  time.Time
}

type phaseLog struct {
	mu      sync.Mutex
	entries []phaseEntry
	due     time.Time // the tick the last Step ran in
}

func (s *phasedStream) Step(due time.Time) bool {
	s.steps++
	s.log.mu.Lock()
	s.log.entries = append(s.log.entries, phaseEntry{name: s.name, due: due})
	s.log.due = due
	s.log.mu.Unlock()
	return s.endStep == 0 || s.steps < s.endStep
}

func (s *phasedStream) PostStep() bool {
	s.posts++
	s.log.mu.Lock()
	s.log.entries = append(s.log.entries, phaseEntry{name: s.name, post: true, due: s.log.due})
	s.log.mu.Unlock()
	return s.endPost == 0 || s.posts < s.endPost
}

func (s *phasedStream) Finish(shutdown bool) { s.finished <- shutdown }

// TestPacerPostStepsAfterEveryStep: within a tick, a shard runs every
// stream's Step before any PostStep (a call's send never waits on another
// call's frame work); a stream whose Step ended it gets no PostStep, and
// one whose PostStep reports the end is stepped no more and finished once.
func TestPacerPostStepsAfterEveryStep(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	log := &phaseLog{}
	p := NewPacer(ctx, 1)
	a := &phasedStream{name: "a", log: log, finished: make(chan bool, 2)}
	b := &phasedStream{name: "b", endPost: 3, log: log, finished: make(chan bool, 2)}
	c := &phasedStream{name: "c", endStep: 2, log: log, finished: make(chan bool, 2)}
	p.Add(a)
	p.Add(b)
	p.Add(c)
	for _, s := range []*phasedStream{b, c} {
		if shutdown := <-s.finished; shutdown {
			t.Errorf("%s: finished as a shutdown, want its own end", s.name)
		}
	}
	cancel()
	<-a.finished

	log.mu.Lock()
	defer log.mu.Unlock()
	stepsOf, postsOf := map[string]int{}, map[string]int{}
	posted := map[time.Time]bool{}
	stepped := map[time.Time]map[string]bool{}
	for _, e := range log.entries {
		if e.post {
			postsOf[e.name]++
			posted[e.due] = true
			if !stepped[e.due][e.name] {
				t.Errorf("%s post-stepped in the tick due %v without a step in it", e.name, e.due)
			}
			if e.name == "c" && stepsOf["c"] >= 2 {
				t.Error("c was post-stepped after its Step reported the end")
			}
			continue
		}
		stepsOf[e.name]++
		if posted[e.due] {
			t.Errorf("%s stepped in the tick due %v after a post-step of that tick", e.name, e.due)
		}
		if stepped[e.due] == nil {
			stepped[e.due] = map[string]bool{}
		}
		stepped[e.due][e.name] = true
	}
	if stepsOf["b"] != 3 || postsOf["b"] != 3 {
		t.Errorf("b: %d steps and %d post-steps, want 3 and 3 (none after its post-step ended it)", stepsOf["b"], postsOf["b"])
	}
	if stepsOf["c"] != 2 || postsOf["c"] != 1 {
		t.Errorf("c: %d steps and %d post-steps, want 2 and 1", stepsOf["c"], postsOf["c"])
	}
	select {
	case <-b.finished:
		t.Error("b was finished twice")
	case <-c.finished:
		t.Error("c was finished twice")
	default:
	}
}

// receivingStream is a phasedStream that also reads its input (Receiver):
// its Receive logs an entry with the zero due time, then counts.
type receivingStream struct {
	phasedStream
	receives int
}

func (s *receivingStream) Receive() {
	s.receives++
	s.log.mu.Lock()
	s.log.entries = append(s.log.entries, phaseEntry{name: s.name + ".rx"})
	s.log.mu.Unlock()
}

// TestPacerReceivesBeforeEveryStep: within a tick, a shard runs every
// Receiver's Receive before any stream's Step, so each tick plays out what
// arrived up to it, and a stream that ended is read no more.
func TestPacerReceivesBeforeEveryStep(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	log := &phaseLog{}
	p := NewPacer(ctx, 1)
	a := &receivingStream{phasedStream: phasedStream{name: "a", endStep: 4, log: log, finished: make(chan bool, 1)}}
	b := &receivingStream{phasedStream: phasedStream{name: "b", endStep: 4, log: log, finished: make(chan bool, 1)}}
	p.Add(a)
	p.Add(b)
	<-a.finished
	<-b.finished
	cancel()

	log.mu.Lock()
	defer log.mu.Unlock()
	// The two joined a shard that may have ticked between the Adds: take
	// the ticks from the first one in which both were read.
	var ticks [][]string
	var cur []string
	for _, e := range log.entries {
		name := e.name
		if e.post {
			name += ".post"
		}
		if strings.HasSuffix(name, ".rx") && len(cur) > 0 && !strings.HasSuffix(cur[len(cur)-1], ".rx") {
			ticks = append(ticks, cur)
			cur = nil
		}
		cur = append(cur, name)
	}
	ticks = append(ticks, cur)
	want := "a.rx b.rx a b a.post b.post"
	both := 0
	for _, tk := range ticks {
		got := strings.Join(tk, " ")
		if len(tk) < 6 {
			continue // a tick with one stream only, or the last with its end
		}
		both++
		if got != want && got != "a.rx b.rx a b" {
			t.Errorf("tick %q, want %q", got, want)
		}
	}
	if both == 0 {
		t.Fatalf("no tick ran both streams: %v", ticks)
	}
	if a.receives != 4 || b.receives != 4 {
		t.Errorf("receives a %d, b %d, want 4 each (one per step)", a.receives, b.receives)
	}
}
