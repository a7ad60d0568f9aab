package loadtest

import (
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strings"
)

// Report prints the figures of a run: JSON with o.JSON, else the text table.
func Report(w io.Writer, o Options, r Result) error {
	if !o.JSON {
		writeText(w, o, r)
		return nil
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r); err != nil {
		return fmt.Errorf("bench calls: %w", err)
	}
	return nil
}

func writeText(w io.Writer, o Options, r Result) {
	p := func(format string, a ...any) { fmt.Fprintf(w, format+"\n", a...) }
	p("dozvon bench calls -n %d: %d calls dialled over %s to a simulated callee in a separate process; media pacing %s", o.N, r.Calls, r.Ramp, o.Pacing)
	p("  script %s, keypad answers (DTMF 1, 1) after a spoken greeting; cap per call %v", filepath.Base(o.Script), o.Duration)
	p("  machine: %d cores, load average before %s, after %s; open-file limit %d", r.Cores, r.LoadBefore, r.LoadAfter, r.NoFile)
	p("calls:       %d completed, %d failed, %d dropped; peak %d concurrent; wall %.1f s",
		r.Completed, r.Failed, r.Dropped, r.PeakConcurrent, r.WallSeconds)
	p("             outcomes %s; ended by %s", counts(r.Outcomes), counts(r.EndReasons))
	for _, s := range r.FailureSamples {
		p("             e.g. %s", s)
	}
	p("call:        length p50 %.1f s, max %.1f s; setup (INVITE→answer, 50 ms ring) p50 %.1f ms, p99 %.1f ms",
		r.CallLengthP50, r.CallLengthMax, r.SetupP50Ms, r.SetupP99Ms)
	p("robot CPU:   %.1f %% avg, %.1f %% with ≥95%% of calls up, %.1f %% peak 1 s (100 %% = one core of %d)",
		r.RobotCPUPercent, r.RobotCPUPlateauPercent, r.RobotCPUPeakPercent, r.Cores)
	p("robot RSS:   peak %.1f MiB (VmHWM); peak %d goroutines", r.RobotPeakRSSMiB, r.RobotPeakGoroutines)
	p("callee proc: %.1f %% CPU, peak RSS %.1f MiB (not counted above)", r.CalleeCPUPercent, r.CalleePeakRSSMiB)
	p("machine:     %.1f %% of all %d cores busy during the run (robot + callee + everything else)", r.MachineBusyPercent, r.Cores)
	p("RTP out:     robot sent %d frames, callee received %d (%s); pacing jitter at the far end by kernel arrival stamps p50 %s ms, p99 %s ms, max %s ms; by the phones' read time (their scheduling delay included) p50 %s ms, p99 %s ms, max %s ms",
		r.OutFramesSent, r.OutFramesReceived, loss(r.OutFramesSent, r.OutFramesReceived), histMs(r.OutKernelJitterP50Ms), histMs(r.OutKernelJitterP99Ms), histMs(r.OutKernelJitterMaxMs),
		histMs(r.OutJitterP50Ms), histMs(r.OutJitterP99Ms), histMs(r.OutJitterMaxMs))
	p("send late:   robot media loop lateness p50 %.2f ms, p99 %.2f ms, max %.1f ms; after the ramp (all calls up) p50 %.2f ms, p99 %.2f ms, max %.2f ms",
		r.SendLateP50Ms, r.SendLateP99Ms, r.SendLateMaxMs, r.SteadySendLateP50Ms, r.SteadySendLateP99Ms, r.SteadySendLateMaxMs)
	p("RTP in:      callee sent %d frames, robot received %d (%s); arrival jitter p99 %.2f ms; jitter buffer lost %d, late %d",
		r.InFramesSent, r.InFramesReceived, loss(r.InFramesSent, r.InFramesReceived), r.InJitterP99Ms, r.InLost, r.InLate)
	p("UDP drops:   kernel counters over the run: RcvbufErrors %d, SndbufErrors %d, InErrors %d (whole host namespace)",
		r.UDPRcvbufErrors, r.UDPSndbufErrors, r.UDPInErrors)
	if r.CalleeReportsMissing > 0 {
		p("             %d calls had no callee report", r.CalleeReportsMissing)
	}
	share := 0.0
	if r.ASRReceivedSeconds > 0 {
		share = 100 * r.ASRFedSeconds / r.ASRReceivedSeconds
	}
	p("ASR audio:   fed %.1f s of %.1f s received (%.1f %%); feed dropped %d", r.ASRFedSeconds, r.ASRReceivedSeconds, share, r.ASRFeedDropped)
	if len(r.Timeline) > 0 {
		p("timeline:    second, calls up, robot CPU %%, send lateness p99 / max (ms; 64.25 = 64 ms or more)")
		for _, t := range r.Timeline {
			p("             %5.0f %5d %6.1f %7.2f %7.2f", t.At, t.Up, t.CPUPercent, t.LateP99Ms, t.LateMaxMs)
		}
	}
	if o.CPUProfile != "" {
		p("CPU profile: %s (go tool pprof -top bin/dozvon %s)", o.CPUProfile, o.CPUProfile)
	}
}

func loss(sent, received int64) string {
	if sent == 0 {
		return "none sent"
	}
	return fmt.Sprintf("%d missing, %.3f %%", sent-received, 100*float64(sent-received)/float64(sent))
}

func counts(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		name := k
		if name == "" {
			name = "?"
		}
		parts = append(parts, fmt.Sprintf("%s=%d", name, m[k]))
	}
	return strings.Join(parts, " ")
}
