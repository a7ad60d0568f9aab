package telephony

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
	"time"
)

// sippPath returns the sipp binary or skips the test with a reason.
func sippPath(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("sipp")
	if err != nil {
		t.Skip("sipp not installed (Debian package sip-tester); tools/setup-debian.sh installs it")
	}
	return p
}

// freeUDPPorts returns n distinct free UDP ports (held open together while
// chosen, so they cannot repeat).
// startSipp starts sipp on 127.0.0.1:port with a scenario from testdata and
// media on mport (0: no media port), for one call ending by -timeout; its
// output goes to the returned buffer. The caller waits for or kills it.
func startSipp(ctx context.Context, t *testing.T, scenario string, port, mport int, timeout string) (*exec.Cmd, *bytes.Buffer) {
	t.Helper()
	args := []string{"-sf", filepath.Join("testdata", scenario), "-i", "127.0.0.1", "-p", fmt.Sprint(port)}
	if mport != 0 {
		args = append(args, "-mi", "127.0.0.1", "-mp", fmt.Sprint(mport))
	}
	args = append(args, "-m", "1", "-timeout", timeout, "-timeout_error", "-nostdin")
	var out bytes.Buffer
	cmd := exec.CommandContext(ctx, sippPath(t), args...)
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd, &out
}

func freeUDPPorts(t *testing.T, n int) []int {
	t.Helper()
	var ports []int
	for i := 0; i < n; i++ {
		c, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		ports = append(ports, c.LocalAddr().(*net.UDPAddr).Port)
	}
	return ports
}

// waitGoroutines waits for the goroutine count to come back to base (plus a
// small allowance for runtime helpers), failing with a dump if it does not.
func waitGoroutines(t *testing.T, base int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		n := runtime.NumGoroutine()
		if n <= base+2 {
			return
		}
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			buf = buf[:runtime.Stack(buf, true)]
			t.Fatalf("goroutines: %d, started with %d — leak:\n%s", n, base, buf)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitBound waits until another process has bound the UDP port.
func waitBound(t *testing.T, port int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		c, err := net.ListenPacket("udp", fmt.Sprintf("127.0.0.1:%d", port))
		if err != nil {
			return // in use: sipp is listening
		}
		c.Close()
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("nothing bound udp port %d in 10 s", port)
}

func TestSippAnswersRobotCall(t *testing.T) {
	sippPath(t) // skips the test when sipp is missing
	ports := freeUDPPorts(t, 2)
	port, mport := ports[0], ports[1]
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd, out := startSipp(ctx, t, "sipp_uas.xml", port, mport, "25s")
	u := newTestUA(t, Config{})
	base := runtime.NumGoroutine()

	waitBound(t, port)
	call, _, err := u.Dial(ctx, DialRequest{To: fmt.Sprintf("sip:robot@127.0.0.1:%d", port), RingTimeout: 5 * time.Second})
	if err != nil {
		t.Fatalf("dial sipp: %v\n%s", err, out.String())
	}
	if call.Codec() != "PCMA" {
		t.Fatalf("codec %s, want PCMA (sipp answered 8)", call.Codec())
	}
	heard := make(chan struct{})
	var loud int
	call.SetHandler(func(f []int16, at time.Duration, _ bool) {
		if rms(f) > 200 {
			loud++
			if loud == 25 {
				close(heard)
			}
		}
	})
	<-call.Play(tone(440, time.Second, 6000)).Done()
	select {
	case <-heard:
	case <-time.After(10 * time.Second):
		t.Fatalf("no audio from sipp's pcap in 10 s; stats %+v", call.Stats())
	}
	if err := call.Hangup(ctx); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("sipp failed: %v\n%s", err, out.String())
	}
	waitGoroutines(t, base)
}

func TestSippCallsInboundRobot(t *testing.T) {
	sipp := sippPath(t)
	ended := make(chan string, 1)
	var frames int64
	u := serveWith(t, Config{}, func(ctx context.Context, in *Inbound) {
		call, err := in.Answer(ctx)
		if err != nil {
			t.Error(err)
			return
		}
		<-call.Play(tone(600, 1500*time.Millisecond, 6000)).Done()
		<-call.Done()
		frames = call.Stats().FramesReceived
		ended <- call.EndReason()
	})
	base := runtime.NumGoroutine()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var out bytes.Buffer
	ports := freeUDPPorts(t, 2)
	cmd := exec.CommandContext(ctx, sipp, "-sf", filepath.Join("testdata", "sipp_uac.xml"),
		"-s", "robot", "-i", "127.0.0.1", "-p", fmt.Sprint(ports[0]),
		"-mi", "127.0.0.1", "-mp", fmt.Sprint(ports[1]),
		"-m", "1", "-timeout", "25s", "-timeout_error", "-nostdin", u.Addr())
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("sipp failed: %v\n%s", err, out.String())
	}
	select {
	case why := <-ended:
		if why != "remote" {
			t.Fatalf("call ended by %q, want remote (sipp's BYE)", why)
		}
	case <-ctx.Done():
		t.Fatal("inbound call did not end after sipp's BYE")
	}
	if frames < 50 {
		t.Fatalf("received %d audio frames from sipp, want its pcap audio", frames)
	}
	waitGoroutines(t, base)
}
