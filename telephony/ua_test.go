package telephony

import (
	"context"
	"errors"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/emiago/sipgo/sip"
	"github.com/go-audio/wav"
)

func newTestUA(t *testing.T, cfg Config) *UA {
	t.Helper()
	if len(cfg.Listen) == 0 {
		cfg.Listen = []Listen{{Transport: "udp", Host: "127.0.0.1"}}
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	u, err := New(ctx, cfg, testLogger())
	if err != nil {
		t.Fatal(err)
	}
	if err := u.start(); err != nil { // listen now, so goroutine baselines include it
		t.Fatal(err)
	}
	return u
}

func tone(freq float64, d time.Duration, amp float64) []int16 {
	n := int(d.Seconds() * sampleRate)
	pcm := make([]int16, n)
	for i := range pcm {
		pcm[i] = int16(amp * math.Sin(2*math.Pi*freq*float64(i)/sampleRate))
	}
	return pcm
}

func rms(pcm []int16) float64 {
	var s float64
	for _, v := range pcm {
		s += float64(v) * float64(v)
	}
	if len(pcm) == 0 {
		return 0
	}
	return math.Sqrt(s / float64(len(pcm)))
}

// serveWith starts a UA whose inbound handler is h.
func serveWith(t *testing.T, cfg Config, h InboundHandler) *UA {
	t.Helper()
	u := newTestUA(t, cfg)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	if err := u.Serve(ctx, h); err != nil {
		t.Fatal(err)
	}
	return u
}

// dialPhone dials a phone served with Config{} that runs before (if set)
// and then answers and holds the call, from a robot UA with cfg; the call
// is hung up when the test ends.
func dialPhone(t *testing.T, cfg Config, before func(*Inbound)) (*Call, context.Context) {
	t.Helper()
	phone := serveWith(t, Config{}, func(ctx context.Context, in *Inbound) {
		if before != nil {
			before(in)
		}
		call, err := in.Answer(ctx)
		if err != nil {
			return
		}
		<-call.Done()
	})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	call, _, err := newTestUA(t, cfg).Dial(ctx, DialRequest{To: phone.URI("debtor")})
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(func() { _ = call.Hangup(ctx) })
	return call, ctx
}

func TestDialAnswerMediaAndRecording(t *testing.T) {
	dir := t.TempDir()
	got := make(chan float64, 1)
	callee := serveWith(t, Config{}, func(ctx context.Context, in *Inbound) {
		call, err := in.Answer(ctx)
		if err != nil {
			t.Error(err)
			return
		}
		var heard []int16
		done := make(chan struct{})
		call.SetHandler(func(f []int16, at time.Duration, playing bool) {
			if at < 1500*time.Millisecond {
				heard = append(heard, f...)
			} else {
				select {
				case <-done:
				default:
					close(done)
				}
			}
		})
		p := call.Play(tone(440, time.Second, 8000))
		<-p.Done()
		select {
		case <-done:
		case <-ctx.Done():
		}
		got <- rms(heard)
		<-ctx.Done() // until the caller hangs up
	})
	caller := newTestUA(t, Config{RecordDir: dir})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	call, info, err := caller.Dial(ctx, DialRequest{To: callee.URI("debtor"), CallerID: "74951234567"})
	if err != nil {
		t.Fatal(err)
	}
	if info.Result != Answered || info.Code != 200 {
		t.Fatalf("info %+v", info)
	}
	p := call.Play(tone(1000, 1500*time.Millisecond, 8000))
	select {
	case <-p.Done():
	case <-time.After(10 * time.Second):
		t.Fatalf("1.5 s playback not done after 10 s: live=%v info=%+v stats=%+v", call.live.Load(), info, call.Stats())
	}
	r := <-got
	if r < 3000 {
		t.Fatalf("callee heard rms %.0f, want the caller's tone", r)
	}
	if err := call.Hangup(ctx); err != nil {
		t.Fatal(err)
	}
	<-call.Done()
	st := call.Stats()
	if st.FramesSent < 70 || st.FramesReceived < 40 {
		t.Fatalf("stats %+v", st)
	}
	f, err := os.Open(call.RecordingPath())
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	dec := wav.NewDecoder(f)
	buf, err := dec.FullPCMBuffer()
	if err != nil {
		t.Fatal(err)
	}
	if dec.NumChans != 2 || dec.SampleRate != 8000 {
		t.Fatalf("recording %d ch %d Hz", dec.NumChans, dec.SampleRate)
	}
	var left, right []int16
	for i := 0; i+1 < len(buf.Data); i += 2 {
		left = append(left, int16(buf.Data[i]))
		right = append(right, int16(buf.Data[i+1]))
	}
	if rms(left) < 500 || rms(right) < 500 {
		t.Fatalf("recording rms left %.0f right %.0f, want speech on both; stats %+v", rms(left), rms(right), st)
	}
	if filepath.Dir(filepath.Dir(call.RecordingPath())) != dir {
		t.Fatalf("recording at %s", call.RecordingPath())
	}
}

// TestDialReportsProgress: a callee that rings before it answers is heard
// ringing through OnProgress, once, before Dial returns the call. The callee
// answers only once the caller has reported the ringing, as a real phone
// rings for a while (sipgo may drop a 180 overtaken by its 200).
func TestDialReportsProgress(t *testing.T) {
	rang := make(chan struct{}, 1)
	callee := serveWith(t, Config{}, func(ctx context.Context, in *Inbound) {
		if err := in.Ringing(); err != nil {
			t.Error(err)
			return
		}
		select {
		case <-rang:
		case <-ctx.Done():
			return
		}
		if call, err := in.Answer(ctx); err == nil {
			<-call.Done()
		}
	})
	caller := newTestUA(t, Config{})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var progress progressCodes
	onProgress := func(code int) {
		progress.add(code)
		select {
		case rang <- struct{}{}:
		default:
		}
	}
	call, _, err := caller.Dial(ctx, DialRequest{To: callee.URI("ring-then-answer"), OnProgress: onProgress})
	if err != nil {
		t.Fatal(err)
	}
	if got := progress.get(); !slices.Equal(got, []int{180}) {
		t.Errorf("OnProgress got %v, want [180]", got)
	}
	if err := call.Hangup(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestDialFailures(t *testing.T) {
	callee := serveWith(t, Config{}, func(ctx context.Context, in *Inbound) {
		switch in.To() {
		case "busy":
			_ = in.Reject(486, "Busy Here")
		case "decline":
			_ = in.Reject(603, "Decline")
		case "missing":
			_ = in.Reject(404, "Not Found")
		case "broken":
			_ = in.Reject(503, "Service Unavailable")
		case "ring":
			_ = in.Ringing()
			<-ctx.Done()
		}
	})
	caller := newTestUA(t, Config{})
	base := runtime.NumGoroutine()
	defer waitGoroutines(t, base)
	tests := []struct {
		to       string
		want     Result
		code     int
		progress []int // provisional responses reported by OnProgress
	}{
		{"busy", Busy, 486, nil},
		{"decline", Rejected, 603, nil},
		{"missing", Unreachable, 404, nil},
		{"broken", Failed, 503, nil},
		{"ring", NoAnswer, 0, []int{180}},
	}
	for _, tt := range tests {
		t.Run(tt.to, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			var progress progressCodes
			_, info, err := caller.Dial(ctx, DialRequest{To: callee.URI(tt.to), RingTimeout: time.Second, OnProgress: progress.add})
			if got := progress.get(); !slices.Equal(got, tt.progress) {
				t.Errorf("OnProgress got %v, want %v", got, tt.progress)
			}
			var de *DialError
			if !errors.As(err, &de) {
				t.Fatalf("err %v, want *DialError", err)
			}
			if de.Result != tt.want || info.Result != tt.want {
				t.Fatalf("result %s, want %s (%v)", de.Result, tt.want, err)
			}
			if tt.code != 0 && de.Code != tt.code {
				t.Fatalf("code %d, want %d", de.Code, tt.code)
			}
		})
	}
}

func TestDialNoResponseIsUnreachable(t *testing.T) {
	caller := newTestUA(t, Config{InviteTimeout: 500 * time.Millisecond})
	port, err := freePort("udp", "127.0.0.1") // nothing listens there
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, info, err := caller.Dial(ctx, DialRequest{To: "sip:nobody@127.0.0.1:" + strconv.Itoa(port)})
	var de *DialError
	if !errors.As(err, &de) || de.Result != Unreachable || info.Result != Unreachable {
		t.Fatalf("err %v info %+v, want unreachable", err, info)
	}
}

func TestCodecMismatchGets488(t *testing.T) {
	callee := serveWith(t, Config{Codecs: []string{"PCMA"}}, func(ctx context.Context, in *Inbound) {
		if _, err := in.Answer(ctx); err == nil {
			t.Error("answer succeeded without a common codec")
		}
	})
	caller := newTestUA(t, Config{Codecs: []string{"PCMU"}})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	before := runtime.NumGoroutine()
	_, _, err := caller.Dial(ctx, DialRequest{To: callee.URI("x")})
	var de *DialError
	if !errors.As(err, &de) || de.Code != 488 {
		t.Fatalf("err %v, want 488", err)
	}
	_ = before
}

// testLogger is silent unless DOZVON_TEST_LOG=debug.
func testLogger() *slog.Logger {
	if os.Getenv("DOZVON_TEST_LOG") == "debug" {
		sip.SIPDebug = true
		slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug})))
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.DiscardHandler)
}

// progressCodes records what DialRequest.OnProgress reports.
type progressCodes struct {
	mu    sync.Mutex
	codes []int
}

func (p *progressCodes) add(code int) { p.mu.Lock(); p.codes = append(p.codes, code); p.mu.Unlock() }
func (p *progressCodes) get() []int   { p.mu.Lock(); defer p.mu.Unlock(); return slices.Clone(p.codes) }
