package loadtest

import (
	"os"
	"time"

	"github.com/dozvon/dozvon/compliance"
	"github.com/dozvon/dozvon/events"
	"github.com/dozvon/dozvon/media"
	"github.com/dozvon/dozvon/scheduler"
	"github.com/dozvon/dozvon/scripts"
	"github.com/dozvon/dozvon/telephony"
	"github.com/dozvon/dozvon/testcalls"
)

// FullResult is what `bench calls --full` prints (also its --json line).
type FullResult struct {
	Calls          int            `json:"calls"`
	Completed      int            `json:"completed"`
	Failed         int            `json:"failed"`
	Dropped        int            `json:"dropped"`
	Denied         int            `json:"denied"` // refused by the guard (0 expected: all calls are lawful)
	Outcomes       map[string]int `json:"outcomes"`
	EndReasons     map[string]int `json:"end_reasons"`
	FailureSamples []string       `json:"failure_samples,omitempty"`
	PeakConcurrent int            `json:"peak_concurrent"`
	Ramp           string         `json:"ramp"`
	WallSeconds    float64        `json:"wall_s"`
	Script         string         `json:"script"`
	Clock          string         `json:"guard_clock"`
	Recognizer     string         `json:"recognizer"`
	Cores          int            `json:"cores"`
	LoadBefore     string         `json:"loadavg_before"`
	LoadAfter      string         `json:"loadavg_after"`
	NoFile         uint64         `json:"nofile_limit"`

	RobotCPUPercent        float64 `json:"robot_cpu_percent"`
	RobotCPUPlateauPercent float64 `json:"robot_cpu_plateau_percent"` // seconds with ≥ 95 % of N calls up
	RobotCPUPeakPercent    float64 `json:"robot_cpu_peak_1s_percent"`
	BaseRSSMiB             float64 `json:"robot_base_rss_mib"` // before the first call
	RobotPeakRSSMiB        float64 `json:"robot_peak_rss_mib"`
	RobotPeakGoroutines    int     `json:"robot_peak_goroutines"`
	CPUPer100Calls         float64 `json:"cpu_percent_per_100_calls"` // plateau CPU × 100 / peak concurrent
	RSSPer100CallsMiB      float64 `json:"rss_mib_per_100_calls"`     // (peak − base RSS) × 100 / peak concurrent
	CalleeCPUPercent       float64 `json:"callee_cpu_percent"`
	CalleePeakRSSMiB       float64 `json:"callee_peak_rss_mib"`
	MachineBusyPercent     float64 `json:"machine_busy_percent"`

	SendLateP50Ms     float64 `json:"media_late_p50_ms"` // the robot's frames against the media clock
	SendLateP99Ms     float64 `json:"media_late_p99_ms"`
	SendLateMaxMs     float64 `json:"media_late_max_ms"`
	OutFramesSent     int64   `json:"out_frames_sent"`
	OutFramesReceived int64   `json:"out_frames_received"`
	FramesLost        int64   `json:"frames_lost"` // sequence gaps in the robot's stream at the far end
	// far-end jitter, |inter-arrival − 20 ms| of the robot's frames at the
	// simulated phones, two ways: by the phones' clock when their read
	// goroutine got the packet (user space: their own scheduling delay on
	// a busy box included), and by the kernel's arrival stamp (what a far
	// end with a CPU of its own would see)
	OutJitterP50Ms       float64 `json:"far_end_jitter_p50_ms"` // user space
	OutJitterP99Ms       float64 `json:"far_end_jitter_p99_ms"`
	OutJitterMaxMs       float64 `json:"far_end_jitter_max_ms"`
	OutKernelJitterP50Ms float64 `json:"far_end_jitter_kernel_p50_ms"`
	OutKernelJitterP99Ms float64 `json:"far_end_jitter_kernel_p99_ms"`
	OutKernelJitterMaxMs float64 `json:"far_end_jitter_kernel_max_ms"`
	OutKernelStamped     int64   `json:"far_end_kernel_stamped_frames"`
	InFramesSent         int64   `json:"in_frames_sent"` // by the simulated phones
	// the phones' own frames against their media clock: how late the test
	// infrastructure itself sends on this box (their answers are as late)
	PhonesSendLateP50Ms float64 `json:"phones_send_late_p50_ms"`
	PhonesSendLateP99Ms float64 `json:"phones_send_late_p99_ms"`

	ASRReceivedSeconds float64 `json:"asr_received_s"`
	ASRFedSeconds      float64 `json:"asr_fed_s"`
	ASRFeedDropped     int     `json:"asr_feed_dropped"`
	CallsHeard         int     `json:"calls_with_recognised_speech"`
	TurnsHeard         int     `json:"caller_turns_recognised"`
	Recordings         int     `json:"recordings"` // calls whose recording file exists with audio
	// the stand-in recognizer's view: the phones' utterances, those a
	// segment of the robot's VAD took, segments that matched none, and the
	// time from an utterance's planned end to the recognizer's result
	UtterancesSaid  int `json:"utterances_said"`
	UtterancesHeard int `json:"utterances_heard"`
	EmptySegments   int `json:"segments_without_words"`
	MergedSegments  int `json:"segments_with_two_utterances"`
	// caller turns that ended on the no-input timeout, by script node
	NoInputTurns map[string]int `json:"no_input_turns,omitempty"`
	HeardLag     Dist           `json:"heard_lag"`

	Reserve       Dist    `json:"reserve"`
	Commit        Dist    `json:"commit"`
	SaveCall      Dist    `json:"store_save_call"`
	FinishTask    Dist    `json:"store_finish_task"`
	LeaseTask     Dist    `json:"store_lease_task"`
	LeaseTotalS   float64 `json:"store_lease_total_s"` // the leases one after another, in seconds
	AppendEvents  Dist    `json:"store_append_events"`
	StoreWriteP99 float64 `json:"store_write_p99_ms"` // the worst p99 of the three writes
	EventDelay    Dist    `json:"event_delay"`
	EventsDropped int64   `json:"events_dropped"` // hub queue full or store failed

	// Heap allocations by the robot process over the run (runtime.MemStats
	// deltas), per call-second of media (frames sent × 20 ms).
	// The robot's CPU time over the run per call-second of media: the work
	// a call costs, which CPU % per 100 calls understates when the machine
	// is saturated and the process waits for a core. Setup (guard, store,
	// dial) is spread over the calls' seconds.
	RobotCPUSeconds      float64 `json:"robot_cpu_s"`
	CPUMsPerCallSecond   float64 `json:"cpu_ms_per_call_second"`
	AllocObjects         uint64  `json:"alloc_objects"`
	AllocMiB             float64 `json:"alloc_mib"`
	AllocsPerCallSecond  float64 `json:"allocs_per_call_second"`
	AllocKiBPerCallSec   float64 `json:"alloc_kib_per_call_second"`
	GCCycles             uint32  `json:"gc_cycles"`
	GCCPUFractionPercent float64 `json:"gc_cpu_fraction_percent"` // the GC's share of the process's CPU since it started
	// Minor page faults of the robot process over the run (getrusage): first
	// touches of fresh memory, per-call buffers the heap had not used before.
	MinorFaults              int64   `json:"minor_faults"`
	MinorFaultsPerCallSecond float64 `json:"minor_faults_per_call_second"`
	// The Go scheduler over the run (runtime/metrics, getrusage): times a
	// goroutine was put on a P (×8 the /sched/latencies samples: each a
	// wake-up after a block or a preemption), goroutines created, the OS
	// threads' voluntary sleeps (futex, blocking syscalls) and involuntary
	// switches, per call-second; the GC's CPU (/cpu/classes/gc/total, an
	// overestimate) in seconds and as a share of user+GC; the heap goal at the end.
	SchedRunsPerCallSecond         float64 `json:"sched_runs_per_call_second"`
	GoroutinesCreatedPerCallSecond float64 `json:"goroutines_created_per_call_second"`
	ThreadSleepsPerCallSecond      float64 `json:"thread_sleeps_per_call_second"`
	ThreadPreemptsPerCallSecond    float64 `json:"thread_preempts_per_call_second"`
	GCCPUSeconds                   float64 `json:"gc_cpu_s"`
	GCSharePercent                 float64 `json:"gc_share_percent"`
	HeapGoalMiB                    float64 `json:"heap_goal_mib"`

	LedgerEntries int      `json:"ledger_entries"`
	Violations    int      `json:"violations"`
	Findings      []string `json:"findings,omitempty"` // the first few

	MediaOnly *Result `json:"media_only,omitempty"` // --compare
}

