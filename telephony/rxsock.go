package telephony

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"strconv"
	"syscall"
	"time"
	"unsafe"

	diagomedia "github.com/emiago/diago/media"
	"golang.org/x/sys/unix"
)

// rxBatch is how many datagrams one recvmmsg takes; a call gets one packet a
// tick, so a single call reads its tick's packets in one syscall.
const rxBatch = 4

// rxRounds bounds the recvmmsg calls per call and tick: a flood on one port
// waits in its socket buffer (and overflows there) instead of holding up
// every other call of the shard.
const rxRounds = 4

// rxBufSize is a datagram's room, diago's RTPBufSize (a variable there): a
// larger datagram is truncated and counted as garbage.
const rxBufSize = 1500

// rtpSock is a call's RTP socket read without blocking (Call.receive): the
// media shard drains it once a tick, so there is no read goroutine per call
// and no wake per packet. The socket stays diago's: it still writes and
// closes it. Receive timestamps (SO_TIMESTAMPNS) ride with every datagram.
type rtpSock struct {
	raw syscall.RawConn
	ms  *diagomedia.MediaSession
}

func openRTPSock(ms *diagomedia.MediaSession) (*rtpSock, error) {
	raw, err := rtpSocket(ms)
	if err != nil {
		return nil, err
	}
	var serr error
	if err := raw.Control(func(fd uintptr) {
		serr = unix.SetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_TIMESTAMPNS, 1)
	}); err != nil {
		return nil, fmt.Errorf("%w: %w", errNoRTPSocket, err)
	}
	if serr != nil {
		return nil, fmt.Errorf("rtp socket timestamps: %w", serr)
	}
	return &rtpSock{raw: raw, ms: ms}, nil
}

// rxBuf is the scratch space of one drain: the shard's goroutine borrows it
// from the UA's pool for a call and returns it after.
type rxBuf struct {
	msgs  [rxBatch]unix.Mmsghdr
	iovs  [rxBatch]unix.Iovec
	names [rxBatch]unix.RawSockaddrInet6 // large enough for either family
	oobs  [rxBatch][64]byte
	bufs  [rxBatch][rxBufSize]byte

	// readFn is b.read as a func value made once: a closure per recv
	// allocated three times a call and tick. n and errno are its results.
	readFn func(fd uintptr) bool
	n      uintptr
	errno  syscall.Errno
}

func newRxBuf() any {
	b := new(rxBuf)
	b.readFn = b.read
	return b
}

// read is one recvmmsg on fd; it never waits (true: done), the next tick
// reads again.
func (b *rxBuf) read(fd uintptr) bool {
	b.n, _, b.errno = unix.Syscall6(unix.SYS_RECVMMSG, fd, uintptr(unsafe.Pointer(&b.msgs[0])), rxBatch, unix.MSG_DONTWAIT, 0, 0)
	return true
}

// errRxClosed says the socket was closed (the session ended or was replaced).
var errRxClosed = errors.New("telephony: rtp socket closed")

// recv reads up to rxBatch datagrams that are already queued; 0 when none.
func (b *rxBuf) recv(s *rtpSock) (int, error) {
	for i := range b.msgs {
		b.iovs[i] = unix.Iovec{Base: &b.bufs[i][0]}
		b.iovs[i].SetLen(len(b.bufs[i]))
		h := &b.msgs[i].Hdr
		*h = unix.Msghdr{
			Name:    (*byte)(unsafe.Pointer(&b.names[i])),
			Namelen: uint32(unsafe.Sizeof(b.names[i])),
			Iov:     &b.iovs[i],
			Control: &b.oobs[i][0],
		}
		h.Iovlen = 1
		h.SetControllen(len(b.oobs[i]))
		b.msgs[i].Len = 0
	}
	err := s.raw.Read(b.readFn)
	n, errno := b.n, b.errno
	switch {
	case err != nil:
		if errors.Is(err, net.ErrClosed) {
			return 0, errRxClosed
		}
		return 0, fmt.Errorf("rtp read: %w", err)
	case errno == unix.EAGAIN || errno == unix.EINTR:
		return 0, nil
	case errno != 0:
		return 0, fmt.Errorf("rtp read: %w", errno)
	}
	return int(n), nil
}

// datagram returns the i-th datagram read, its source into from (reused)
// and its kernel arrival stamp; truncated is true when it did not fit.
func (b *rxBuf) datagram(i int, from *net.UDPAddr) (data []byte, stamp time.Time, stamped, truncated bool) {
	m := &b.msgs[i]
	data = b.bufs[i][:m.Len]
	truncated = m.Hdr.Flags&unix.MSG_TRUNC != 0
	sockaddrToUDP(&b.names[i], from)
	stamp, stamped = cmsgStamp(b.oobs[i][:m.Hdr.Controllen])
	return data, stamp, stamped, truncated
}

// sockaddrToUDP fills a from a raw socket address without allocating: the
// latch copies the address it keeps.
func sockaddrToUDP(sa *unix.RawSockaddrInet6, a *net.UDPAddr) {
	switch sa.Family {
	case unix.AF_INET:
		sa4 := (*unix.RawSockaddrInet4)(unsafe.Pointer(sa))
		a.IP = append(a.IP[:0], sa4.Addr[:]...)
		a.Port = int(binary.BigEndian.Uint16((*[2]byte)(unsafe.Pointer(&sa4.Port))[:]))
		a.Zone = ""
	case unix.AF_INET6:
		a.IP = append(a.IP[:0], sa.Addr[:]...)
		a.Port = int(binary.BigEndian.Uint16((*[2]byte)(unsafe.Pointer(&sa.Port))[:]))
		a.Zone = ""
		if sa.Scope_id != 0 {
			a.Zone = strconv.FormatUint(uint64(sa.Scope_id), 10)
		}
	default:
		a.IP, a.Port, a.Zone = a.IP[:0], 0, ""
	}
}

// cmsgStamp finds the SCM_TIMESTAMPNS control message in oob.
func cmsgStamp(oob []byte) (time.Time, bool) {
	hdrLen := unix.CmsgLen(0)
	for len(oob) >= hdrLen {
		h := (*unix.Cmsghdr)(unsafe.Pointer(&oob[0]))
		l := int(h.Len)
		if l < hdrLen || l > len(oob) {
			return time.Time{}, false
		}
		if h.Level == unix.SOL_SOCKET && h.Type == unix.SCM_TIMESTAMPNS && l >= unix.CmsgLen(int(unsafe.Sizeof(unix.Timespec{}))) {
			ts := (*unix.Timespec)(unsafe.Pointer(&oob[hdrLen]))
			return time.Unix(ts.Unix()), true
		}
		next := unix.CmsgSpace(l - hdrLen)
		if next > len(oob) {
			break
		}
		oob = oob[next:]
	}
	return time.Time{}, false
}
