package loadtest

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/dozvon/dozvon/telephony"
	"github.com/dozvon/dozvon/telephony/sipguard"
	"github.com/dozvon/dozvon/testcalls"
	"github.com/dozvon/dozvon/tts"
)

// CalleeReport is what the callee process writes on exit: its per-call
// observations and its own resource use, so the robot's figures stay the
// robot's alone.
type CalleeReport struct {
	Calls    []testcalls.CalleeReport `json:"calls"`
	CPU      time.Duration            `json:"cpu_ns"`  // user+sys of the callee process
	Wall     time.Duration            `json:"wall_ns"` // from ready to exit
	PeakRSS  int64                    `json:"peak_rss_bytes"`
	Unfinish int                      `json:"unfinished"` // handlers still running at exit
}

// calleePhone is the simulated debtor every bench call reaches: it answers
// fast, says "алло, слушаю" (speech for the robot's VAD), then answers the
// verify_contact prompts with DTMF 1 (yes) twice, which the script accepts
// in keypad mode — recognition cannot cross the process boundary.
func calleePhone() testcalls.Behaviour {
	return testcalls.Behaviour{
		Ring:     50 * time.Millisecond,
		Greeting: "алло, слушаю",
		Steps:    []testcalls.Step{{DTMF: "1"}, {DTMF: "1"}},
	}
}

// speakingPhone is the simulated debtor of the full-path bench: it greets
// and then answers both verify_contact questions in words, so the robot's
// VAD has speech segments to feed the recognizer (the labelled stand-in,
// which reads what the phone planned to say from the board its process
// forwards to the robot's).
func speakingPhone() testcalls.Behaviour {
	return testcalls.Behaviour{
		Ring:     50 * time.Millisecond,
		Greeting: "алло, слушаю",
		Steps:    testcalls.Says("да, это я", "да, удобно"),
	}
}

// saidPrefix starts a stdout line of the callee process that carries one
// utterance (JSON testcalls.Utterance) for the robot's board.
const saidPrefix = "said "

// RunCallee runs the simulated phone exchange for `bench calls` (the child
// process Run starts) until stdin closes (or ctx ends), then writes a JSON
// report. It prints "ready <sip uri>" on stdout once it accepts calls and
// returns the process exit code.
func RunCallee(ctx context.Context, stdin io.Reader, stdout, stderr io.Writer, args []string) int {
	fs := flag.NewFlagSet("bench callee", flag.ContinueOnError)
	fs.SetOutput(stderr)
	listen := fs.String("listen", "127.0.0.1:0", "SIP UDP host:port to listen on")
	report := fs.String("report", "", "file to write the JSON report to on exit (required)")
	cacheDir := fs.String("tts-cache", filepath.Join(os.TempDir(), "dozvon-bench-tts"), "TTS cache directory")
	engine := fs.String("tts", "espeak", "TTS engine for the callee's voice")
	speak := fs.Bool("speak", false, "answer in words, not keypad, and write each utterance on stdout (\"said {json}\") for the robot's stand-in recognizer")
	cpuProfile := fs.String("cpuprofile", "", "write this process's CPU profile to FILE until it exits")
	readTicks := fs.Int("read-ticks", 0, "telephony.Config.RTPReadTicks of the phones (0: its default)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *report == "" {
		fmt.Fprintln(stderr, "dozvon: bench callee: --report FILE is required")
		return 2
	}
	host, portText, err := net.SplitHostPort(*listen)
	port, perr := strconv.Atoi(portText)
	if err != nil || perr != nil || port < 0 || port > 65535 {
		fmt.Fprintf(stderr, "dozvon: bench callee: --listen %q: want host:port\n", *listen)
		return 2
	}
	stopProfile, err := startCPUProfile(*cpuProfile)
	if err != nil {
		fmt.Fprintf(stderr, "dozvon: bench callee: %v\n", err)
		return 1
	}
	defer stopProfile()
	raiseNoFile()
	voice, err := tts.NewVoice(*engine)
	if err != nil {
		fmt.Fprintf(stderr, "dozvon: bench callee: %v\n", err)
		return 1
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	// The exchange outlives the signal context: on SIGTERM or stdin EOF we
	// stop taking part, wait for the calls to end, then tear it down.
	uaCtx, stopUA := context.WithCancel(context.WithoutCancel(ctx))
	defer stopUA()
	callee, err := testcalls.NewCallee(uaCtx, telephony.Config{
		Name:   "bench-phones",
		Listen: []telephony.Listen{{Transport: "udp", Host: host, Port: port}},
		// the robot's calls last well under this; a lost BYE still ends
		MediaTimeout: 10 * time.Second,
		// the simulated phones take every call the bench places: the
		// default cap of 1000 inbound calls in progress (a service's guard
		// against floods) refused calls beyond it with 503
		Security: sipguard.Config{MaxInboundCalls: -1},
		// the far-end jitter the bench reports is also taken from the
		// kernel's arrival stamps: on a box the robot saturates, the
		// phones' reads run late, and their clock alone would blame the
		// robot's pacing for it
		KernelArrivalTimes: true,
		RTPReadTicks:       *readTicks,
		// the phones read with the shards (the default): less CPU per
		// packet on the robot's cores, every packet timed by its kernel stamp
	}, tts.NewCache(*cacheDir, voice, voice.Key(), tts.WithCacheLogger(log)), log)
	if err != nil {
		fmt.Fprintf(stderr, "dozvon: bench callee: %v\n", err)
		return 1
	}
	phone := calleePhone()
	var outMu sync.Mutex // utterances are written from the calls' goroutines
	if *speak {
		phone = speakingPhone()
		callee.Board().Forward(func(u testcalls.Utterance) {
			line, err := json.Marshal(u)
			if err != nil {
				return
			}
			outMu.Lock()
			defer outMu.Unlock()
			fmt.Fprintf(stdout, "%s%s\n", saidPrefix, line)
		})
	}
	uri := callee.Phone("debtor", phone)
	start := time.Now()
	cpu0 := cpuTime()
	outMu.Lock()
	fmt.Fprintf(stdout, "ready %s\n", uri)
	outMu.Unlock()

	stdinClosed := make(chan struct{})
	go func() {
		_, _ = bufio.NewReader(stdin).ReadString(0) // until EOF
		close(stdinClosed)
	}()
	select {
	case <-stdinClosed:
	case <-ctx.Done():
	}
	waited := make(chan struct{})
	go func() { callee.Wait(); close(waited) }()
	unfinished := 0
	select {
	case <-waited:
	case <-time.After(15 * time.Second):
		unfinished = 1 // at least one; the report below counts what ended
	}
	rep := CalleeReport{
		Calls:    callee.Reports(),
		CPU:      cpuTime() - cpu0,
		Wall:     time.Since(start),
		PeakRSS:  peakRSS(),
		Unfinish: unfinished,
	}
	data, err := json.Marshal(rep)
	if err == nil {
		err = os.WriteFile(*report, data, 0o644)
	}
	if err != nil {
		fmt.Fprintf(stderr, "dozvon: bench callee: write report %s: %v\n", *report, err)
		return 1
	}
	return 0
}

// calleeProc is the callee exchange running as a child process.
type calleeProc struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	uri    string
	report string
	dir    string
}