// fullRun is what RunFull collected, for summarizeFull.
type fullRun struct {
	tasks       []scheduler.Event
	ended       []endedCall
	callee      CalleeReport
	audit       compliance.AuditResult
	timings     *pathTimings
	eventDelays []time.Duration
	hub         events.Stats
	board       testcalls.BoardStats
}

// summarizeFull classifies the calls and merges the figures. A call is
// completed when the dialogue identified the debtor and the robot hung up;
// dropped when it was answered but ended under the robot (far-end BYE,
// media timeout or fault); failed otherwise — not placed, refused by the
// guard, not answered, another outcome.
func summarizeFull(res *FullResult, r fullRun) {
	sample := func(why string) {
		if len(res.FailureSamples) < 5 {
			res.FailureSamples = append(res.FailureSamples, why)
		}
	}
	for _, e := range r.tasks {
		switch {
		case e.Decision != nil && !e.Decision.Allowed:
			res.Denied++
			sample("denied: " + e.Decision.Reason)
		case e.Err != nil:
			sample("task: " + e.Err.Error())
		}
	}
	sendLate, outJitter, outKernel := &media.LatenessHistogram{}, &media.LatenessHistogram{}, &media.LatenessHistogram{}
	phonesLate := &media.LatenessHistogram{}
	for _, c := range r.ended {
		res.EndReasons[c.endReason]++
		if c.sendLate != nil {
			sendLate.Merge(c.sendLate)
			res.OutFramesSent += c.sendLate.N
		}
		res.ASRReceivedSeconds += c.audio.Received.Seconds()
		res.ASRFedSeconds += c.audio.Fed.Seconds()
		res.ASRFeedDropped += c.audio.FeedDropped
		res.TurnsHeard += c.heard
		if c.heard > 0 {
			res.CallsHeard++
		}
		if c.result != string(telephony.Answered) {
			res.Outcomes["not_answered:"+c.result]++
			sample("not answered: " + c.result)
			continue
		}
		res.Outcomes[c.outcome]++
		switch {
		case c.endReason != "local":
			res.Dropped++
			sample("ended by " + c.endReason)
		case c.outcome == string(scripts.OutcomeIdentified):
			res.Completed++
		default:
			sample("outcome " + c.outcome)
		}
	}
	res.Failed = res.Calls - res.Completed - res.Dropped
	for _, c := range r.callee.Calls {
		m := c.Media
		res.OutFramesReceived += m.FramesReceived
		res.FramesLost += m.Lost
		res.InFramesSent += m.FramesSent
		if m.ArrivalJitter != nil {
			outJitter.Merge(m.ArrivalJitter)
		}
		if m.ArrivalJitterKernel != nil {
			outKernel.Merge(m.ArrivalJitterKernel)
		}
		res.OutKernelStamped += m.KernelStamps
		if m.SendLate != nil {
			phonesLate.Merge(m.SendLate)
		}
	}
	for _, e := range r.tasks {
		if e.Attempt != nil && e.Attempt.RecordingPath != "" {
			if fi, err := os.Stat(e.Attempt.RecordingPath); err == nil && fi.Size() > 44 { // more than a WAV header
				res.Recordings++
			}
		}
	}
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	res.SendLateP50Ms, res.SendLateP99Ms = ms(sendLate.Quantile(0.5)), ms(sendLate.Quantile(0.99))
	res.SendLateMaxMs = ms(histMax(sendLate))
	res.OutJitterP50Ms, res.OutJitterP99Ms = ms(outJitter.Quantile(0.5)), ms(outJitter.Quantile(0.99))
	res.OutJitterMaxMs = ms(histMax(outJitter))
	res.OutKernelJitterP50Ms, res.OutKernelJitterP99Ms = ms(outKernel.Quantile(0.5)), ms(outKernel.Quantile(0.99))
	res.OutKernelJitterMaxMs = ms(histMax(outKernel))
	res.PhonesSendLateP50Ms, res.PhonesSendLateP99Ms = ms(phonesLate.Quantile(0.5)), ms(phonesLate.Quantile(0.99))
	if res.PeakConcurrent > 0 {
		res.CPUPer100Calls = res.RobotCPUPlateauPercent * 100 / float64(res.PeakConcurrent)
		res.RSSPer100CallsMiB = (res.RobotPeakRSSMiB - res.BaseRSSMiB) * 100 / float64(res.PeakConcurrent)
	}
	t := r.timings
	res.Reserve, res.Commit = t.reserve.dist(), t.commit.dist()
	res.SaveCall, res.FinishTask, res.AppendEvents = t.saveCall.dist(), t.finishTask.dist(), t.appendEvts.dist()
	res.LeaseTask, res.LeaseTotalS = t.lease.dist(), t.lease.total().Seconds()
	res.StoreWriteP99 = max(res.SaveCall.P99, res.FinishTask.P99, res.AppendEvents.P99, res.LeaseTask.P99)
	res.EventDelay = distOf(r.eventDelays)
	res.UtterancesSaid, res.UtterancesHeard, res.EmptySegments = r.board.Said, r.board.Taken, r.board.EmptyTakes
	res.MergedSegments = r.board.MultiTakes
	res.MergedSegments = r.board.MultiTakes
	res.HeardLag = distOf(r.board.Lags)
	res.EventsDropped = r.hub.Dropped + r.hub.Lost
	res.LedgerEntries, res.Violations = r.audit.Entries, len(r.audit.Findings)
	for i, f := range r.audit.Findings {
		if i == 5 {
			break
		}
		res.Findings = append(res.Findings, f.Rule+": "+f.Detail)
	}
}
