package loadtest

import (
	"fmt"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/dozvon/dozvon/compliance"
)

// decisionTrace is where one decision of `bench guard --trace-slow` spent
// its time: its Reserve's and its Commit's way through the guard's group
// commit (compliance.OpTrace), and when it ran, to find the GC pauses
// inside it.
type decisionTrace struct {
	start, end  time.Time // offered, done
	reserve     compliance.OpTrace
	commit      compliance.OpTrace
	reserveCall time.Duration
	commitCall  time.Duration // -1: none
}

// gcWindow is the process's GC figures over a stage (runtime.MemStats read
// before and after it: two stops of the world per stage, not per decision).
type gcWindow struct {
	before, after runtime.MemStats
}

func (w *gcWindow) start() { runtime.ReadMemStats(&w.before) }
func (w *gcWindow) stop()  { runtime.ReadMemStats(&w.after) }

// pauseIn sums the GC pauses (of the last 256) that overlap [from, to].
func (w *gcWindow) pauseIn(from, to time.Time) time.Duration {
	var sum time.Duration
	n := w.after.NumGC - w.before.NumGC
	for i := uint32(0); i < min(n, 256); i++ {
		k := (w.after.NumGC - 1 - i) % 256
		end := time.Unix(0, int64(w.after.PauseEnd[k]))
		p := time.Duration(w.after.PauseNs[k])
		if end.After(from) && end.Add(-p).Before(to) {
			sum += minTime(end, to).Sub(maxTime(end.Add(-p), from))
		}
	}
	return sum
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// traceReport prints where the time of a stage's decisions went: the
// slowest 1 % (at or above p99) beside all of them, as means in ms.
func traceReport(ts []decisionTrace, n int, gc *gcWindow) string {
	if len(ts) == 0 {
		return ""
	}
	lat := func(t decisionTrace) time.Duration { return t.end.Sub(t.start) }
	slices.SortFunc(ts, func(a, b decisionTrace) int { return int(lat(a) - lat(b)) })
	slow := ts[int(float64(len(ts)-1)*0.99):]
	var b strings.Builder
	gcs := gc.after.NumGC - gc.before.NumGC
	fmt.Fprintf(&b, "                      gc: %d cycles, pauses %.2f ms in all, max %.2f ms, %.1f KiB allocated per decision\n",
		gcs, durMS(time.Duration(gc.after.PauseTotalNs-gc.before.PauseTotalNs)), durMS(maxPause(gc)), float64(gc.after.TotalAlloc-gc.before.TotalAlloc)/1024/float64(max(1, n)))
	for _, set := range []struct {
		name string
		ts   []decisionTrace
	}{{"all", ts}, {"slowest 1%", slow}} {
		var s traceSums
		for _, t := range set.ts {
			s.add(t, gc)
		}
		fmt.Fprintf(&b, "                      %-10s (%4d) mean ms: %s\n", set.name, len(set.ts), s.String())
	}
	return strings.TrimRight(b.String(), "\n")
}

func maxPause(gc *gcWindow) time.Duration {
	var m time.Duration
	n := gc.after.NumGC - gc.before.NumGC
	for i := uint32(0); i < min(n, 256); i++ {
		m = max(m, time.Duration(gc.after.PauseNs[(gc.after.NumGC-1-i)%256]))
	}
	return m
}

// traceSums adds up decisions' traces.
type traceSums struct {
	n, commits                      int
	total, queue, gcPause           time.Duration
	rWait, rBatch, rOps, rRT, rSync time.Duration
	cWait, cBatch, cOps, cRT, cSync time.Duration
	rDisk, cDisk                    time.Duration // SQLite's WAL fdatasync alone
	rCall, cCall                    time.Duration
	rTrips, cTrips                  [4]time.Duration
	rTripsN, cTripsN                int
}

func (s *traceSums) add(t decisionTrace, gc *gcWindow) {
	s.n++
	s.total += t.end.Sub(t.start)
	s.queue += t.end.Sub(t.start) - t.reserveCall - max(0, t.commitCall)
	s.gcPause += gc.pauseIn(t.start, t.end)
	s.rCall += t.reserveCall
	s.rWait, s.rBatch, s.rOps = s.rWait+t.reserve.Wait, s.rBatch+t.reserve.Batch, s.rOps+time.Duration(t.reserve.Ops)
	s.rSync += t.reserve.Store.Commit + t.reserve.Store.Sync + t.reserve.Store.Queued
	s.rDisk += t.reserve.Store.Sync
	for i, rt := range t.reserve.Store.RoundTrips {
		s.rRT += rt
		if i < len(s.rTrips) {
			s.rTrips[i] += rt
		}
	}
	s.rTripsN += len(t.reserve.Store.RoundTrips)
	if t.commitCall < 0 {
		return
	}
	s.commits++
	s.cCall += t.commitCall
	s.cWait, s.cBatch, s.cOps = s.cWait+t.commit.Wait, s.cBatch+t.commit.Batch, s.cOps+time.Duration(t.commit.Ops)
	s.cSync += t.commit.Store.Commit + t.commit.Store.Sync + t.commit.Store.Queued
	s.cDisk += t.commit.Store.Sync
	for i, rt := range t.commit.Store.RoundTrips {
		s.cRT += rt
		if i < len(s.cTrips) {
			s.cTrips[i] += rt
		}
	}
	s.cTripsN += len(t.commit.Store.RoundTrips)
}

func (s traceSums) String() string {
	m := func(d time.Duration, n int) string { return fmt.Sprintf("%.2f", durMS(d/time.Duration(max(1, n)))) }
	trips := func(ts [4]time.Duration, n int) string {
		var parts []string
		for _, d := range ts {
			if d > 0 {
				parts = append(parts, m(d, n))
			}
		}
		return strings.Join(parts, "+")
	}
	out := fmt.Sprintf("total %s = queue %s + reserve %s [wait %s, batch %s (%.1f ops; round trips %.1f: %s; sqlite commit+sync+queued %s, of it fdatasync %s; go %s)]",
		m(s.total, s.n), m(s.queue, s.n), m(s.rCall, s.n), m(s.rWait, s.n), m(s.rBatch, s.n), float64(s.rOps)/float64(max(1, s.n)),
		float64(s.rTripsN)/float64(max(1, s.n)), trips(s.rTrips, s.n), m(s.rSync, s.n), m(s.rDisk, s.n), m(s.rBatch-s.rRT-s.rSync, s.n))
	out += fmt.Sprintf(" + commit %s of %d%% [wait %s, batch %s (%.1f ops; round trips %.1f: %s; sqlite commit+sync+queued %s, of it fdatasync %s; go %s)]; gc pauses inside %s",
		m(s.cCall, s.n), 100*s.commits/max(1, s.n), m(s.cWait, s.commits), m(s.cBatch, s.commits), float64(s.cOps)/float64(max(1, s.commits)),
		float64(s.cTripsN)/float64(max(1, s.commits)), trips(s.cTrips, s.commits), m(s.cSync, s.commits), m(s.cDisk, s.commits), m(s.cBatch-s.cRT-s.cSync, s.commits), m(s.gcPause, s.n))
	return out
}