// startCallee starts the callee exchange; with a board, the phones speak
// (--speak) and each utterance they forward is added to it.
func startCallee(ctx context.Context, o Options, cacheDir string, board *testcalls.Board, stderr io.Writer) (*calleeProc, error) {
	self := o.Executable
	if self == "" {
		var err error
		if self, err = os.Executable(); err != nil {
			return nil, fmt.Errorf("bench calls: find own binary: %w", err)
		}
	}
	args := o.CalleeArgs
	if len(args) == 0 {
		args = []string{"bench", "callee"} // dozvon's own hidden subcommand
	}
	dir, err := os.MkdirTemp("", "dozvon-bench-")
	if err != nil {
		return nil, fmt.Errorf("bench calls: %w", err)
	}
	p := &calleeProc{dir: dir, report: filepath.Join(dir, "callee.json")}
	args = append(slices.Clone(args), "--listen", "127.0.0.1:0", "--report", p.report, "--tts-cache", cacheDir)
	if board != nil {
		args = append(args, "--speak")
	}
	if o.PhonesCPUProfile != "" {
		args = append(args, "--cpuprofile", o.PhonesCPUProfile)
	}
	if o.ReadTicks != 0 {
		args = append(args, "--read-ticks", strconv.Itoa(o.ReadTicks))
	}
	p.cmd = exec.Command(self, args...)
	p.cmd.Stderr = stderr
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
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "ready "):
				lines <- strings.TrimPrefix(line, "ready ")
			case board != nil && strings.HasPrefix(line, saidPrefix):
				var u testcalls.Utterance
				if json.Unmarshal([]byte(strings.TrimPrefix(line, saidPrefix)), &u) == nil {
					board.Add(u)
				}
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
func (p *calleeProc) finish() (CalleeReport, error) {
	var rep CalleeReport
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

func (p *calleeProc) kill() {
	if p.cmd.ProcessState == nil && p.cmd.Process != nil {
		_ = p.cmd.Process.Kill()
		_ = p.cmd.Wait()
	}
	_ = os.RemoveAll(p.dir)
}
