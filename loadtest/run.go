package loadtest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	goruntime "runtime"
	"runtime/pprof"
	"sync"
	"time"

	"github.com/dozvon/dozvon/asr"
	"github.com/dozvon/dozvon/media"
	"github.com/dozvon/dozvon/robot"
	"github.com/dozvon/dozvon/scripts"
	"github.com/dozvon/dozvon/telephony"
	"github.com/dozvon/dozvon/testcalls"
	"github.com/dozvon/dozvon/tts"
)

// Run places o.N concurrent robot calls on loopback to a callee exchange in
// a child process (o.Executable) and returns the figures; log gets the
// robot's and the TTS cache's warnings.
func Run(ctx context.Context, o Options, stderr io.Writer) (Result, error) {
	res := Result{Calls: o.N, Cores: goruntime.NumCPU(), Ramp: o.Ramp.String(),
		Outcomes: map[string]int{}, EndReasons: map[string]int{}}
	res.NoFile = raiseNoFile()
	script, err := scripts.Load(o.Script)
	if err != nil {
		return res, fmt.Errorf("bench calls: %w (run from the repository root or give --script)", err)
	}
	if o.TTSEngine == "" {
		o.TTSEngine = "espeak"
	}
	engine, err := tts.NewVoice(o.TTSEngine)
	if err != nil {
		return res, fmt.Errorf("bench calls: %w", err)
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	cacheDir := o.TTSCache
	voice := tts.NewCache(cacheDir, engine, engine.Key(), tts.WithCacheLogger(log))
	vad := o.VAD
	if vad == (asr.VADConfig{}) {
		vad = asr.DefaultVADConfig()
	}
	loc, err := time.LoadLocation("Europe/Moscow")
	if err != nil {
		loc = time.FixedZone("MSK", 3*3600)
	}

	callee, ua, err := startBoth(ctx, o, cacheDir, nil, o.Record, log, stderr)
	if err != nil {
		return res, err
	}
	defer callee.kill()

	// Warm the TTS cache with one call's prompts would need the script's
	// texts; instead the cache's single-flight shares the first synthesis of
	// each phrase among the calls that want it at the same time.
	stopProfile, err := startCPUProfile(o.CPUProfile)
	if err != nil {
		return res, fmt.Errorf("bench calls: %w", err)
	}
	defer stopProfile()

	res.LoadBefore = loadAvg()
	udp0 := udpCounters()
	mach0 := machineCPU()
	active := &liveCalls{timeline: o.Timeline, calls: map[*telephony.Call]*media.LatenessHistogram{}}
	samp := startSampler(o.N, active)
	cpu0, t0 := cpuTime(), time.Now()

	calls := make([]callSample, o.N)
	var wg sync.WaitGroup
	gap := time.Duration(0)
	if o.N > 1 {
		gap = o.Ramp / time.Duration(o.N)
	}
	// Every call is up and past its first frames a second after the ramp.
	steadyAt := t0.Add(o.Ramp + time.Second)
	for i := range calls {
		if i > 0 && gap > 0 {
			if !sleepCtx(ctx, t0.Add(time.Duration(i)*gap)) {
				break
			}
		}
		wg.Add(1)
		go func(bc *callSample) {
			defer wg.Done()
			runCall(ctx, ua, callee.uri, o.Duration, steadyAt, active, bc, robot.CallConfig{
				Script: script, Vars: o.Vars, Location: loc,
				Voice:        robot.VoiceConfig{Voice: voice, LoadAudio: tts.LoadAudioFile, Log: log},
				NewSegmenter: func() (robot.Segmenter, error) { return asr.NewSegmenter(vad) },
				Log:          log,
			})
		}(&calls[i])
	}
	wg.Wait()
	wall := time.Since(t0)
	cpu := cpuTime() - cpu0
	samples := samp.stop()
	res.LoadAfter = loadAvg()
	res.MachineBusyPercent = busyPercent(mach0, machineCPU())
	if udp1 := udpCounters(); udp0 != nil && udp1 != nil {
		res.UDPRcvbufErrors = udp1["RcvbufErrors"] - udp0["RcvbufErrors"]
		res.UDPSndbufErrors = udp1["SndbufErrors"] - udp0["SndbufErrors"]
		res.UDPInErrors = udp1["InErrors"] - udp0["InErrors"]
	}
	res.WallSeconds = wall.Seconds()
	res.RobotCPUPercent = 100 * cpu.Seconds() / wall.Seconds()
	res.RobotPeakRSSMiB = float64(peakRSS()) / (1 << 20)
	res.PeakConcurrent, res.RobotPeakGoroutines = samples.peakActive, samples.peakGoroutines
	res.RobotCPUPlateauPercent, res.RobotCPUPeakPercent = samples.plateauCPU, samples.peakCPU
	res.Timeline = samples.timeline

	if o.MemProfile != "" {
		if err := writeAllocs(o.MemProfile); err != nil {
			return res, err
		}
	}
	crep, err := callee.finish()
	if err != nil {
		return res, err
	}
	res.CalleeCPUPercent = 100 * crep.CPU.Seconds() / max(crep.Wall.Seconds(), 1e-9)
	res.CalleePeakRSSMiB = float64(crep.PeakRSS) / (1 << 20)
	summarize(&res, calls, crep)
	return res, nil
}

// sleepCtx waits until the given time (at once when it is past) and reports
// whether ctx is still live.
func sleepCtx(ctx context.Context, until time.Time) bool {
	t := time.NewTimer(time.Until(until))
	defer t.Stop()
	select {
	case <-t.C:
		return ctx.Err() == nil
	case <-ctx.Done():
		return false
	}
}

func runCall(ctx context.Context, ua *telephony.UA, uri string, limit time.Duration, steadyAt time.Time,
	active *liveCalls, bc *callSample, cfg robot.CallConfig) {
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
	var snap *media.LatenessHistogram
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
		bc.steadyLate = histSub(bc.media.SendLate, snap)
	}
}

// histSub is a − b, bucket by bucket (b is an earlier snapshot of a).
func histSub(a, b *media.LatenessHistogram) *media.LatenessHistogram {
	d := *a
	for i := range d.Buckets {
		d.Buckets[i] -= b.Buckets[i]
	}
	for i := range d.Over {
		d.Over[i] -= b.Over[i]
	}
	d.N -= b.N
	return &d
}

func writeAllocs(path string) error {
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

// startBoth starts the far end (this binary in a child process, phones
// speaking when board is set) and the robot's user agent on loopback,
// recording under recordDir ("" for none). The caller kills the callee.
func startBoth(ctx context.Context, o Options, cacheDir string, board *testcalls.Board, recordDir string, log *slog.Logger, stderr io.Writer) (*calleeProc, *telephony.UA, error) {
	callee, err := startCallee(ctx, o, cacheDir, board, stderr)
	if err != nil {
		return nil, nil, err
	}
	ua, err := telephony.New(ctx, telephony.Config{
		Name:           "dozvon",
		Listen:         []telephony.Listen{{Transport: "udp", Host: "127.0.0.1"}},
		RecordDir:      recordDir,
		MediaTimeout:   10 * time.Second,
		PerCallPacing:  o.Pacing == "per-call",
		ReadGoroutines: o.ReadGoroutines,
		RTPReadTicks:   o.ReadTicks,
	}, log)
	if err != nil {
		callee.kill()
		return nil, nil, fmt.Errorf("bench calls: %w", err)
	}
	return callee, ua, nil
}
