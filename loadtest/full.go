package loadtest

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	goruntime "runtime"
	"sync"
	"time"

	"github.com/dozvon/dozvon/asr"
	"github.com/dozvon/dozvon/callflow"
	"github.com/dozvon/dozvon/clock"
	"github.com/dozvon/dozvon/compliance"
	"github.com/dozvon/dozvon/events"
	"github.com/dozvon/dozvon/phonenum"
	"github.com/dozvon/dozvon/portfolio"
	"github.com/dozvon/dozvon/robot"
	"github.com/dozvon/dozvon/scheduler"
	"github.com/dozvon/dozvon/scripts"
	"github.com/dozvon/dozvon/store"
	"github.com/dozvon/dozvon/testcalls"
	"github.com/dozvon/dozvon/tts"
)

// FullClock is the 230-FZ clock of the full bench: Wednesday 9 December
// 2026 (a working day by the production calendar), 08:30 UTC — 11:30 in
// Moscow, where every simulated debtor lives, and inside the weekday window
// (08:00–22:00 local) in every Russian zone from Kaliningrad (10:30) to
// Kamchatka (20:30). The bench's clock starts there and runs in real time
// (clock.Start: the scheduler's calls-per-second limiter needs time to
// pass), and a run lasts minutes, so every call is lawful whenever the
// bench runs; the guard still decides each one (hours, calendar, limits)
// and the audit replays them.
var FullClock = time.Date(2026, 12, 9, 8, 30, 0, 0, time.UTC)

