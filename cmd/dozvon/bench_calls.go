package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	goruntime "runtime"
	"runtime/pprof"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/dozvon/dozvon/asr"
	"github.com/dozvon/dozvon/robot"
	"github.com/dozvon/dozvon/scripts"
	"github.com/dozvon/dozvon/telephony"
	"github.com/dozvon/dozvon/tts"
)

// benchOptions are the flags of `bench calls`.
type benchOptions struct {
	n          int
	duration   time.Duration // cap per call
	ramp       time.Duration // the N dials are spread over this
	asJSON     bool
	cpuProfile string
	memProfile string
	timeline   bool
	script     string
	record     string
	config     string
	pacing     string
}

func parseBenchOptions(args []string, stderr io.Writer) (benchOptions, error) {
	var o benchOptions
	fs := flag.NewFlagSet("bench calls", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.IntVar(&o.n, "n", 100, "concurrent robot calls")
	fs.DurationVar(&o.duration, "duration", 60*time.Second, "cap on each call; a call cut by it counts as dropped")
	fs.DurationVar(&o.ramp, "ramp", 2*time.Second, "spread the N dials over this time (a CPS limit)")
	fs.BoolVar(&o.asJSON, "json", false, "print the figures as JSON")
	fs.StringVar(&o.cpuProfile, "cpuprofile", "", "write the robot process's CPU profile over the run to FILE (go tool pprof)")
	fs.BoolVar(&o.timeline, "timeline", false, "print per-second calls up, robot CPU and send lateness (p99, max)")
	fs.StringVar(&o.memProfile, "memprofile", "", "write the robot process's allocation profile at the end of the run to FILE")
	fs.StringVar(&o.script, "script", filepath.Join("scripts", "verify_contact.yaml"), "dialogue script (must accept DTMF 1 = yes)")
	fs.StringVar(&o.record, "record", "", "record every call as stereo WAV under DIR (off by default)")
	fs.StringVar(&o.config, "config", "", "dozvon YAML config (TTS engine and cache, VAD); default dozvon.yaml or defaults")
	fs.StringVar(&o.pacing, "pacing", "shared", "media pacing: shared (one pacer per core) or per-call (a goroutine and timer per call)")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	switch {
	case o.pacing != "shared" && o.pacing != "per-call":
		return o, fmt.Errorf("bench calls: --pacing %q: want shared or per-call", o.pacing)
	case fs.NArg() > 0:
		return o, fmt.Errorf("bench calls: unexpected argument %q", fs.Arg(0))
	case o.n < 1 || o.n > 5000:
		return o, fmt.Errorf("bench calls: -n %d: want 1..5000", o.n)
	case o.duration < time.Second:
		return o, fmt.Errorf("bench calls: --duration %v: want at least 1s", o.duration)
	case o.ramp < 0:
		return o, fmt.Errorf("bench calls: --ramp %v: want ≥ 0", o.ramp)
	}
	return o, nil
}

// benchCall is what the robot side saw of one call.
type benchCall struct {
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
	steadyLate *telephony.LatenessHistogram
}

// benchResult is the printed figures (also the --json shape).
type benchResult struct {
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
	SendLateP50Ms     float64 `json:"robot_send_late_p50_ms"`
	SendLateP99Ms     float64 `json:"robot_send_late_p99_ms"`
	SendLateMaxMs     float64 `json:"robot_send_late_max_ms"`
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

	Timeline []benchPoint `json:"timeline,omitempty"`
}

// benchCalls places N concurrent robot calls on loopback to a callee
// exchange in a child process and prints the figures.
func benchCalls(ctx context.Context, e env, args []string) int {
	o, err := parseBenchOptions(args, e.stderr)
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintf(e.stderr, "dozvon: %v\n", err)
		}
		return 2
	}
	res, err := runBenchCalls(ctx, e, o)
	if err != nil {
		fmt.Fprintf(e.stderr, "dozvon: %v\n", err)
		return 1
	}
	if o.asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(res); err != nil {
			fmt.Fprintf(e.stderr, "dozvon: bench calls: %v\n", err)
			return 1
		}
		return 0
	}
	writeBenchResult(e.stdout, o, res)
	return 0
}

