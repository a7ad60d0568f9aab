package loadtest

import (
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/dozvon/dozvon/media"
)

// ReportFull prints the figures of a full-path run; with o.JSON it ends
// with them as one JSON line, for tracking run to run.
func ReportFull(w io.Writer, o Options, r FullResult) error {
	writeFullText(w, o, r)
	if !o.JSON {
		return nil
	}
	line, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("bench calls --full: %w", err)
	}
	_, err = fmt.Fprintf(w, "%s\n", line)
	return err
}

func writeFullText(w io.Writer, o Options, r FullResult) {
	p := func(format string, a ...any) { fmt.Fprintf(w, format+"\n", a...) }
	d := func(x Dist) string {
		return fmt.Sprintf("p50 %.2f ms, p99 %.2f ms, max %.1f ms (%d)", x.P50, x.P99, x.Max, x.N)
	}
	p("dozvon bench calls --full -n %d: a campaign of %d debtors through scheduler → 230-FZ guard (SQLite ledger) → callflow → store, events, recording, VAD, recognizer; ramp %s; simulated phones in a separate process",
		o.N, r.Calls, r.Ramp)
	p("  script %s, spoken answers (greeting, \"да, это я\", \"да, удобно\"); cap per call %v", r.Script, o.Duration)
	p("  230-FZ clock starts at %s and runs in real time (Wed, a working day: 11:30 in Moscow, where every debtor lives; inside 08:00–22:00 in every Russian zone); %d distinct persons, one call each", r.Clock, r.Calls)
	p("  recognizer: %s", r.Recognizer)
	p("  machine: %d cores, load average before %s, after %s; open-file limit %d", r.Cores, r.LoadBefore, r.LoadAfter, r.NoFile)
	p("calls:       %d completed, %d failed, %d dropped, %d denied by the guard; peak %d concurrent; wall %.1f s",
		r.Completed, r.Failed, r.Dropped, r.Denied, r.PeakConcurrent, r.WallSeconds)
	p("             outcomes %s; ended by %s", counts(r.Outcomes), counts(r.EndReasons))
	for _, s := range r.FailureSamples {
		p("             e.g. %s", s)
	}
	p("robot CPU:   %.1f %% avg, %.1f %% with ≥95%% of calls up, %.1f %% peak 1 s (100 %% = one core of %d); %.2f %% per 100 calls",
		r.RobotCPUPercent, r.RobotCPUPlateauPercent, r.RobotCPUPeakPercent, r.Cores, r.CPUPer100Calls)
	p("robot work:  %.1f CPU s over %.0f call-seconds of media: %.2f ms per call-second (= %.1f %% of a core per 100 calls, however long it waited for a core)",
		r.RobotCPUSeconds, float64(r.OutFramesSent)/50, r.CPUMsPerCallSecond, r.CPUMsPerCallSecond*10)
	p("robot RSS:   %.1f MiB before the calls, peak %.1f MiB: %.1f MiB per 100 calls; peak %d goroutines",
		r.BaseRSSMiB, r.RobotPeakRSSMiB, r.RSSPer100CallsMiB, r.RobotPeakGoroutines)
	p("phones proc: %.1f %% of a core (%.0f %% of this %d-core box), peak RSS %.1f MiB: the simulated phones, test infrastructure, not counted above; machine %.1f %% of all cores busy",
		r.CalleeCPUPercent, r.CalleeCPUPercent/float64(max(r.Cores, 1)), r.Cores, r.CalleePeakRSSMiB, r.MachineBusyPercent)
	p("media late:  robot frames against the media clock p50 %s ms, p99 %s ms, max %s ms", histMs(r.SendLateP50Ms), histMs(r.SendLateP99Ms), histMs(r.SendLateMaxMs))
	p("phones late: their own frames against their media clock p50 %s ms, p99 %s ms (test infrastructure on the same cores)", histMs(r.PhonesSendLateP50Ms), histMs(r.PhonesSendLateP99Ms))
	p("far end:     robot sent %d frames, far end received %d (%s), lost %d (sequence gaps)",
		r.OutFramesSent, r.OutFramesReceived, loss(r.OutFramesSent, r.OutFramesReceived), r.FramesLost)
	p("  jitter, kernel arrival stamps:   p50 %s ms, p99 %s ms, max %s ms (%d frames stamped; the robot's pacing as a far end with its own CPU would see it)",
		histMs(r.OutKernelJitterP50Ms), histMs(r.OutKernelJitterP99Ms), histMs(r.OutKernelJitterMaxMs), r.OutKernelStamped)
	p("  jitter, phones' read time:       p50 %s ms, p99 %s ms, max %s ms (user space: adds the phones' own scheduling delay; they run on the same %d cores)",
		histMs(r.OutJitterP50Ms), histMs(r.OutJitterP99Ms), histMs(r.OutJitterMaxMs), r.Cores)
	share := 0.0
	if r.ASRReceivedSeconds > 0 {
		share = 100 * r.ASRFedSeconds / r.ASRReceivedSeconds
	}
	p("ASR:         VAD fed %.1f s of %.1f s received (%.1f %%), feed dropped %d; %d caller turns recognised on %d calls",
		r.ASRFedSeconds, r.ASRReceivedSeconds, share, r.ASRFeedDropped, r.TurnsHeard, r.CallsHeard)
	p("stand-in:    the phones said %d utterances, the robot's VAD segments took %d (%d not heard); %d segments matched no words, %d took two or more; utterance end → recognizer result %s",
		r.UtterancesSaid, r.UtterancesHeard, r.UtterancesSaid-r.UtterancesHeard, r.EmptySegments, r.MergedSegments, d(r.HeardLag))
	if len(r.NoInputTurns) > 0 {
		p("             caller turns ended by the no-input timer, by script node: %s", counts(r.NoInputTurns))
	}
	p("heap:        %d allocations, %.1f MiB over the run: %.0f allocations, %.1f KiB per call-second; %d GC cycles, GC %.2f %% of CPU",
		r.AllocObjects, r.AllocMiB, r.AllocsPerCallSecond, r.AllocKiBPerCallSec, r.GCCycles, r.GCCPUFractionPercent)
	p("             %d minor page faults, %.1f per call-second", r.MinorFaults, r.MinorFaultsPerCallSecond)
	p("scheduler:   %.0f goroutine runs, %.1f goroutines created, %.1f thread sleeps, %.1f thread preemptions per call-second; GC %.1f s of CPU (%.1f %% of user+GC), heap goal %.0f MiB",
		r.SchedRunsPerCallSecond, r.GoroutinesCreatedPerCallSecond, r.ThreadSleepsPerCallSecond, r.ThreadPreemptsPerCallSecond, r.GCCPUSeconds, r.GCSharePercent, r.HeapGoalMiB)
	p("guard:       reserve %s", d(r.Reserve))
	p("             commit  %s", d(r.Commit))
	p("store:       call record %s", d(r.SaveCall))
	p("             task result %s", d(r.FinishTask))
	p("             task lease %s, %.1f s in all (the scheduler leases a campaign's share of free channels per call, one batch after another: a floor under the time to place the calls)", d(r.LeaseTask), r.LeaseTotalS)
	p("             event batch %s; write p99 %.2f ms", d(r.AppendEvents), r.StoreWriteP99)
	p("events:      emitted → stored → delivered to a hub subscriber %s; dropped %d", d(r.EventDelay), r.EventsDropped)
	p("recordings:  %d of %d calls", r.Recordings, r.Calls)
	p("audit:       ledger replayed (Guard.Audit): %d entries, %d violations", r.LedgerEntries, r.Violations)
	for _, f := range r.Findings {
		p("             %s", f)
	}
	if m := r.MediaOnly; m != nil {
		p("media only (same -n %d, --ramp %s, run right after): %d completed, %d failed, %d dropped; robot CPU %.1f %% with ≥95%% up; peak RSS %.1f MiB",
			o.N, r.Ramp, m.Completed, m.Failed, m.Dropped, m.RobotCPUPlateauPercent, m.RobotPeakRSSMiB)
		p("             send late p50 %.2f ms, p99 %.2f ms; far-end jitter, kernel stamps p50 %s ms, p99 %s ms; phones' read time p50 %s ms, p99 %s ms; frames %s; phones %.1f %% CPU",
			m.SendLateP50Ms, m.SendLateP99Ms, histMs(m.OutKernelJitterP50Ms), histMs(m.OutKernelJitterP99Ms), histMs(m.OutJitterP50Ms), histMs(m.OutJitterP99Ms),
			loss(m.OutFramesSent, m.OutFramesReceived), m.CalleeCPUPercent)
	} else {
		p("media only:  dozvon bench calls -n %d --ramp %s (or --full --compare runs it after this)", o.N, r.Ramp)
	}
	if o.CPUProfile != "" {
		p("CPU profile: %s (go tool pprof -top bin/dozvon %s)", o.CPUProfile, o.CPUProfile)
	}
}

// histMs prints a quantile of a media.LatenessHistogram: its top bucket
// holds everything from media.Top (1,024 ms) on, so that edge means "that
// or more"; a figure past 64 ms is the upper edge of a 16 ms bucket.
func histMs(v float64) string {
	if v >= histTopMs {
		return fmt.Sprintf("≥%.0f", histTopMs)
	}
	return fmt.Sprintf("%.2f", v)
}

// histTopMs is the upper edge of media.LatenessHistogram's last bucket.
const histTopMs = float64(media.Top) / float64(time.Millisecond)