// fullDebtors are n distinct persons in Moscow: each its own id, mobile
// number and birth date (the person key is name + birth date), so the
// guard's one-conversation-a-day limit never refuses one of them. They
// share the name the robot says, so the TTS cache serves every call.
func fullDebtors(n int) []portfolio.Debtor {
	out := make([]portfolio.Debtor, n)
	born := time.Date(1960, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range out {
		out[i] = portfolio.Debtor{ID: fmt.Sprintf("B-%05d", i+1), Name: "Иванов Иван Иванович", Region: "г. Москва",
			BirthDate: born.AddDate(0, 0, i).Format(time.DateOnly),
			Phones:    phonenum.List{phonenum.MustParse(fmt.Sprintf("+7916%07d", i+1))}}
	}
	return out
}

// RunFull places o.N calls through the whole call path as `dozvon serve`
// runs a campaign: the debtors are stored, a campaign of one task each is
// created, and the scheduler (o.N channels, o.N/o.Ramp calls a second)
// leases the tasks, asks the 230-FZ guard (a real SQLite ledger), and
// dials through callflow — recording, VAD, the labelled stand-in
// recognizer, the call record and the ledger commit — with every event
// going through the events hub to the store. The far end is the callee
// exchange in a child process, whose phones speak. At the end the ledger is
// replayed with Guard.Audit. log gets the run's warnings.
func RunFull(ctx context.Context, o Options, stderr io.Writer) (FullResult, error) {
	res := FullResult{Calls: o.N, Cores: goruntime.NumCPU(), Ramp: o.Ramp.String(), Script: filepath.Base(o.Script),
		Clock: FullClock.Format(time.RFC3339), Recognizer: standInNote, Outcomes: map[string]int{}, EndReasons: map[string]int{}}
	res.NoFile = raiseNoFile()
	fail := func(err error) (FullResult, error) { return res, fmt.Errorf("bench calls --full: %w", err) }
	if _, err := scripts.Load(o.Script); err != nil {
		return res, fmt.Errorf("bench calls --full: %w (run from the repository root or give --script)", err)
	}
	if o.TTSEngine == "" {
		o.TTSEngine = "espeak"
	}
	engine, err := tts.NewVoice(o.TTSEngine)
	if err != nil {
		return fail(err)
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn, ReplaceAttr: compliance.MaskPhoneAttrs}))
	voice := tts.NewCache(o.TTSCache, engine, engine.Key(), tts.WithCacheLogger(log))
	vad := o.VAD
	if vad == (asr.VADConfig{}) {
		vad = asr.DefaultVADConfig()
	}
	dir, err := os.MkdirTemp("", "dozvon-bench-full-")
	if err != nil {
		return fail(err)
	}
	defer os.RemoveAll(dir)
	recDir := filepath.Join(dir, "recordings")
	if o.Record != "" {
		recDir = o.Record
	}

	db, err := store.Open(ctx, "sqlite:"+filepath.Join(dir, "dozvon.db"))
	if err != nil {
		return fail(err)
	}
	defer db.Close()
	var tm pathTimings
	st := timedStore{DB: db, t: &tm}
	clk := clock.Start(clock.Fixed(FullClock))
	g, err := compliance.NewGuard(compliance.Config{Ledger: db, Clock: clk, Logger: log})
	if err != nil {
		return fail(err)
	}
	guard := timedGuard{Guard: g, t: &tm}

	hubCtx, stopHub := context.WithCancel(context.WithoutCancel(ctx))
	defer stopHub()
	hub, err := events.NewHub(events.HubConfig{Store: st, Clock: clk, Log: log})
	if err != nil {
		return fail(err)
	}
	hubDone := make(chan struct{})
	go func() { defer close(hubDone); hub.Run(hubCtx) }()
	live := &liveCalls{}
	tap := newPathTap(hub, live)
	watched := make(chan struct{})
	sub := hub.Subscribe(nil, 1<<16)
	go func() { defer close(watched); tap.watch(sub) }()

	board := testcalls.NewBoard()
	callee, ua, err := startBoth(ctx, o, o.TTSCache, board, recDir, log, stderr)
	if err != nil {
		return res, err
	}
	defer callee.kill()
	flow, err := callflow.New(callflow.Config{
		UA: ua, Guard: guard, Calls: st, Clock: clk, Log: log,
		Voice:        robot.VoiceConfig{Voice: voice, LoadAudio: tts.LoadAudioFile, Log: log},
		NewSegmenter: func() (robot.Segmenter, error) { return asr.NewSegmenter(vad) },
		RecordDir:    recDir, Events: tap,
	})
	if err != nil {
		return fail(err)
	}

	debtors := fullDebtors(o.N)
	if err := portfolio.Save(ctx, db, portfolio.Result{Debtors: debtors}, "bench"); err != nil {
		return fail(err)
	}
	cps := 0.0 // unlimited
	if o.Ramp > 0 {
		cps = float64(o.N) / o.Ramp.Seconds()
	}
	// one call per task: every retry waits a day, past the run's horizon
	day := scheduler.Duration(24 * time.Hour)
	camp := scheduler.Config{Script: o.Script, CPS: cps, CallerIDs: []scheduler.CallerID{{Number: "74950000000", Region: "г. Москва"}},
		Retry: scheduler.RetryRules{Busy: day, NoAnswer: day, Machine: day, Failed: day, Rejected: day, Unreachable: day, MaxPerPhone: 1, MaxPerDebtor: 1}}
	pc, err := scheduler.CampaignFromPortfolio(ctx, db, camp, "bench", debtors, FullClock)
	if err != nil {
		return fail(err)
	}
	dialer := &callflow.Dialer{Flow: flow, RingTimeout: 10 * time.Second,
		Target: func(scheduler.Call) string { return callee.uri },
		Vars:   func(scheduler.Call) map[string]any { return o.Vars },
		Recognizer: func(callID string) asr.Recognizer {
			r := board.Recognizer(callID)
			r.Slack = standInSlack
			return r
		},
	}
	var evMu sync.Mutex
	var tasks []scheduler.Event
	sched, err := scheduler.New(scheduler.Options{Store: st, Guard: guard, Dialer: dialer, Clock: clk, Log: log,
		Holder: "bench", Channels: o.N, CheckConfig: flow.CheckCampaign,
		OnEvent: func(e scheduler.Event) { evMu.Lock(); tasks = append(tasks, e); evMu.Unlock() }})
	if err != nil {
		return fail(err)
	}

	stopProfile, err := startCPUProfile(o.CPUProfile)
	if err != nil {
		return fail(err)
	}
	defer stopProfile()
	res.LoadBefore = loadAvg()
	res.BaseRSSMiB = float64(procStatusKB("/proc/self/status", "VmRSS:")) / 1024
	mach0 := machineCPU()
	samp := startSampler(o.N, live)
	var mem0, mem1 goruntime.MemStats
	goruntime.ReadMemStats(&mem0)
	cpu0, t0, flt0 := cpuTime(), time.Now(), minorFaults()
	sched0 := readSched()
	// nothing falls due again within the hour (see camp.Retry), so the
	// run ends with its calls
	runErr := sched.Run(ctx, clk.Now().Add(time.Hour))
	wall := time.Since(t0)
	cpu := cpuTime() - cpu0
	faults := minorFaults() - flt0
	sched1 := readSched()
	samples := samp.stop()
	goruntime.ReadMemStats(&mem1)
	stopProfile()
	res.LoadAfter = loadAvg()
	res.MachineBusyPercent = busyPercent(mach0, machineCPU())
	res.WallSeconds = wall.Seconds()
	res.RobotCPUPercent = 100 * cpu.Seconds() / wall.Seconds()
	res.RobotPeakRSSMiB = float64(peakRSS()) / (1 << 20)
	res.PeakConcurrent, res.RobotPeakGoroutines = samples.peakActive, samples.peakGoroutines
	res.RobotCPUPlateauPercent, res.RobotCPUPeakPercent = samples.plateauCPU, samples.peakCPU
	if runErr != nil && ctx.Err() == nil {
		return fail(runErr)
	}
	if o.MemProfile != "" {
		if err := writeAllocs(o.MemProfile); err != nil {
			return res, err
		}
	}

	stopHub() // stores what is queued, then closes the subscription
	<-hubDone
	<-watched
	crep, err := callee.finish()
	if err != nil {
		return res, err
	}
	res.CalleeCPUPercent = 100 * crep.CPU.Seconds() / max(crep.Wall.Seconds(), 1e-9)
	res.CalleePeakRSSMiB = float64(crep.PeakRSS) / (1 << 20)
	audit, err := g.Audit(ctx, db, pc.Debtors)
	if err != nil {
		return fail(err)
	}
	ended, delays := tap.results()
	summarizeFull(&res, fullRun{tasks: tasks, ended: ended, callee: crep, audit: audit, timings: &tm,
		eventDelays: delays, hub: hub.Stats(), board: board.Stats()})
	res.NoInputTurns = tap.noInputTurns()
	allocStats(&res, &mem0, &mem1)
	schedDelta(&res, sched0, sched1)
	res.RobotCPUSeconds = cpu.Seconds()
	res.MinorFaults = faults
	if callSec := float64(res.OutFramesSent) / 50; callSec > 0 {
		res.CPUMsPerCallSecond = 1000 * res.RobotCPUSeconds / callSec
		res.MinorFaultsPerCallSecond = float64(faults) / callSec
	}
	if o.Compare {
		mo := o
		mo.Full, mo.Compare, mo.CPUProfile, mo.MemProfile, mo.Record = false, false, "", "", ""
		mo.PhonesCPUProfile = ""
		// peak RSS is the process's (VmHWM): reset it so the media-only
		// figure is not the full run's (Linux; ignored where not allowed)
		_ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
		r, err := Run(ctx, mo, stderr)
		if err != nil {
			return res, fmt.Errorf("bench calls --compare (media only): %w", err)
		}
		res.MediaOnly = &r
	}
	return res, nil
}