// benchVars are the script variables of every bench call.
var benchVars = map[string]any{
	"debtor":   map[string]any{"name": "Иванов Иван Иванович", "first_name": "Иван"},
	"creditor": map[string]any{"name": "Альфа Финанс"},
}

func runBenchCalls(ctx context.Context, e env, o benchOptions) (benchResult, error) {
	res := benchResult{Calls: o.n, Cores: goruntime.NumCPU(), Ramp: o.ramp.String(),
		Outcomes: map[string]int{}, EndReasons: map[string]int{}}
	res.NoFile = benchRaiseNoFile()
	cfg, err := loadConfig(o.config, e.getenv)
	if err != nil {
		return res, fmt.Errorf("bench calls: %w", err)
	}
	script, err := scripts.Load(o.script)
	if err != nil {
		return res, fmt.Errorf("bench calls: %w (run from the repository root or give --script)", err)
	}
	engine, err := tts.NewVoice(cfg.TTS.Engine)
	if err != nil {
		return res, fmt.Errorf("bench calls: %w", err)
	}
	log := slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	cacheDir := cfg.TTS.CacheDir
	voice := tts.NewCache(cacheDir, engine, engine.Key(), tts.WithCacheLogger(log))
	vad := asr.DefaultVADConfig()
	if v := cfg.VAD.StartAfter; v > 0 {
		vad.StartVoiced = v
	}
	if v := cfg.VAD.TrailingSilence; v > 0 {
		vad.EndSilence = v
	}
	if v := cfg.VAD.MaxUtterance; v > 0 {
		vad.MaxUtterance = v
	}
	if v := cfg.VAD.PreRoll; v > 0 {
		vad.PreRoll = v
	}
	loc, err := time.LoadLocation("Europe/Moscow")
	if err != nil {
		loc = time.FixedZone("MSK", 3*3600)
	}

	// The far end: the same binary in a child process.
	callee, err := startBenchCallee(ctx, e, cacheDir)
	if err != nil {
		return res, err
	}
	defer callee.kill()

	ua, err := telephony.New(ctx, telephony.Config{
		Name:          "dozvon",
		Listen:        []telephony.Listen{{Transport: "udp", Host: "127.0.0.1"}},
		RecordDir:     o.record,
		MediaTimeout:  10 * time.Second,
		PerCallPacing: o.pacing == "per-call",
	}, log)
	if err != nil {
		return res, fmt.Errorf("bench calls: %w", err)
	}

	// Warm the TTS cache with one call's prompts would need the script's
	// texts; instead the cache's single-flight shares the first synthesis of
	// each phrase among the calls that want it at the same time.
	if o.cpuProfile != "" {
		f, err := os.Create(o.cpuProfile)
		if err != nil {
			return res, fmt.Errorf("bench calls: cpu profile: %w", err)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return res, fmt.Errorf("bench calls: cpu profile: %w", err)
		}
		defer pprof.StopCPUProfile()
	}

	res.LoadBefore = benchLoadAvg()
	udp0 := benchUDPCounters()
	mach0 := benchMachineCPU()
	active := &benchLive{timeline: o.timeline, calls: map[*telephony.Call]*telephony.LatenessHistogram{}}
	samp := startBenchSampler(o.n, active)
	cpu0, t0 := benchCPUTime(), time.Now()

	calls := make([]benchCall, o.n)
	var wg sync.WaitGroup
	gap := time.Duration(0)
	if o.n > 1 {
		gap = o.ramp / time.Duration(o.n)
	}
	// Every call is up and past its first frames a second after the ramp.
	steadyAt := t0.Add(o.ramp + time.Second)
	for i := range calls {
		if i > 0 && gap > 0 {
			if !sleepCtx(ctx, t0.Add(time.Duration(i)*gap)) {
				break
			}
		}
		wg.Add(1)
		go func(bc *benchCall) {
			defer wg.Done()
			runBenchCall(ctx, ua, callee.uri, o.duration, steadyAt, active, bc, robot.CallConfig{
				Script: script, Vars: benchVars, Location: loc,
				Voice:        robot.VoiceConfig{Voice: voice, LoadAudio: tts.LoadAudioFile, Log: log},
				NewSegmenter: func() (robot.Segmenter, error) { return asr.NewSegmenter(vad) },
				Log:          log,
			})
		}(&calls[i])
	}
	wg.Wait()
	wall := time.Since(t0)
	cpu := benchCPUTime() - cpu0
	samples := samp.stop()
	res.LoadAfter = benchLoadAvg()
	res.MachineBusyPercent = benchBusyPercent(mach0, benchMachineCPU())
	if udp1 := benchUDPCounters(); udp0 != nil && udp1 != nil {
		res.UDPRcvbufErrors = udp1["RcvbufErrors"] - udp0["RcvbufErrors"]
		res.UDPSndbufErrors = udp1["SndbufErrors"] - udp0["SndbufErrors"]
		res.UDPInErrors = udp1["InErrors"] - udp0["InErrors"]
	}
	res.WallSeconds = wall.Seconds()
	res.RobotCPUPercent = 100 * cpu.Seconds() / wall.Seconds()
	res.RobotPeakRSSMiB = float64(benchPeakRSS()) / (1 << 20)
	res.PeakConcurrent, res.RobotPeakGoroutines = samples.peakActive, samples.peakGoroutines
	res.RobotCPUPlateauPercent, res.RobotCPUPeakPercent = samples.plateauCPU, samples.peakCPU
	res.Timeline = samples.timeline

	if o.memProfile != "" {
		if err := writeBenchAllocs(o.memProfile); err != nil {
			return res, err
		}
	}
	crep, err := callee.finish()
	if err != nil {
		return res, err
	}
	res.CalleeCPUPercent = 100 * crep.CPU.Seconds() / max(crep.Wall.Seconds(), 1e-9)
	res.CalleePeakRSSMiB = float64(crep.PeakRSS) / (1 << 20)
	summarizeBench(&res, calls, crep)
	return res, nil
}

