package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/dozvon/dozvon/loadtest"
)

// TestBenchAPISmall runs `bench api` in this process at a tiny size: two
// sipp calls, two WebSocket clients, a few API requests. It proves the
// wiring (auth token, event stream, API, call path), not the figures.
func TestBenchAPISmall(t *testing.T) {
	for _, bin := range []string{"sipp", "espeak-ng"} {
		if _, err := exec.LookPath(bin); err != nil {
			t.Skip(bin + " not installed")
		}
	}
	if testing.Short() {
		t.Skip("-short: runs sipp calls")
	}
	cfg := filepath.Join(t.TempDir(), "dozvon.yaml")
	cache := filepath.Join(os.TempDir(), "dozvon-test-tts") // shared between runs: espeak is slow
	if err := os.WriteFile(cfg, []byte("tts: {cache_dir: "+cache+"}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	e := env{stdin: &bytes.Buffer{}, stdout: &out, stderr: &errOut, getenv: func(string) string { return "" }}
	// No deadline of its own: sipp bounds its run (-timeout) and the bench
	// its waits; go test's -timeout bounds the rest.
	code := run(t.Context(), e, []string{"bench", "api", "--clients", "2", "--calls", "2", "--rate", "2", "--hold", "1s", "--api-rate", "10",
		"--json", "--config", cfg, "--script", filepath.Join("..", "..", "scripts", "verify_contact.yaml")})
	if code != 0 {
		t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, out.String(), errOut.String())
	}
	var f loadtest.APIFigures
	if err := json.Unmarshal(out.Bytes(), &f); err != nil {
		t.Fatalf("stdout is not one JSON object: %v\n%s", err, out.String())
	}
	switch {
	case f.CallsAnswered+f.CallsFailed != 2:
		t.Fatalf("calls answered %d + failed %d, want 2 in all: %+v", f.CallsAnswered, f.CallsFailed, f)
	case f.EventsMin == 0 || f.EventDelay.N != 2*f.EventsMin:
		t.Fatalf("events per client min %d, delays %d: want every client to see the calls' events: %+v", f.EventsMin, f.EventDelay.N, f)
	case f.APIOK == 0 || f.APIFailed != 0:
		t.Fatalf("API ok %d failed %d (%s), want all ok", f.APIOK, f.APIFailed, f.APIError)
	case f.ClientsLost != 0:
		t.Fatalf("%d streams ended early", f.ClientsLost)
	}
}
