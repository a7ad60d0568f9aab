package loadtest

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// calleeEnv makes this test binary the bench's callee process: RunFull
// re-executes it (Options.Executable) with the callee's flags.
const calleeEnv = "DOZVON_LOADTEST_CALLEE"

func TestMain(m *testing.M) {
	if os.Getenv(calleeEnv) == "1" {
		os.Exit(RunCallee(context.Background(), os.Stdin, os.Stdout, os.Stderr, os.Args[1:]))
	}
	os.Exit(m.Run())
}

// TestRunFullWiring places 4 calls through the full path against speaking
// phones in a child process and checks the wiring, not the speed: every
// call was reserved and committed in the ledger (audit entries = calls,
// no violations), recorded, saved, and the stand-in recognizer returned
// words for the VAD's segments (the phones send no keypad digits, so an
// identified debtor means speech was segmented and recognised).
func TestRunFullWiring(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: 4 calls of verify_contact take about 25 s")
	}
	if _, err := exec.LookPath("espeak-ng"); err != nil {
		t.Skip("espeak-ng not installed: the robot and the phones need a voice")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv(calleeEnv, "1") // for the child only: this process is past TestMain
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	const n = 4
	o := Options{N: n, Duration: time.Minute, Ramp: 400 * time.Millisecond, Pacing: "shared", Full: true,
		Script: filepath.Join("..", "scripts", "verify_contact.yaml"), Executable: exe, CalleeArgs: []string{"--tts", "espeak"},
		TTSCache: filepath.Join(os.TempDir(), "dozvon-test-tts"), // shared between runs: espeak is slow
		Vars:     map[string]any{"debtor": map[string]any{"name": "Иванов Иван Иванович", "first_name": "Иван"}}}
	var stderr bytes.Buffer
	res, err := RunFull(ctx, o, &stderr)
	if err != nil {
		t.Fatalf("RunFull: %v\nstderr:\n%s", err, stderr.String())
	}
	if res.Completed != n || res.Failed != 0 || res.Dropped != 0 || res.Denied != 0 {
		t.Fatalf("completed %d failed %d dropped %d denied %d (%v), want %d 0 0 0\nstderr:\n%s",
			res.Completed, res.Failed, res.Dropped, res.Denied, res.FailureSamples, n, stderr.String())
	}
	if res.LedgerEntries != n || res.Violations != 0 || res.Reserve.N != n || res.Commit.N != n {
		t.Fatalf("ledger entries %d, violations %d (%v), reserved %d, committed %d: want every one of %d calls through the guard",
			res.LedgerEntries, res.Violations, res.Findings, res.Reserve.N, res.Commit.N, n)
	}
	if res.Recordings != n || res.SaveCall.N != n || res.FinishTask.N != n {
		t.Fatalf("recordings %d, call records %d, task results %d, want %d each", res.Recordings, res.SaveCall.N, res.FinishTask.N, n)
	}
	if res.CallsHeard != n || res.ASRFedSeconds <= 0 || res.ASRFedSeconds >= res.ASRReceivedSeconds {
		t.Fatalf("%d calls with recognised speech, VAD fed %.1f s of %.1f s: want words on every call from the speech segments only",
			res.CallsHeard, res.ASRFedSeconds, res.ASRReceivedSeconds)
	}
	if res.EventDelay.N == 0 || res.OutFramesReceived == 0 {
		t.Fatalf("no events delivered (%d) or no frames at the far end (%d)", res.EventDelay.N, res.OutFramesReceived)
	}
}