func sleepCtx(ctx context.Context, until time.Time) bool {
	d := time.Until(until)
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

func runBenchCall(ctx context.Context, ua *telephony.UA, uri string, limit time.Duration, steadyAt time.Time,
	active *benchLive, bc *benchCall, cfg robot.CallConfig) {
	call, info, err := ua.Dial(ctx, telephony.DialRequest{To: uri, CallerID: "74950000000", RingTimeout: 10 * time.Second})
	if err != nil {
		bc.dialErr = err
		return
	}
	active.add(call)
	defer active.remove(call)
	bc.callID = call.CallID()
	bc.setup = info.Answered.Sub(info.Started)
	callCtx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	var snap *telephony.LatenessHistogram
	snapped := make(chan struct{})
	snapTimer := time.AfterFunc(time.Until(steadyAt), func() {
		defer close(snapped)
		select {
		case <-call.Done():
		default:
			snap = call.Stats().SendLate
		}
	})
	r, err := robot.RunCall(callCtx, call, cfg)
	<-call.Done()
	if snapTimer.Stop() {
		close(snapped) // the call ended before the steady phase began
	}
	<-snapped
	bc.capped = errors.Is(callCtx.Err(), context.DeadlineExceeded)
	bc.runErr, bc.outcome, bc.audio = err, r.Outcome, r.Audio
	bc.endReason = call.EndReason()
	bc.media = call.Stats()
	bc.length = bc.media.Duration
	if snap != nil {
		bc.steadyLate = benchHistSub(bc.media.SendLate, snap)
	}
}

// benchHistSub is a − b, bucket by bucket (b is an earlier snapshot of a).
func benchHistSub(a, b *telephony.LatenessHistogram) *telephony.LatenessHistogram {
	d := *a
	for i := range d.Buckets {
		d.Buckets[i] -= b.Buckets[i]
	}
	d.N -= b.N
	return &d
}

// benchLive counts the calls up and, for --timeline, keeps each one's last
// send-lateness snapshot so the sampler can take per-second deltas.
type benchLive struct {
	n        atomic.Int64
	timeline bool
	mu       sync.Mutex
	calls    map[*telephony.Call]*telephony.LatenessHistogram
}

func (l *benchLive) add(c *telephony.Call) {
	l.n.Add(1)
	if l.timeline {
		l.mu.Lock()
		l.calls[c] = &telephony.LatenessHistogram{}
		l.mu.Unlock()
	}
}

func (l *benchLive) remove(c *telephony.Call) {
	l.n.Add(-1)
	if l.timeline {
		l.mu.Lock()
		delete(l.calls, c)
		l.mu.Unlock()
	}
}

// lateness merges every live call's send lateness since the last call.
func (l *benchLive) lateness() *telephony.LatenessHistogram {
	sum := &telephony.LatenessHistogram{}
	l.mu.Lock()
	defer l.mu.Unlock()
	for c, last := range l.calls {
		now := c.Stats().SendLate
		sum.Merge(benchHistSub(now, last))
		l.calls[c] = now
	}
	return sum
}

// benchPoint is one second of the --timeline.
type benchPoint struct {
	At         float64 `json:"t_s"`
	Up         int     `json:"calls_up"`
	CPUPercent float64 `json:"robot_cpu_percent"`
	LateP99Ms  float64 `json:"send_late_p99_ms"`
	LateMaxMs  float64 `json:"send_late_max_ms"`
}

// benchSampler samples CPU, concurrency and goroutines once a second.
type benchSampler struct {
	n       int
	active  *benchLive
	done    chan struct{}
	stopped chan benchSamples
}

type benchSamples struct {
	peakActive, peakGoroutines int
	peakCPU, plateauCPU        float64
	timeline                   []benchPoint
}

func startBenchSampler(n int, active *benchLive) *benchSampler {
	s := &benchSampler{n: n, active: active, done: make(chan struct{}), stopped: make(chan benchSamples, 1)}
	go s.run()
	return s
}

func (s *benchSampler) run() {
	var out benchSamples
	var plateauCPU, plateauWall time.Duration
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	lastCPU, lastT := benchCPUTime(), time.Now()
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
			cpu := benchCPUTime()
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
				out.timeline = append(out.timeline, benchPoint{
					At: now.Sub(start).Seconds(), Up: a, CPUPercent: 100 * dc.Seconds() / dt.Seconds(),
					LateP99Ms: float64(h.Quantile(0.99)) / 1e6, LateMaxMs: float64(benchHistMax(h)) / 1e6,
				})
			}
			if a*100 >= s.n*95 {
				plateauCPU += dc
				plateauWall += dt
			}
		}
	}
}

