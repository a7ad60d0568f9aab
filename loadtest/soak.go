package loadtest

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	goruntime "runtime"
	"strconv"
	"sync"
	"time"

	"github.com/dozvon/dozvon/callflow"
	"github.com/dozvon/dozvon/phonenum"
)

//go:embed scenarios/*.xml
var scenarios embed.FS

// The legs of a soak wave: who calls whom, and whether the far end sends
// RTP. sipp's built-in scenarios send none (a caller behind a broken NAT,
// a scanner); the embedded ones play the Debian package's G.711 pcap.
const (
	LegIn       = "in"        // sipp -sn uac dials the robot, no RTP
	LegInRTP    = "in-rtp"    // sipp dials the robot and talks
	LegOut      = "out"       // the robot dials a sipp phone, no RTP
	LegOutRTP   = "out-rtp"   // the robot dials a sipp phone that talks
	soakService = "soak"      // the SIP user the inbound legs dial (+leg)
	soakScripts = "scenarios" // embedded sipp scenarios
)

// AllLegs are the legs a wave runs by default.
var allLegs = []string{LegIn, LegInRTP, LegOut, LegOutRTP}

// SoakOptions are the flags of `bench soak`.
type SoakOptions struct {
	Waves      int
	Calls      int           // per leg per wave
	Rate       int           // new inbound calls per second per leg
	Concurrent int           // calls at once per leg
	Hold       time.Duration // how long a call lasts before its caller hangs up
	Idle       time.Duration // quiet time after each wave before measuring
	Legs       []string
	Sipp       string // the sipp binary
	Script     string
	Config     string // the binary's config file (read by the caller)
	JSON       bool
}

