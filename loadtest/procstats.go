package loadtest

import (
	"bufio"
	"os"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// raiseNoFile raises the soft open-file limit to the hard limit: every
// call holds RTP and RTCP sockets on both sides. It returns the soft limit now
// in force (0 when it cannot be read).
func raiseNoFile() uint64 {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return 0
	}
	if lim.Cur < lim.Max {
		lim.Cur = lim.Max
		_ = syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim)
		_ = syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim)
	}
	return lim.Cur
}

// cpuTime is this process's user+sys CPU time so far (getrusage).
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// minorFaults is this process's minor page faults so far (getrusage): each
// first touch of fresh memory is one, a kernel trip that zeroes a page.
func minorFaults() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Minflt
}

// peakRSS is this process's peak resident set (VmHWM), in bytes.
func peakRSS() int64 {
	return procStatusKB("/proc/self/status", "VmHWM:") * 1024
}

func procStatusKB(path, key string) int64 {
	f, err := os.Open(path)
	if err != nil {
		return 0
	}
	defer f.Close()
	return parseStatusKB(bufio.NewScanner(f), key)
}

// parseStatusKB finds "Key:   1234 kB" in /proc/*/status text.
func parseStatusKB(sc *bufio.Scanner, key string) int64 {
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, key) {
			continue
		}
		fields := strings.Fields(strings.TrimPrefix(line, key))
		if len(fields) == 0 {
			return 0
		}
		v, err := strconv.ParseInt(fields[0], 10, 64)
		if err != nil {
			return 0
		}
		return v
	}
	return 0
}

// loadAvg is the first three fields of /proc/loadavg ("" when unreadable).
func loadAvg() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(data))
	if len(f) < 3 {
		return ""
	}
	return strings.Join(f[:3], " ")
}

// quantile returns the q-quantile (0..1, nearest rank) of ds; 0 for none.
func quantile(ds []time.Duration, q float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	i := int(q*float64(len(s))+0.999999) - 1
	i = max(0, min(i, len(s)-1))
	return s[i]
}

// udpCounters reads the kernel's UDP counters (/proc/net/snmp) of this
// network namespace: InErrors/RcvbufErrors count datagrams dropped because a
// socket's receive buffer was full. nil when unreadable.
func udpCounters() map[string]int64 {
	data, err := os.ReadFile("/proc/net/snmp")
	if err != nil {
		return nil
	}
	return parseSNMP(string(data), "Udp:")
}

// parseSNMP pairs the header and value lines of one /proc/net/snmp protocol.
func parseSNMP(text, proto string) map[string]int64 {
	var lines [][]string
	for _, l := range strings.Split(text, "\n") {
		if f := strings.Fields(l); len(f) > 1 && f[0] == proto {
			lines = append(lines, f[1:])
		}
	}
	if len(lines) < 2 || len(lines[0]) != len(lines[1]) {
		return nil
	}
	out := make(map[string]int64, len(lines[0]))
	for i, name := range lines[0] {
		v, err := strconv.ParseInt(lines[1][i], 10, 64)
		if err != nil {
			return nil
		}
		out[name] = v
	}
	return out
}

// cpuStat is the machine-wide "cpu" line of /proc/stat: busy and total
// jiffies (idle and iowait count as not busy).
type cpuStat struct{ busy, total int64 }

func machineCPU() cpuStat {
	data, err := os.ReadFile("/proc/stat")
	if err != nil {
		return cpuStat{}
	}
	return parseProcStat(string(data))
}

func parseProcStat(text string) cpuStat {
	line, _, _ := strings.Cut(text, "\n")
	f := strings.Fields(line)
	if len(f) < 6 || f[0] != "cpu" {
		return cpuStat{}
	}
	var s cpuStat
	for i, v := range f[1:] {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return cpuStat{}
		}
		if i >= 8 { // guest and guest_nice are already counted in user and nice
			break
		}
		s.total += n
		if i != 3 && i != 4 { // idle, iowait
			s.busy += n
		}
	}
	return s
}

// busyPercent is the share of all cores that was busy between a and b.
func busyPercent(a, b cpuStat) float64 {
	if b.total <= a.total {
		return 0
	}
	return 100 * float64(b.busy-a.busy) / float64(b.total-a.total)
}
