package telephony

import (
	"net"
	"runtime"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// BenchmarkRTPReceive compares the two ways a call's RTP is read, by the
// process's CPU time per packet (getrusage, so a busy box's waiting is not
// in it): "shard" drains every socket once a tick with recvmmsg (the
// default path), "goroutine" has a goroutine per socket blocked in ReadFrom
// (readLoop's way: a netpoll wake and two recvfrom per packet). Each
// iteration is a 20 ms tick in which every one of 500 sockets gets one
// packet. The sends (and the loopback delivery the kernel does inside
// them) are timed on their own thread and left out: cpu-ns/packet is the
// read side's. Run with -benchtime=100x.
func BenchmarkRTPReceive(b *testing.B) {
	const calls = 500
	for _, mode := range []string{"shard", "goroutine"} {
		b.Run(mode, func(b *testing.B) {
			conns := make([]*net.UDPConn, calls)
			socks := make([]*rtpSock, calls)
			addrs := make([]*net.UDPAddr, calls)
			for i := range conns {
				c, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
				if err != nil {
					b.Fatal(err)
				}
				defer c.Close()
				raw, err := c.SyscallConn()
				if err != nil {
					b.Fatal(err)
				}
				_ = raw.Control(func(fd uintptr) { _ = unix.SetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_TIMESTAMPNS, 1) })
				conns[i], socks[i], addrs[i] = c, &rtpSock{raw: raw}, c.LocalAddr().(*net.UDPAddr)
			}
			sender, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
			if err != nil {
				b.Fatal(err)
			}
			defer sender.Close()
			var got atomic.Int64
			if mode == "goroutine" {
				for _, c := range conns {
					go func() {
						buf := make([]byte, rxBufSize)
						for {
							if _, _, err := c.ReadFrom(buf); err != nil {
								return
							}
							got.Add(1)
						}
					}()
				}
			}
			rb := newRxBuf().(*rxBuf)
			var from net.UDPAddr
			pkt := make([]byte, 172) // a 20 ms G.711 frame with its RTP header
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			var ru0, ru1, s0, s1 syscall.Rusage
			var sendCPU time.Duration
			_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru0)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				_ = syscall.Getrusage(unix.RUSAGE_THREAD, &s0)
				for _, a := range addrs {
					if _, err := sender.WriteToUDP(pkt, a); err != nil {
						b.Fatal(err)
					}
				}
				_ = syscall.Getrusage(unix.RUSAGE_THREAD, &s1)
				sendCPU += cpuOf(&s1) - cpuOf(&s0)
				time.Sleep(FrameDuration)
				if mode == "shard" {
					for _, s := range socks {
						n, err := rb.recv(s)
						if err != nil {
							b.Fatal(err)
						}
						for j := 0; j < n; j++ {
							rb.datagram(j, &from)
						}
						got.Add(int64(n))
					}
				}
			}
			b.StopTimer()
			_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru1)
			cpu := cpuOf(&ru1) - cpuOf(&ru0) - sendCPU
			if n := got.Load(); n > 0 {
				b.ReportMetric(float64(cpu.Nanoseconds())/float64(n), "cpu-ns/packet")
				b.ReportMetric(float64(b.N*calls-int(n)), "unread")
			}
		})
	}
}

func cpuOf(ru *syscall.Rusage) time.Duration {
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
