package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/dozvon/dozvon/loadtest"
)

// TestBenchCallsEndToEnd builds the binary and runs `bench calls -n 2
// --json`: two real robot calls over loopback SIP/RTP to the callee process.
func TestBenchCallsEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: a bench run takes about 25 s")
	}
	if _, err := exec.LookPath("espeak-ng"); err != nil {
		t.Skip("espeak-ng not installed: the robot and the callee need a voice")
	}
	bin := filepath.Join(t.TempDir(), "dozvon")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cfg := filepath.Join(t.TempDir(), "dozvon.yaml")
	cache := filepath.Join(os.TempDir(), "dozvon-test-tts") // shared between runs: espeak is slow
	if err := os.WriteFile(cfg, []byte("tts: {cache_dir: "+cache+"}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(ctx, bin, "bench", "calls", "-n", "2", "--ramp", "200ms", "--json",
		"--config", cfg, "--script", filepath.Join("..", "..", "scripts", "verify_contact.yaml"))
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("bench calls: %v\nstderr:\n%s", err, stderr.String())
	}
	var res loadtest.Result
	if err := json.NewDecoder(io.Reader(&stdout)).Decode(&res); err != nil {
		t.Fatalf("--json output: %v\n%s", err, stdout.String())
	}
	if res.Completed != 2 || res.Failed != 0 || res.Dropped != 0 {
		t.Fatalf("completed %d failed %d dropped %d (%v), want 2 0 0", res.Completed, res.Failed, res.Dropped, res.FailureSamples)
	}
	if res.CalleeReportsMissing != 0 || res.OutFramesReceived == 0 || res.InFramesReceived == 0 {
		t.Fatalf("callee reports missing %d; frames out %d in %d", res.CalleeReportsMissing, res.OutFramesReceived, res.InFramesReceived)
	}
	// the robot's outgoing audio reached the far end, bar the tail in flight at hang-up
	if lost := res.OutFramesSent - res.OutFramesReceived; lost < 0 || lost > 10 {
		t.Fatalf("robot sent %d frames, callee received %d", res.OutFramesSent, res.OutFramesReceived)
	}
	if res.ASRFedSeconds <= 0 || res.ASRFedSeconds >= res.ASRReceivedSeconds {
		t.Fatalf("ASR fed %.1f s of %.1f s: want the greeting's speech only", res.ASRFedSeconds, res.ASRReceivedSeconds)
	}
	if res.RobotPeakRSSMiB <= 0 || res.CalleePeakRSSMiB <= 0 || res.SetupP50Ms <= 0 {
		t.Fatalf("missing figures: %+v", res)
	}
}
