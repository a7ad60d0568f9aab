package loadtest

import (
	"bufio"
	"strings"
	"testing"
	"time"
)

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
