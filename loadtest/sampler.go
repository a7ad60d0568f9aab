package loadtest

import (
	goruntime "runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dozvon/dozvon/media"
	"github.com/dozvon/dozvon/telephony"
)

// liveCalls counts the calls up and, for --timeline, keeps each one's last
// send-lateness snapshot so the sampler can take per-second deltas.
type liveCalls struct {
	n        atomic.Int64
	timeline bool
	mu       sync.Mutex
	calls    map[*telephony.Call]*media.LatenessHistogram
}

func (l *liveCalls) add(c *telephony.Call) {
	l.n.Add(1)
	if l.timeline {
		l.mu.Lock()
		l.calls[c] = &media.LatenessHistogram{}
		l.mu.Unlock()
	}
}

func (l *liveCalls) remove(c *telephony.Call) {
	l.n.Add(-1)
	if l.timeline {
		l.mu.Lock()
		delete(l.calls, c)
		l.mu.Unlock()
	}
}

// lateness merges every live call's send lateness since the last call.
func (l *liveCalls) lateness() *media.LatenessHistogram {
	sum := &media.LatenessHistogram{}
	l.mu.Lock()
	defer l.mu.Unlock()
	for c, last := range l.calls {
		now := c.Stats().SendLate
		sum.Merge(histSub(now, last))
		l.calls[c] = now
	}
	return sum
}

// sampler samples CPU, concurrency and goroutines once a second.
type sampler struct {
	n       int
	active  *liveCalls
	done    chan struct{}
	stopped chan samples
}

type samples struct {
	peakActive, peakGoroutines int
	peakCPU, plateauCPU        float64
	timeline                   []Point
}

func startSampler(n int, active *liveCalls) *sampler {
	s := &sampler{n: n, active: active, done: make(chan struct{}), stopped: make(chan samples, 1)}
	go s.run()
	return s
}

func (s *sampler) run() {
	var out samples
	var plateauCPU, plateauWall time.Duration
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	lastCPU, lastT := cpuTime(), time.Now()
	start := lastT
	for {
		select {
		case <-s.done:
			if plateauWall > 0 {
				out.plateauCPU = 100 * plateauCPU.Seconds() / plateauWall.Seconds()
			}
			s.stopped <- out
			return
		case now := <-tick.C:
			cpu := cpuTime()
			a := int(s.active.n.Load())
			dc, dt := cpu-lastCPU, now.Sub(lastT)
			lastCPU, lastT = cpu, now
			out.peakActive = max(out.peakActive, a)
			out.peakGoroutines = max(out.peakGoroutines, goruntime.NumGoroutine())
			if dt > 0 {
				out.peakCPU = max(out.peakCPU, 100*dc.Seconds()/dt.Seconds())
			}
			if s.active.timeline {
				h := s.active.lateness()
				out.timeline = append(out.timeline, Point{
					At: now.Sub(start).Seconds(), Up: a, CPUPercent: 100 * dc.Seconds() / dt.Seconds(),
					LateP99Ms: float64(h.Quantile(0.99)) / 1e6, LateMaxMs: float64(histMax(h)) / 1e6,
				})
			}
			if a*100 >= s.n*95 {
				plateauCPU += dc
				plateauWall += dt
			}
		}
	}
}

func (s *sampler) stop() samples {
	close(s.done)
	return <-s.stopped
}