// ParseSoakArgs reads the flags of `bench soak`.
func ParseSoakArgs(args []string, stderr io.Writer) (SoakOptions, error) {
	o := SoakOptions{Legs: allLegs}
	fs := flag.NewFlagSet("bench soak", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.IntVar(&o.Waves, "waves", 4, "waves of calls")
	fs.IntVar(&o.Calls, "calls", 200, "calls per leg per wave")
	fs.IntVar(&o.Rate, "rate", 50, "new inbound calls per second per leg")
	fs.IntVar(&o.Concurrent, "concurrent", 100, "calls at once per leg")
	fs.DurationVar(&o.Hold, "hold", 5*time.Second, "call length before the caller (or, outbound, the robot) hangs up")
	fs.DurationVar(&o.Idle, "idle", 10*time.Second, "quiet time after each wave before measuring")
	legs := fs.String("legs", "in,in-rtp,out,out-rtp", "legs of each wave: in, in-rtp (sipp calls the robot), out, out-rtp (the robot calls sipp)")
	fs.StringVar(&o.Sipp, "sipp", "sipp", "the sipp binary (Debian package sip-tester)")
	fs.StringVar(&o.Script, "script", filepath.Join("scripts", "verify_contact.yaml"), "dialogue script of every call")
	fs.StringVar(&o.Config, "config", "", "dozvon YAML config; default dozvon.yaml or defaults")
	fs.BoolVar(&o.JSON, "json", false, "print the figures as JSON")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	o.Legs = nil
	for _, l := range bytes.Split([]byte(*legs), []byte(",")) {
		leg := string(bytes.TrimSpace(l))
		switch leg {
		case LegIn, LegInRTP, LegOut, LegOutRTP:
			o.Legs = append(o.Legs, leg)
		default:
			return o, fmt.Errorf("bench soak: --legs: unknown leg %q (want in, in-rtp, out, out-rtp)", leg)
		}
	}
	switch {
	case o.Waves < 1:
		return o, fmt.Errorf("bench soak: --waves %d: want at least 1", o.Waves)
	case o.Calls < 1 || o.Rate < 1 || o.Concurrent < 1:
		return o, fmt.Errorf("bench soak: --calls, --rate and --concurrent must be positive")
	case o.Hold < time.Second:
		return o, fmt.Errorf("bench soak: --hold %v: want at least 1s", o.Hold)
	case o.Idle < 0:
		return o, fmt.Errorf("bench soak: --idle %v: want 0 or more", o.Idle)
	}
	return o, nil
}

// Soak drives waves of calls at the robot of one process (this one) and
// measures what stays behind after each: the robot's side is wired by the
// caller (the same user agent and call path as `serve`), the far ends are
// sipp processes.
type Soak struct {
	o       SoakOptions
	addr    string // the robot's SIP host:port
	place   Placer
	request callflow.Request // template of an outbound call (script, vars)
	mu      sync.Mutex
	inbound map[string]*inboundLeg // by leg, during a wave
}

// inboundLeg is an inbound leg's count and a signal that all its calls ended.
type inboundLeg struct {
	fig  *LegFigures
	done chan struct{}
}

// LegFigures count one leg of one wave.
type LegFigures struct {
	Leg      string `json:"leg"`
	Calls    int    `json:"calls"`
	Answered int    `json:"answered"` // calls the robot ran to an end
	Failed   int    `json:"failed"`   // dial errors, call-path errors
	SippExit int    `json:"sipp_exit"`
	Error    string `json:"first_error,omitempty"` // the first failure's reason
	// LongestS is the longest answered call, seconds: a far end's BYE
	// that went unheard shows as calls far longer than --hold.
	LongestS float64 `json:"longest_call_s"`
}

func (f *LegFigures) count(rep callflow.Report, err error) {
	f.LongestS = max(f.LongestS, rep.Duration.Seconds())
	if err == nil {
		f.Answered++
		return
	}
	f.Failed++
	if f.Error == "" {
		f.Error = err.Error()
	}
}

// WaveFigures are the robot process's figures after a wave and its idle time.
type WaveFigures struct {
	Wave         int          `json:"wave"`
	Legs         []LegFigures `json:"legs"`
	WallSeconds  float64      `json:"wall_s"`
	HeapLiveMiB  float64      `json:"heap_live_mib"`  // after a forced GC
	HeapInuseMiB float64      `json:"heap_inuse_mib"` // before it: what the process holds
	HeapSysMiB   float64      `json:"heap_sys_mib"`
	RSSMiB       float64      `json:"rss_mib"`
	Goroutines   int          `json:"goroutines"`
}

// NewSoak prepares a soak whose outbound legs go through place with
// template's script and vars.
func NewSoak(o SoakOptions, place Placer, template callflow.Request) *Soak {
	return &Soak{o: o, place: place, request: template, inbound: map[string]*inboundLeg{}}
}

// InboundUser is the SIP user an inbound leg dials: the robot's handler
// passes it to Observe.
func InboundUser(leg string) string { return soakService + "-" + leg }

// Observe counts an inbound call the robot handled (the serve handler's
// result), by the SIP user it was dialled on.
func (s *Soak) Observe(user string, rep callflow.Report, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for leg, in := range s.inbound {
		if InboundUser(leg) != user {
			continue
		}
		in.fig.count(rep, errors.Join(err, rep.RunErr))
		if in.fig.Answered+in.fig.Failed == in.fig.Calls {
			close(in.done)
		}
	}
}

// Run runs the waves at the robot listening on addr (SIP host:port) and
// returns each wave's figures.
func (s *Soak) Run(ctx context.Context, addr string) ([]WaveFigures, error) {
	s.addr = addr
	if _, err := exec.LookPath(s.o.Sipp); err != nil {
		return nil, fmt.Errorf("bench soak: sipp not found (apt-get install sip-tester): %w", err)
	}
	dir, err := os.MkdirTemp("", "dozvon-soak-")
	if err != nil {
		return nil, fmt.Errorf("bench soak: %w", err)
	}
	defer os.RemoveAll(dir)
	for _, name := range []string{"uac_rtp.xml", "uas_rtp.xml"} {
		data, err := scenarios.ReadFile(soakScripts + "/" + name)
		if err == nil {
			err = os.WriteFile(filepath.Join(dir, name), data, 0o600)
		}
		if err == nil && name == "uas_rtp.xml" {
			err = os.WriteFile(filepath.Join(dir, "uas.xml"), withoutRTP(data), 0o600)
		}
		if err != nil {
			return nil, fmt.Errorf("bench soak: scenario %s: %w", name, err)
		}
	}
	var waves []WaveFigures
	for w := 1; w <= s.o.Waves; w++ {
		t0 := time.Now()
		legs, err := s.wave(ctx, dir, w)
		if err != nil {
			return waves, err
		}
		wall := time.Since(t0)
		select {
		case <-time.After(s.o.Idle):
		case <-ctx.Done():
			return waves, ctx.Err()
		}
		f := measure()
		f.Wave, f.Legs, f.WallSeconds = w, legs, wall.Seconds()
		waves = append(waves, f)
	}
	return waves, nil
}

// wave runs every leg at once and returns when all have ended.
func (s *Soak) wave(ctx context.Context, dir string, n int) ([]LegFigures, error) {
	s.mu.Lock()
	clear(s.inbound)
	figs := make([]*LegFigures, len(s.o.Legs))
	for i, leg := range s.o.Legs {
		figs[i] = &LegFigures{Leg: leg, Calls: s.o.Calls}
		if leg == LegIn || leg == LegInRTP {
			s.inbound[leg] = &inboundLeg{fig: figs[i], done: make(chan struct{})}
		}
	}
	s.mu.Unlock()
	var wg sync.WaitGroup
	errs := make([]error, len(figs))
	for i, f := range figs {
		wg.Go(func() {
			switch f.Leg {
			case LegIn, LegInRTP:
				f.SippExit, errs[i] = s.inboundLeg(ctx, dir, f.Leg)
			default:
				errs[i] = s.outboundLeg(ctx, dir, n, i, f)
			}
		})
	}
	wg.Wait()
	out := make([]LegFigures, len(figs))
	s.mu.Lock()
	for i, f := range figs {
		out[i] = *f
	}
	s.mu.Unlock()
	return out, errors.Join(errs...)
}

// inboundLeg runs sipp as the caller until its calls are done; its exit
// status is 0 when every call succeeded, 1 when some failed.
func (s *Soak) inboundLeg(ctx context.Context, dir, leg string) (int, error) {
	args := []string{"-s", InboundUser(leg), "-m", strconv.Itoa(s.o.Calls), "-r", strconv.Itoa(s.o.Rate),
		"-l", strconv.Itoa(s.o.Concurrent), "-d", strconv.Itoa(int(s.o.Hold.Milliseconds())),
		"-i", "127.0.0.1", "-p", "0", "-mp", strconv.Itoa(freeMediaPort(leg)), "-nostdin", "-timeout", timeoutArg(s.o), s.addr}
	if leg == LegInRTP {
		args = append([]string{"-sf", filepath.Join(dir, "uac_rtp.xml")}, args...)
	} else {
		args = append([]string{"-sn", "uac"}, args...)
	}
	exit, err := s.runSipp(ctx, dir, leg, args)
	if err != nil {
		return exit, err
	}
	// sipp is done once its BYEs are answered; the robot's side of each
	// call (store, recording close) may still be ending. Wait for every
	// call sipp placed to be seen, or a bounded time for calls sipp gave up on.
	s.mu.Lock()
	done := s.inbound[leg].done
	s.mu.Unlock()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
	case <-ctx.Done():
	}
	return exit, nil
}