func (s *benchSampler) stop() benchSamples {
	close(s.done)
	return <-s.stopped
}

// benchCalleeProc is the callee exchange running as a child process.
type benchCalleeProc struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	uri    string
	report string
	dir    string
}

func startBenchCallee(ctx context.Context, e env, cacheDir string) (*benchCalleeProc, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("bench calls: find own binary: %w", err)
	}
	dir, err := os.MkdirTemp("", "dozvon-bench-")
	if err != nil {
		return nil, fmt.Errorf("bench calls: %w", err)
	}
	p := &benchCalleeProc{dir: dir, report: filepath.Join(dir, "callee.json")}
	p.cmd = exec.Command(self, "bench", "callee", "--listen", "127.0.0.1:0", "--report", p.report, "--tts-cache", cacheDir)
	p.cmd.Stderr = e.stderr
	// the child dies with us even if we are killed
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if p.stdin, err = p.cmd.StdinPipe(); err != nil {
		return nil, fmt.Errorf("bench calls: callee stdin: %w", err)
	}
	out, err := p.cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("bench calls: callee stdout: %w", err)
	}
	if err := p.cmd.Start(); err != nil {
		return nil, fmt.Errorf("bench calls: start callee %s: %w", self, err)
	}
	lines := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if strings.HasPrefix(sc.Text(), "ready ") {
				lines <- strings.TrimPrefix(sc.Text(), "ready ")
			}
		}
		close(lines)
	}()
	select {
	case uri, ok := <-lines:
		if !ok {
			p.kill()
			return nil, errors.New("bench calls: the callee process exited before it was ready (see its errors above)")
		}
		p.uri = uri
	case <-time.After(30 * time.Second):
		p.kill()
		return nil, errors.New("bench calls: the callee process was not ready within 30s")
	case <-ctx.Done():
		p.kill()
		return nil, fmt.Errorf("bench calls: %w", ctx.Err())
	}
	return p, nil
}

