package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dozvon/dozvon/scripts"
	"github.com/dozvon/dozvon/telephony"
	"github.com/dozvon/dozvon/testcalls"
)

func TestParseBenchOptions(t *testing.T) {
	tests := []struct {
		args    []string
		wantErr string
		wantN   int
	}{
		{args: nil, wantN: 100},
		{args: []string{"-n", "500", "--duration", "30s", "--json"}, wantN: 500},
		{args: []string{"-n", "0"}, wantErr: "-n 0: want 1..5000"},
		{args: []string{"-n", "2", "--duration", "10ms"}, wantErr: "--duration 10ms"},
		{args: []string{"-n", "2", "--ramp", "-1s"}, wantErr: "--ramp -1s"},
		{args: []string{"-n", "2", "extra"}, wantErr: `unexpected argument "extra"`},
		{args: []string{"-n", "x"}, wantErr: "invalid value"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			var stderr bytes.Buffer
			o, err := parseBenchOptions(tt.args, &stderr)
			if tt.wantErr != "" {
				msg := stderr.String()
				if err != nil {
					msg += err.Error()
				}
				if err == nil || !strings.Contains(msg, tt.wantErr) {
					t.Fatalf("err %v (stderr %q), want one mentioning %q", err, stderr.String(), tt.wantErr)
				}
				return
			}
			if err != nil || o.n != tt.wantN {
				t.Fatalf("got n=%d err=%v, want n=%d", o.n, err, tt.wantN)
			}
		})
	}
}

func TestBenchQuantile(t *testing.T) {
	ms := func(v ...int) []time.Duration {
		out := make([]time.Duration, len(v))
		for i, x := range v {
			out[i] = time.Duration(x) * time.Millisecond
		}
		return out
	}
	hundred := make([]int, 100)
	for i := range hundred {
		hundred[i] = 100 - i // unsorted on purpose
	}
	tests := []struct {
		name string
		in   []time.Duration
		q    float64
		want time.Duration
	}{
		{"empty", nil, 0.5, 0},
		{"one", ms(7), 0.99, 7 * time.Millisecond},
		{"median of odd", ms(3, 1, 2), 0.5, 2 * time.Millisecond},
		{"p99 of 1..100", ms(hundred...), 0.99, 99 * time.Millisecond},
		{"max", ms(hundred...), 1, 100 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := benchQuantile(tt.in, tt.q); got != tt.want {
				t.Fatalf("benchQuantile(%v) = %v, want %v", tt.q, got, tt.want)
			}
		})
	}
}

func TestBenchParseStatusKB(t *testing.T) {
	status := "Name:\tdozvon\nVmPeak:\t  812345 kB\nVmHWM:\t   65432 kB\nVmRSS:\t   60000 kB\n"
	tests := []struct {
		key  string
		want int64
	}{
		{"VmHWM:", 65432},
		{"VmRSS:", 60000},
		{"VmSwap:", 0},
	}
	for _, tt := range tests {
		got := benchParseStatusKB(bufio.NewScanner(strings.NewReader(status)), tt.key)
		if got != tt.want {
			t.Errorf("%s = %d, want %d", tt.key, got, tt.want)
		}
	}
	if benchPeakRSS() <= 0 {
		t.Error("this process's VmHWM read as 0")
	}
}

func TestBenchParseSNMP(t *testing.T) {
	snmp := "Ip: Forwarding DefaultTTL\nIp: 1 64\nUdp: InDatagrams NoPorts InErrors RcvbufErrors\nUdp: 5496034 5125 8017 8016\n"
	tests := []struct {
		name, text string
		want       map[string]int64
	}{
		{"udp", snmp, map[string]int64{"InDatagrams": 5496034, "NoPorts": 5125, "InErrors": 8017, "RcvbufErrors": 8016}},
		{"missing", "Ip: Forwarding\nIp: 1\n", nil},
		{"ragged", "Udp: A B\nUdp: 1\n", nil},
		{"not a number", "Udp: A\nUdp: x\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := benchParseSNMP(tt.text, "Udp:")
			if len(got) != len(tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
			for k, v := range tt.want {
				if got[k] != v {
					t.Fatalf("%s = %d, want %d", k, got[k], v)
				}
			}
		})
	}
}

func TestBenchMachineCPU(t *testing.T) {
	a := benchParseProcStat("cpu  100 0 50 800 50 0 0 0 0 0\ncpu0 1 2 3\n")
	b := benchParseProcStat("cpu  200 0 100 900 50 0 0 0 0 0\n")
	if a != (benchCPUStat{busy: 150, total: 1000}) {
		t.Fatalf("parsed %+v, want busy 150 of 1000", a)
	}
	if got := benchBusyPercent(a, b); got != 60 {
		t.Fatalf("busy %.1f %%, want 60 (150 busy of 250 jiffies)", got)
	}
	if got := benchParseProcStat("intr 1 2 3\n"); got != (benchCPUStat{}) {
		t.Fatalf("non-cpu line parsed as %+v", got)
	}
}

func TestSummarizeBenchClassifiesCalls(t *testing.T) {
	hist := func(d time.Duration, n int) *telephony.LatenessHistogram {
		h := &telephony.LatenessHistogram{}
		for range n {
			h.Add(d)
		}
		return h
	}
	media := func(sent, recv int64) telephony.MediaStats {
		return telephony.MediaStats{FramesSent: sent, FramesReceived: recv,
			SendLate: hist(time.Millisecond, 10), ArrivalJitter: hist(2*time.Millisecond, 10)}
	}
	calls := []benchCall{
		{callID: "a", outcome: scripts.OutcomeIdentified, endReason: "local", media: media(100, 90), setup: 50 * time.Millisecond},
		{callID: "b", outcome: scripts.OutcomeIdentified, endReason: "media_timeout", media: media(100, 90)},
		{callID: "c", outcome: scripts.OutcomeFailed, endReason: "local", capped: true, media: media(100, 90)},
		{callID: "d", outcome: scripts.OutcomeNoInput, endReason: "local", media: media(100, 90)},
		{dialErr: &telephony.DialError{Result: telephony.Busy, Code: 486}},
	}
	crep := benchCalleeReport{Calls: []testcalls.CalleeReport{
		{CallID: "a", Media: telephony.MediaStats{FramesSent: 91, FramesReceived: 99, ArrivalJitter: hist(3*time.Millisecond, 99)}},
	}}
	res := benchResult{Outcomes: map[string]int{}, EndReasons: map[string]int{}}
	summarizeBench(&res, calls, crep)
	if res.Completed != 1 || res.Dropped != 2 || res.Failed != 2 {
		t.Fatalf("completed %d dropped %d failed %d, want 1 2 2 (%v)", res.Completed, res.Dropped, res.Failed, res.FailureSamples)
	}
	if res.OutFramesSent != 400 || res.OutFramesReceived != 99 || res.InFramesSent != 91 || res.CalleeReportsMissing != 3 {
		t.Fatalf("frames out %d/%d in %d, missing reports %d", res.OutFramesSent, res.OutFramesReceived, res.InFramesSent, res.CalleeReportsMissing)
	}
	if res.OutJitterP99Ms != 3.25 || res.SendLateP99Ms != 1.25 {
		t.Fatalf("far-end jitter p99 %.2f ms, send late p99 %.2f ms; want the merged histograms' 3.25 and 1.25", res.OutJitterP99Ms, res.SendLateP99Ms)
	}
}

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
	var res benchResult
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