// outboundLeg starts a sipp phone exchange and has the robot place the
// leg's calls to it, each capped at Hold.
func (s *Soak) outboundLeg(ctx context.Context, dir string, wave, idx int, f *LegFigures) error {
	port, err := freeUDPPort()
	if err != nil {
		return fmt.Errorf("bench soak: %w", err)
	}
	scenario := "uas.xml"
	if f.Leg == LegOutRTP {
		scenario = "uas_rtp.xml"
	}
	args := []string{"-sf", filepath.Join(dir, scenario), "-i", "127.0.0.1", "-p", strconv.Itoa(port),
		"-mp", strconv.Itoa(freeMediaPort(f.Leg)), "-d", strconv.Itoa(int(s.o.Hold.Milliseconds())), "-nostdin"}
	sctx, stop := context.WithCancel(ctx)
	defer stop()
	sippDone := make(chan error, 1)
	go func() {
		_, err := s.runSipp(sctx, dir, f.Leg, args)
		sippDone <- err
	}()
	reqs := make([]callflow.Request, s.o.Calls)
	for i := range reqs {
		r := s.request
		// A fresh number per call: the guard's daily limit must not be
		// what ends a soak's calls.
		seq := ((wave*len(allLegs)+idx)*s.o.Calls + i) % 10_000_000
		r.Phone, err = phonenum.Parse(fmt.Sprintf("+7913%07d", seq))
		if err != nil {
			return fmt.Errorf("bench soak: %w", err)
		}
		r.To = fmt.Sprintf("sip:%s@127.0.0.1:%d", soakService, port)
		reqs[i] = r
	}
	capped := capPlacer{p: s.place, limit: 3*s.o.Hold + 20*time.Second}
	for _, rep := range PlaceAll(ctx, capped, reqs, s.o.Concurrent, nil) {
		s.mu.Lock()
		f.count(rep, errors.Join(rep.DialErr, rep.RunErr))
		s.mu.Unlock()
	}
	stop()
	<-sippDone
	return nil
}

