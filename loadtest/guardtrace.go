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
	// reserveAt, commitAt: when the Reserve and the Commit were called
	reserveAt, commitAt time.Time
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
	var rs, cs opParts
	for _, t := range ts {
		rs.add(t.reserveAt, t.reserveCall, t.reserve)
		if t.commitCall >= 0 {
			cs.add(t.commitAt, t.commitCall, t.commit)
		}
	}
	fmt.Fprintf(&b, "                      reserve p50/p90/p99/max ms: %s\n", rs.String())
	fmt.Fprintf(&b, "                      commit  p50/p90/p99/max ms: %s\n", cs.String())
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
	n, commits            int
	total, queue, gcPause time.Duration
	reserve, commit       opSums
}

// opSums adds up one kind of guard operation's traces (reservations or
// commits).
type opSums struct {
	call, wait, batch, ops, rt, sync time.Duration
	disk                             time.Duration // SQLite's WAL fdatasync alone
	trips                            [4]time.Duration
	tripsN                           int
}

func (o *opSums) add(call time.Duration, t compliance.OpTrace) {
	o.call += call
	o.wait, o.batch, o.ops = o.wait+t.Wait, o.batch+t.Batch, o.ops+time.Duration(t.Ops)
	o.sync += t.Store.Commit + t.Store.Sync + t.Store.Queued
	o.disk += t.Store.Sync
	for i, rt := range t.Store.RoundTrips {
		o.rt += rt
		if i < len(o.trips) {
			o.trips[i] += rt
		}
	}
	o.tripsN += len(t.Store.RoundTrips)
}

func (s *traceSums) add(t decisionTrace, gc *gcWindow) {
	s.n++
	s.total += t.end.Sub(t.start)
	s.queue += t.end.Sub(t.start) - t.reserveCall - max(0, t.commitCall)
	s.gcPause += gc.pauseIn(t.start, t.end)
	s.reserve.add(t.reserveCall, t.reserve)
	if t.commitCall < 0 {
		return
	}
	s.commits++
	s.commit.add(t.commitCall, t.commit)
}

// meanMS is d over n decisions, in ms, as the trace prints it.
func meanMS(d time.Duration, n int) string {
	return fmt.Sprintf("%.2f", durMS(d/time.Duration(max(1, n))))
}

// bracket is the operation's means over n operations: its lane wait, its
// batch and what the batch spent its time on.
func (o opSums) bracket(n int) string {
	var parts []string
	for _, d := range o.trips {
		if d > 0 {
			parts = append(parts, meanMS(d, n))
		}
	}
	return fmt.Sprintf("[wait %s, batch %s (%.1f ops; round trips %.1f: %s; sqlite commit+sync+queued %s, of it fdatasync %s; go %s)]",
		meanMS(o.wait, n), meanMS(o.batch, n), float64(o.ops)/float64(max(1, n)),
		float64(o.tripsN)/float64(max(1, n)), strings.Join(parts, "+"), meanMS(o.sync, n), meanMS(o.disk, n), meanMS(o.batch-o.rt-o.sync, n))
}

func (s traceSums) String() string {
	return fmt.Sprintf("total %s = queue %s + reserve %s %s + commit %s of %d%% %s; gc pauses inside %s",
		meanMS(s.total, s.n), meanMS(s.queue, s.n), meanMS(s.reserve.call, s.n), s.reserve.bracket(s.n),
		meanMS(s.commit.call, s.n), 100*s.commits/max(1, s.n), s.commit.bracket(s.commits), meanMS(s.gcPause, s.n))
}

// opParts are the parts of one kind of operation's time, each kept whole
// for its percentiles: the wait for the lane's running batch, the group
// commit's queue (SQLite), the batch's statements and Go work, its
// COMMIT, the wait for the WAL's sync (its own or, off the writer, the
// one it was answered by), and the rest of the call (waking the caller).
type opParts struct {
	wait, queued, exec, commit, sync, rest []time.Duration
}

func (p *opParts) add(at time.Time, call time.Duration, t compliance.OpTrace) {
	sync := t.Store.Sync // waited inside the batch
	batch := t.Batch
	if !t.Synced.IsZero() {
		sync = max(0, t.Synced.Sub(at.Add(t.Wait+t.Batch)))
		batch += sync
	}
	p.wait = append(p.wait, t.Wait)
	p.queued = append(p.queued, t.Store.Queued)
	p.exec = append(p.exec, max(0, t.Batch-t.Store.Queued-t.Store.Commit-t.Store.Sync))
	p.commit = append(p.commit, t.Store.Commit)
	p.sync = append(p.sync, sync)
	p.rest = append(p.rest, max(0, call-t.Wait-batch))
}

func (p opParts) String() string {
	q := func(ds []time.Duration) string {
		if len(ds) == 0 {
			return "-"
		}
		ds = slices.Clone(ds)
		slices.Sort(ds)
		return fmt.Sprintf("%.2f/%.2f/%.2f/%.2f", durMS(quantile(ds, 0.5)), durMS(quantile(ds, 0.9)), durMS(quantile(ds, 0.99)), durMS(ds[len(ds)-1]))
	}
	return fmt.Sprintf("lane wait %s  group-commit queue %s  statements+go %s  COMMIT %s  sync %s  wake %s",
		q(p.wait), q(p.queued), q(p.exec), q(p.commit), q(p.sync), q(p.rest))
}
