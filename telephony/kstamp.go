package telephony

import (
	"errors"
	"fmt"
	"net"
	"reflect"
	"syscall"
	"time"
	"unsafe"

	diagomedia "github.com/emiago/diago/media"
	"golang.org/x/sys/unix"
)

// kernelStamper reads the kernel's arrival time of the last datagram read
// from a call's RTP socket (ioctl SIOCGSTAMPNS). Measurement endpoints use
// it (Config.KernelArrivalTimes) to tell the sender's pacing from their own
// scheduling delay: on a saturated box the read goroutine may run long
// after the packet came in, and time.Now() then measures the reader, not
// the line. It is used from the read goroutine only (Call.readLoop; the
// media shard's reads take the stamps from recvmmsg's control messages).
type kernelStamper struct {
	raw  syscall.RawConn
	sess *diagomedia.MediaSession // the session whose socket raw is
}

// errNoRTPSocket says diago's media session did not expose a socket we can
// stamp (its layout changed, or the connection is not a UDP socket).
var errNoRTPSocket = errors.New("telephony: RTP socket of the media session not reachable")

// rtpSocket returns the RTP socket diago opened for ms. diago v0.25.0 keeps
// it in the unexported field rtpConn with no accessor, and owning the socket
// instead (MediaSession.InitWithListeners) would change how calls are
// answered; reading the field is confined to measurement, and
// TestKernelArrivalTimes fails if a diago upgrade moves it.
func rtpSocket(ms *diagomedia.MediaSession) (syscall.RawConn, error) {
	if ms == nil {
		return nil, errNoRTPSocket
	}
	f := reflect.ValueOf(ms).Elem().FieldByName("rtpConn")
	if !f.IsValid() || f.Type() != reflect.TypeFor[net.PacketConn]() {
		return nil, errNoRTPSocket
	}
	pc := *(*net.PacketConn)(unsafe.Pointer(f.UnsafeAddr()))
	sc, ok := pc.(syscall.Conn)
	if !ok {
		return nil, errNoRTPSocket
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errNoRTPSocket, err)
	}
	return raw, nil
}

// newKernelStamper returns a stamper for ms's socket. Its first ioctl turns
// the socket's receive timestamps on (the kernel stamps datagrams only once
// a socket asked), so it is made before the call's first packet is read.
func newKernelStamper(ms *diagomedia.MediaSession) (*kernelStamper, error) {
	raw, err := rtpSocket(ms)
	if err != nil {
		return nil, err
	}
	k := &kernelStamper{raw: raw, sess: ms}
	_, _ = k.last() // ENOENT until a datagram arrives: it only arms the stamps
	return k, nil
}

// last returns the kernel arrival time of the datagram last read from the
// socket; ok is false when the kernel has none.
func (k *kernelStamper) last() (t time.Time, ok bool) {
	var ts unix.Timespec
	var errno syscall.Errno
	err := k.raw.Control(func(fd uintptr) {
		_, _, errno = unix.Syscall(unix.SYS_IOCTL, fd, unix.SIOCGSTAMPNS, uintptr(unsafe.Pointer(&ts)))
	})
	if err != nil || errno != 0 {
		return time.Time{}, false
	}
	return time.Unix(ts.Unix()), true
}