// finish tells the callee the run is over and reads its report.
func (p *benchCalleeProc) finish() (benchCalleeReport, error) {
	var rep benchCalleeReport
	_ = p.stdin.Close()
	if err := p.cmd.Wait(); err != nil {
		return rep, fmt.Errorf("bench calls: callee process: %w", err)
	}
	data, err := os.ReadFile(p.report)
	if err != nil {
		return rep, fmt.Errorf("bench calls: callee report: %w", err)
	}
	if err := json.Unmarshal(data, &rep); err != nil {
		return rep, fmt.Errorf("bench calls: callee report %s: %w", p.report, err)
	}
	_ = os.RemoveAll(p.dir)
	return rep, nil
}

func (p *benchCalleeProc) kill() {
	if p.cmd.ProcessState == nil && p.cmd.Process != nil {
		_ = p.cmd.Process.Kill()
		_ = p.cmd.Wait()
	}
	_ = os.RemoveAll(p.dir)
}

// summarizeBench classifies the calls and merges the media figures of both
// sides. A call is completed when the script reached the expected outcome
// (identified) and the robot hung up; dropped when it was answered but ended
// under the robot (far end BYE, media timeout, media fault) or hit the cap;
// failed otherwise (dial failure, robot error, another outcome).
func summarizeBench(res *benchResult, calls []benchCall, crep benchCalleeReport) {
	byID := map[string]int{}
	for i, c := range crep.Calls {
		byID[c.CallID] = i
	}
	var setups, lengths []time.Duration
	outJitter, sendLate, inJitter := &telephony.LatenessHistogram{}, &telephony.LatenessHistogram{}, &telephony.LatenessHistogram{}
	steady := &telephony.LatenessHistogram{}
	var sendLateMax time.Duration
	for _, c := range calls {
		fail := func(why string) {
			res.Failed++
			if len(res.FailureSamples) < 5 {
				res.FailureSamples = append(res.FailureSamples, why)
			}
		}
		if c.dialErr != nil {
			res.Outcomes["dial_failed"]++
			fail("dial: " + c.dialErr.Error())
			continue
		}
		if c.callID == "" { // never dialled (interrupted)
			res.Outcomes["not_placed"]++
			res.Failed++
			continue
		}
		res.Outcomes[string(c.outcome)]++
		res.EndReasons[c.endReason]++
		setups = append(setups, c.setup)
		lengths = append(lengths, c.length)
		switch {
		case c.capped:
			res.Dropped++
			if len(res.FailureSamples) < 5 {
				res.FailureSamples = append(res.FailureSamples, "cut by --duration")
			}
		case c.endReason != "local":
			res.Dropped++
			if len(res.FailureSamples) < 5 {
				res.FailureSamples = append(res.FailureSamples, "ended by "+c.endReason)
			}
		case c.runErr != nil:
			fail("robot: " + c.runErr.Error())
		case c.outcome != scripts.OutcomeIdentified:
			fail("outcome " + string(c.outcome))
		default:
			res.Completed++
		}
		res.OutFramesSent += c.media.FramesSent
		res.InFramesReceived += c.media.FramesReceived
		res.InLost += c.media.Lost
		res.InLate += c.media.Late
		sendLate.Merge(c.media.SendLate)
		if c.steadyLate != nil {
			steady.Merge(c.steadyLate)
		}
		inJitter.Merge(c.media.ArrivalJitter)
		sendLateMax = max(sendLateMax, c.media.SendLateMax)
		res.ASRReceivedSeconds += c.audio.Received.Seconds()
		res.ASRFedSeconds += c.audio.Fed.Seconds()
		res.ASRFeedDropped += c.audio.FeedDropped
		i, ok := byID[c.callID]
		if !ok {
			res.CalleeReportsMissing++
			continue
		}
		m := crep.Calls[i].Media
		res.OutFramesReceived += m.FramesReceived
		res.InFramesSent += m.FramesSent
		if m.ArrivalJitter != nil {
			outJitter.Merge(m.ArrivalJitter)
		}
	}
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	res.SetupP50Ms, res.SetupP99Ms = ms(benchQuantile(setups, 0.5)), ms(benchQuantile(setups, 0.99))
	res.CallLengthP50 = benchQuantile(lengths, 0.5).Seconds()
	res.CallLengthMax = benchQuantile(lengths, 1).Seconds()
	res.OutJitterP50Ms, res.OutJitterP99Ms = ms(outJitter.Quantile(0.5)), ms(outJitter.Quantile(0.99))
	res.OutJitterMaxMs = ms(benchHistMax(outJitter))
	res.SendLateP50Ms, res.SendLateP99Ms = ms(sendLate.Quantile(0.5)), ms(sendLate.Quantile(0.99))
	res.SendLateMaxMs = ms(sendLateMax)
	res.SteadySendLateP50Ms, res.SteadySendLateP99Ms = ms(steady.Quantile(0.5)), ms(steady.Quantile(0.99))
	res.SteadySendLateMaxMs = ms(benchHistMax(steady))
	res.InJitterP99Ms = ms(inJitter.Quantile(0.99))
}