// capPlacer bounds each outbound call, so a far end that never hangs up
// (a lost BYE) cannot stall a wave; a call cut by it counts as failed.
type capPlacer struct {
	p     Placer
	limit time.Duration
}

func (c capPlacer) Place(ctx context.Context, req callflow.Request) (callflow.Report, error) {
	ctx, cancel := context.WithTimeout(ctx, c.limit)
	defer cancel()
	return c.p.Place(ctx, req)
}

// withoutRTP is a scenario with its audio playing removed.
func withoutRTP(scenario []byte) []byte {
	var out [][]byte
	for _, line := range bytes.SplitAfter(scenario, []byte("\n")) {
		if !bytes.Contains(line, []byte("play_pcap_audio")) {
			out = append(out, line)
		}
	}
	return bytes.Join(out, nil)
}

func (s *Soak) runSipp(ctx context.Context, dir, leg string, args []string) (int, error) {
	cmd := exec.CommandContext(ctx, s.o.Sipp, append(args, "-trace_err", "-error_file", filepath.Join(dir, leg+"-errors.log"))...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0, nil
	case ctx.Err() != nil: // an outbound leg's exchange, stopped when done
		return -1, nil
	case errors.As(err, &exit) && exit.ExitCode() == 1: // some calls failed
		return 1, nil
	default:
		return -1, fmt.Errorf("bench soak: sipp (%s): %w: %s", leg, err, bytes.TrimSpace(stderr.Bytes()))
	}
}

// timeoutArg bounds a sipp caller's whole run: its calls at the rate, each
// held, with room for retransmissions.
func timeoutArg(o SoakOptions) string {
	d := time.Duration(o.Calls/o.Rate+1)*time.Second + 3*o.Hold + 30*time.Second
	return strconv.Itoa(int(d.Seconds())) + "s"
}

// freeMediaPort spreads the legs' sipp media ports apart (sipp binds a
// port pair per scenario from -mp).
func freeMediaPort(leg string) int {
	for i, l := range allLegs {
		if l == leg {
			return 26000 + 200*i
		}
	}
	return 27000
}

func freeUDPPort() (int, error) {
	c, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer c.Close()
	return c.LocalAddr().(*net.UDPAddr).Port, nil
}

// measure reads this process's memory: first as it stands (RSS, heap in
// use), then the live heap after a forced collection.
func measure() WaveFigures {
	var m goruntime.MemStats
	goruntime.ReadMemStats(&m)
	f := WaveFigures{
		HeapInuseMiB: mib(m.HeapInuse),
		HeapSysMiB:   mib(m.HeapSys),
		RSSMiB:       float64(procStatusKB("/proc/self/status", "VmRSS:")) / 1024,
		Goroutines:   goruntime.NumGoroutine(),
	}
	goruntime.GC()
	goruntime.ReadMemStats(&m)
	f.HeapLiveMiB = mib(m.HeapAlloc)
	return f
}

func mib(b uint64) float64 { return float64(b) / (1 << 20) }
