package loadtest

import (
	"time"

	"github.com/dozvon/dozvon/media"
	"github.com/dozvon/dozvon/robot"
	"github.com/dozvon/dozvon/scripts"
	"github.com/dozvon/dozvon/telephony"
)

// callSample is what the robot side saw of one call.
type callSample struct {
	callID    string
	dialErr   error
	runErr    error
	setup     time.Duration
	outcome   scripts.Outcome
	endReason string
	capped    bool
	media     telephony.MediaStats
	audio     robot.AudioStats
	length    time.Duration
	// steadyLate is the send lateness recorded after every call was up
	// (final histogram minus a snapshot taken then); nil when the call was
	// not up at that moment.
	steadyLate *media.LatenessHistogram
}

// Result is the printed figures (also the --json shape).
type Result struct {
	Calls          int            `json:"calls"`
	Completed      int            `json:"completed"`
	Failed         int            `json:"failed"`
	Dropped        int            `json:"dropped"`
	Outcomes       map[string]int `json:"outcomes"`
	EndReasons     map[string]int `json:"end_reasons"`
	FailureSamples []string       `json:"failure_samples,omitempty"`
	PeakConcurrent int            `json:"peak_concurrent"`
	Ramp           string         `json:"ramp"`
	WallSeconds    float64        `json:"wall_s"`
	CallLengthP50  float64        `json:"call_length_p50_s"`
	CallLengthMax  float64        `json:"call_length_max_s"`
	SetupP50Ms     float64        `json:"setup_p50_ms"`
	SetupP99Ms     float64        `json:"setup_p99_ms"`
	Cores          int            `json:"cores"`
	LoadBefore     string         `json:"loadavg_before"`
	LoadAfter      string         `json:"loadavg_after"`
	NoFile         uint64         `json:"nofile_limit"`

	RobotCPUPercent        float64 `json:"robot_cpu_percent"`         // user+sys / wall × 100 (100 = one core)
	RobotCPUPlateauPercent float64 `json:"robot_cpu_plateau_percent"` // over seconds with ≥ 95 % of N calls up
	RobotCPUPeakPercent    float64 `json:"robot_cpu_peak_1s_percent"`
	RobotPeakRSSMiB        float64 `json:"robot_peak_rss_mib"`
	RobotPeakGoroutines    int     `json:"robot_peak_goroutines"`
	CalleeCPUPercent       float64 `json:"callee_cpu_percent"`
	CalleePeakRSSMiB       float64 `json:"callee_peak_rss_mib"`
	// all processes on the machine (/proc/stat), in % of all cores: when it
	// nears 100 the figures above are contended, not the robot's own limit
	MachineBusyPercent float64 `json:"machine_busy_percent"`

	// robot → callee: the robot's outgoing RTP as the far end received it
	OutFramesSent     int64   `json:"out_frames_sent"`
	OutFramesReceived int64   `json:"out_frames_received"`
	OutJitterP50Ms    float64 `json:"out_pacing_jitter_p50_ms"`
	OutJitterP99Ms    float64 `json:"out_pacing_jitter_p99_ms"`
	OutJitterMaxMs    float64 `json:"out_pacing_jitter_max_ms"`
	// the same from the kernel's arrival stamps at the phones: the pacing
	// without the phones' own scheduling delay (the figures above have it)
	OutKernelJitterP50Ms float64 `json:"out_pacing_jitter_kernel_p50_ms"`
	OutKernelJitterP99Ms float64 `json:"out_pacing_jitter_kernel_p99_ms"`
	OutKernelJitterMaxMs float64 `json:"out_pacing_jitter_kernel_max_ms"`
	SendLateP50Ms        float64 `json:"robot_send_late_p50_ms"`
	SendLateP99Ms        float64 `json:"robot_send_late_p99_ms"`
	SendLateMaxMs        float64 `json:"robot_send_late_max_ms"`
	// the same after the ramp, with every call up (no SIP setup, first prompts)
	SteadySendLateP50Ms float64 `json:"robot_send_late_steady_p50_ms"`
	SteadySendLateP99Ms float64 `json:"robot_send_late_steady_p99_ms"`
	SteadySendLateMaxMs float64 `json:"robot_send_late_steady_max_ms"`
	// callee → robot
	InFramesSent         int64   `json:"in_frames_sent"`
	InFramesReceived     int64   `json:"in_frames_received"`
	InJitterP99Ms        float64 `json:"in_arrival_jitter_p99_ms"`
	InLost               int64   `json:"in_jitter_buffer_lost"`
	InLate               int64   `json:"in_jitter_buffer_late"`
	CalleeReportsMissing int     `json:"callee_reports_missing"`
	// kernel UDP counters over the run (the whole network namespace, so
	// other programs' traffic is included): buffer-full drops
	UDPRcvbufErrors int64 `json:"udp_rcvbuf_errors"`
	UDPSndbufErrors int64 `json:"udp_sndbuf_errors"`
	UDPInErrors     int64 `json:"udp_in_errors"`

	ASRReceivedSeconds float64 `json:"asr_received_s"`
	ASRFedSeconds      float64 `json:"asr_fed_s"`
	ASRFeedDropped     int     `json:"asr_feed_dropped"`

	Timeline []Point `json:"timeline,omitempty"`
}

// Point is one second of the --timeline.
type Point struct {
	At         float64 `json:"t_s"`
	Up         int     `json:"calls_up"`
	CPUPercent float64 `json:"robot_cpu_percent"`
	LateP99Ms  float64 `json:"send_late_p99_ms"`
	LateMaxMs  float64 `json:"send_late_max_ms"`
}
