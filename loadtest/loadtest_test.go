package loadtest

import (
	"bufio"
	"bytes"
	"context"
	"os"
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
			o, err := ParseArgs(tt.args, &stderr)
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
			if err != nil || o.N != tt.wantN {
				t.Fatalf("got n=%d err=%v, want n=%d", o.N, err, tt.wantN)
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
			if got := quantile(tt.in, tt.q); got != tt.want {
				t.Fatalf("quantile(%v) = %v, want %v", tt.q, got, tt.want)
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
		got := parseStatusKB(bufio.NewScanner(strings.NewReader(status)), tt.key)
		if got != tt.want {
			t.Errorf("%s = %d, want %d", tt.key, got, tt.want)
		}
	}
	if peakRSS() <= 0 {
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
			got := parseSNMP(tt.text, "Udp:")
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
	a := parseProcStat("cpu  100 0 50 800 50 0 0 0 0 0\ncpu0 1 2 3\n")
	b := parseProcStat("cpu  200 0 100 900 50 0 0 0 0 0\n")
	if a != (cpuStat{busy: 150, total: 1000}) {
		t.Fatalf("parsed %+v, want busy 150 of 1000", a)
	}
	if got := busyPercent(a, b); got != 60 {
		t.Fatalf("busy %.1f %%, want 60 (150 busy of 250 jiffies)", got)
	}
	if got := parseProcStat("intr 1 2 3\n"); got != (cpuStat{}) {
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
	calls := []callSample{
		{callID: "a", outcome: scripts.OutcomeIdentified, endReason: "local", media: media(100, 90), setup: 50 * time.Millisecond},
		{callID: "b", outcome: scripts.OutcomeIdentified, endReason: "media_timeout", media: media(100, 90)},
		{callID: "c", outcome: scripts.OutcomeFailed, endReason: "local", capped: true, media: media(100, 90)},
		{callID: "d", outcome: scripts.OutcomeNoInput, endReason: "local", media: media(100, 90)},
		{dialErr: &telephony.DialError{Result: telephony.Busy, Code: 486}},
	}
	crep := CalleeReport{Calls: []testcalls.CalleeReport{
		{CallID: "a", Media: telephony.MediaStats{FramesSent: 91, FramesReceived: 99, ArrivalJitter: hist(3*time.Millisecond, 99)}},
	}}
	res := Result{Outcomes: map[string]int{}, EndReasons: map[string]int{}}
	summarize(&res, calls, crep)
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

// TestCalleeProcessContract runs a stand-in callee executable (a shell script
// that follows RunCallee's protocol) to check what Run's child process is
// given and how its report comes back: the executable and its arguments are
// options, "ready <uri>" is read from stdout, closing stdin ends it.
func TestCalleeProcessContract(t *testing.T) {
	dir := t.TempDir()
	argsFile := filepath.Join(dir, "args")
	exe := filepath.Join(dir, "fake-callee")
	script := `#!/bin/sh
echo "$@" > ` + argsFile + `
while [ $# -gt 0 ]; do [ "$1" = "--report" ] && report="$2"; shift; done
echo "ready sip:debtor@127.0.0.1:5999"
cat > /dev/null
echo '{"calls":[{"CallID":"c1"}],"cpu_ns":5,"wall_ns":10}' > "$report"
`
	if err := os.WriteFile(exe, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	p, err := startCallee(context.Background(), Options{Executable: exe, CalleeArgs: []string{"far", "end"}}, "/tmp/cache", &stderr)
	if err != nil {
		t.Fatalf("start: %v (stderr %q)", err, stderr.String())
	}
	if p.uri != "sip:debtor@127.0.0.1:5999" {
		t.Fatalf("uri %q", p.uri)
	}
	rep, err := p.finish()
	if err != nil {
		t.Fatalf("finish: %v", err)
	}
	if len(rep.Calls) != 1 || rep.Calls[0].CallID != "c1" || rep.Wall != 10 {
		t.Fatalf("report %+v", rep)
	}
	got, _ := os.ReadFile(argsFile)
	if want := "far end --listen 127.0.0.1:0 --report "; !strings.HasPrefix(string(got), want) || !strings.HasSuffix(strings.TrimSpace(string(got)), "--tts-cache /tmp/cache") {
		t.Fatalf("callee args %q, want %q… --tts-cache /tmp/cache", got, want)
	}

	_, err = startCallee(context.Background(), Options{Executable: filepath.Join(dir, "missing")}, dir, &stderr)
	if err == nil || !strings.Contains(err.Error(), "start callee") {
		t.Fatalf("missing executable: err %v, want a start callee error", err)
	}
}
