package loadtest

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/dozvon/dozvon/asr"
)

// Options are the flags of `bench calls` and what the binary wires in.
type Options struct {
	N              int           // concurrent robot calls
	Duration       time.Duration // cap per call
	Ramp           time.Duration // the N dials are spread over this
	JSON           bool
	CPUProfile     string
	MemProfile     string
	Timeline       bool
	Script         string
	Record         string
	Config         string // the binary's config file (read by the caller, not here)
	Pacing         string
	ReadGoroutines bool // the robot's calls read RTP on a goroutine each (telephony.Config.ReadGoroutines)

	// PhonesCPUProfile is where the simulated phones' process writes its
	// CPU profile (empty: none); they share the box with the robot.
	PhonesCPUProfile string
	// ReadTicks is telephony.Config.RTPReadTicks for the robot and the
	// simulated phones alike (0: the default).
	ReadTicks int

	// Full sends the calls through the whole call path (RunFull): a
	// campaign in the scheduler, the 230-FZ guard on a SQLite ledger, the
	// store, recording, VAD and the labelled stand-in recognizer.
	Full bool
	// Compare, with Full, also runs the media-only bench (Run) after it
	// with the same -n and --ramp, for the figures side by side.
	Compare bool

	// Executable is the binary re-executed as the callee exchange with
	// CalleeArgs followed by RunCallee's flags; empty: this process's own
	// binary (os.Executable), which must route CalleeArgs to RunCallee.
	Executable string
	CalleeArgs []string      // default: bench callee
	TTSEngine  string        // espeak or festival (default espeak)
	TTSCache   string        // TTS cache directory shared with the callee
	VAD        asr.VADConfig // zero: asr.DefaultVADConfig
	// Vars are the script variables of every call (debtor.*, creditor.*);
	// an unset creditor leaves the script's own default in place.
	Vars map[string]any
}

// ParseArgs reads the flags of `bench calls`.
func ParseArgs(args []string, stderr io.Writer) (Options, error) {
	var o Options
	fs := flag.NewFlagSet("bench calls", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.IntVar(&o.N, "n", 100, "concurrent robot calls")
	fs.DurationVar(&o.Duration, "duration", 60*time.Second, "cap on each call; a call cut by it counts as dropped")
	fs.DurationVar(&o.Ramp, "ramp", 2*time.Second, "spread the N dials over this time (a CPS limit)")
	fs.BoolVar(&o.JSON, "json", false, "print the figures as JSON")
	fs.StringVar(&o.CPUProfile, "cpuprofile", "", "write the robot process's CPU profile over the run to FILE (go tool pprof)")
	fs.StringVar(&o.PhonesCPUProfile, "phones-cpuprofile", "", "write the simulated phones' process's CPU profile over its run to FILE (go tool pprof)")
	fs.BoolVar(&o.Timeline, "timeline", false, "print per-second calls up, robot CPU and send lateness (p99, max)")
	fs.StringVar(&o.MemProfile, "memprofile", "", "write the robot process's allocation profile at the end of the run to FILE")
	fs.StringVar(&o.Script, "script", filepath.Join("scripts", "verify_contact.yaml"), "dialogue script (must accept DTMF 1 = yes)")
	fs.StringVar(&o.Record, "record", "", "record every call as stereo WAV under DIR (off by default)")
	fs.StringVar(&o.Config, "config", "", "dozvon YAML config (TTS engine and cache, VAD); default dozvon.yaml or defaults")
	fs.StringVar(&o.Pacing, "pacing", "shared", "media pacing: shared (one pacer per core) or per-call (a goroutine and timer per call)")
	fs.IntVar(&o.ReadTicks, "read-ticks", 0, "the media shards drain a call's RTP socket every N 20 ms ticks, robot and phones (telephony.Config.RTPReadTicks; 0: its default, 1)")
	fs.BoolVar(&o.ReadGoroutines, "read-goroutines", false, "the robot's calls read RTP on a goroutine each instead of the media shards' recvmmsg once a tick (telephony.Config.ReadGoroutines)")
	fs.BoolVar(&o.Full, "full", false, "the whole call path: scheduler campaign, 230-FZ guard (SQLite ledger), store, events, recording, VAD, stand-in recognizer")
	fs.BoolVar(&o.Compare, "compare", false, "with --full: then run the media-only bench with the same -n and --ramp and print both")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	switch {
	case o.Compare && !o.Full:
		return o, errors.New("bench calls: --compare needs --full (the media-only bench is the default)")
	case o.Full && o.Pacing != "shared":
		return o, errors.New("bench calls: --full runs the service's media pacing (shared); --pacing per-call is for the media-only bench")
	case o.Pacing != "shared" && o.Pacing != "per-call":
		return o, fmt.Errorf("bench calls: --pacing %q: want shared or per-call", o.Pacing)
	case fs.NArg() > 0:
		return o, fmt.Errorf("bench calls: unexpected argument %q", fs.Arg(0))
	case o.N < 1 || o.N > 5000:
		return o, fmt.Errorf("bench calls: -n %d: want 1..5000", o.N)
	case o.Duration < time.Second:
		return o, fmt.Errorf("bench calls: --duration %v: want at least 1s", o.Duration)
	case o.Ramp < 0:
		return o, fmt.Errorf("bench calls: --ramp %v: want ≥ 0", o.Ramp)
	}
	return o, nil
}