func writeBenchResult(w io.Writer, o benchOptions, r benchResult) {
	p := func(format string, a ...any) { fmt.Fprintf(w, format+"\n", a...) }
	p("dozvon bench calls -n %d: %d calls dialled over %s to a simulated callee in a separate process; media pacing %s", o.n, r.Calls, r.Ramp, o.pacing)
	p("  script %s, keypad answers (DTMF 1, 1) after a spoken greeting; cap per call %v", filepath.Base(o.script), o.duration)
	p("  machine: %d cores, load average before %s, after %s; open-file limit %d", r.Cores, r.LoadBefore, r.LoadAfter, r.NoFile)
	p("calls:       %d completed, %d failed, %d dropped; peak %d concurrent; wall %.1f s",
		r.Completed, r.Failed, r.Dropped, r.PeakConcurrent, r.WallSeconds)
	p("             outcomes %s; ended by %s", benchCounts(r.Outcomes), benchCounts(r.EndReasons))
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
	p("RTP out:     robot sent %d frames, callee received %d (%s); pacing jitter at the far end p50 %.2f ms, p99 %.2f ms, max %.2f ms",
		r.OutFramesSent, r.OutFramesReceived, benchLoss(r.OutFramesSent, r.OutFramesReceived), r.OutJitterP50Ms, r.OutJitterP99Ms, r.OutJitterMaxMs)
	p("send late:   robot media loop lateness p50 %.2f ms, p99 %.2f ms, max %.1f ms; after the ramp (all calls up) p50 %.2f ms, p99 %.2f ms, max %.2f ms",
		r.SendLateP50Ms, r.SendLateP99Ms, r.SendLateMaxMs, r.SteadySendLateP50Ms, r.SteadySendLateP99Ms, r.SteadySendLateMaxMs)
	p("RTP in:      callee sent %d frames, robot received %d (%s); arrival jitter p99 %.2f ms; jitter buffer lost %d, late %d",
		r.InFramesSent, r.InFramesReceived, benchLoss(r.InFramesSent, r.InFramesReceived), r.InJitterP99Ms, r.InLost, r.InLate)
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
	if o.cpuProfile != "" {
		p("CPU profile: %s (go tool pprof -top bin/dozvon %s)", o.cpuProfile, o.cpuProfile)
	}
}

func benchLoss(sent, received int64) string {
	if sent == 0 {
		return "none sent"
	}
	return fmt.Sprintf("%d missing, %.3f %%", sent-received, 100*float64(sent-received)/float64(sent))
}

func benchCounts(m map[string]int) string {
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

// benchHistMax is the upper edge of the highest non-empty bucket (the last
// bucket means "64 ms or more"); Quantile(1) always answers the last edge.
func benchHistMax(h *telephony.LatenessHistogram) time.Duration {
	for i := len(h.Buckets) - 1; i >= 0; i-- {
		if h.Buckets[i] > 0 {
			return time.Duration(i+1) * 250 * time.Microsecond
		}
	}
	return 0
}

func writeBenchAllocs(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("bench calls: memory profile: %w", err)
	}
	if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
		f.Close()
		return fmt.Errorf("bench calls: memory profile %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("bench calls: memory profile %s: %w", path, err)
	}
	return nil
}
