package loadtest

import (
	"runtime/metrics"
	"syscall"
)

// schedSnap is what the Go scheduler, the GC and the kernel say about the
// robot process at one moment; two of them give a run's wake-ups and GC
// CPU (schedDelta).
type schedSnap struct {
	// runnable→running transitions the runtime timed: it times one in
	// gTrackingPeriod (8) of each goroutine's, so ×8 is the number of
	// times a goroutine was put on a P, each a wake-up or a preemption
	created    uint64 // goroutines created
	tracked    uint64
	gcCPU      float64 // seconds, /cpu/classes/gc/total (an overestimate: GOMAXPROCS × pauses)
	userCPU    float64 // seconds, /cpu/classes/user
	nvcsw      int64   // voluntary context switches of the process's threads (futex sleeps, blocking syscalls)
	nivcsw     int64   // involuntary ones (the kernel took the core away)
	heapGoalMB float64
}

// gTrackingPeriod is the runtime's sampling of scheduling latencies
// (runtime/proc.go): /sched/latencies counts one transition in 8.
const gTrackingPeriod = 8

var schedMetrics = []string{
	"/sched/goroutines-created:goroutines",
	"/sched/latencies:seconds",
	"/cpu/classes/gc/total:cpu-seconds",
	"/cpu/classes/user:cpu-seconds",
	"/gc/heap/goal:bytes",
}

func readSched() schedSnap {
	s := make([]metrics.Sample, len(schedMetrics))
	for i, n := range schedMetrics {
		s[i].Name = n
	}
	metrics.Read(s)
	var out schedSnap
	if s[0].Value.Kind() == metrics.KindUint64 {
		out.created = s[0].Value.Uint64()
	}
	if s[1].Value.Kind() == metrics.KindFloat64Histogram {
		for _, c := range s[1].Value.Float64Histogram().Counts {
			out.tracked += c
		}
	}
	if s[2].Value.Kind() == metrics.KindFloat64 {
		out.gcCPU = s[2].Value.Float64()
	}
	if s[3].Value.Kind() == metrics.KindFloat64 {
		out.userCPU = s[3].Value.Float64()
	}
	if s[4].Value.Kind() == metrics.KindUint64 {
		out.heapGoalMB = float64(s[4].Value.Uint64()) / (1 << 20)
	}
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		out.nvcsw, out.nivcsw = ru.Nvcsw, ru.Nivcsw
	}
	return out
}

// schedDelta puts the run's scheduler and GC figures on res, per
// call-second of media where that is the useful unit.
func schedDelta(res *FullResult, a, b schedSnap) {
	callSec := float64(res.OutFramesSent) / 50
	if callSec <= 0 {
		return
	}
	res.SchedRunsPerCallSecond = float64((b.tracked-a.tracked)*gTrackingPeriod) / callSec
	res.GoroutinesCreatedPerCallSecond = float64(b.created-a.created) / callSec
	res.ThreadSleepsPerCallSecond = float64(b.nvcsw-a.nvcsw) / callSec
	res.ThreadPreemptsPerCallSecond = float64(b.nivcsw-a.nivcsw) / callSec
	res.GCCPUSeconds = b.gcCPU - a.gcCPU
	if user := b.userCPU - a.userCPU; user+res.GCCPUSeconds > 0 {
		res.GCSharePercent = 100 * res.GCCPUSeconds / (user + res.GCCPUSeconds)
	}
	res.HeapGoalMiB = b.heapGoalMB
}