// standInSlack is how far before a speech segment's first audio the
// stand-in recognizer still takes an utterance the phone began. Its default
// (1.5 s) covers the pre-roll and the jitter buffer; on a box the robot
// saturates, its recognizer goroutine reads a segment's audio seconds after
// the phone spoke it (the bench's heard_lag p99 was 4–6 s at 500 calls),
// and the window then missed the answer: the segment had "no words" and the
// call ended no_input, which Vosk, hearing the audio itself, would not do.
// The phones answer once per robot prompt, seconds apart, so a wide window
// takes no later utterance.
const standInSlack = 10 * time.Second

// standInNote says what recognises the simulated debtors' speech.
const standInNote = "labelled stand-in (testcalls.ScriptedRecognizer): for each speech segment the robot's VAD detects, the words the simulated phone planned to say then (its process forwards them); no Vosk"

// allocStats fills the heap allocation figures of the run between two
// MemStats readings; a call-second is 50 frames the robot sent.
func allocStats(res *FullResult, before, after *goruntime.MemStats) {
	res.AllocObjects = after.Mallocs - before.Mallocs
	res.AllocMiB = float64(after.TotalAlloc-before.TotalAlloc) / (1 << 20)
	res.GCCycles = after.NumGC - before.NumGC
	res.GCCPUFractionPercent = 100 * after.GCCPUFraction
	if callSec := float64(res.OutFramesSent) / 50; callSec > 0 {
		res.AllocsPerCallSecond = float64(res.AllocObjects) / callSec
		res.AllocKiBPerCallSec = res.AllocMiB * 1024 / callSec
	}
}
