//go:build unix

package audit

import (
	"errors"
	"net"
	"syscall"
)

// peerClosed reports, without blocking, whether the other end of a stream
// connection has closed it (a peek reads end of file or fails).
func peerClosed(c net.Conn) bool {
	sc, ok := c.(syscall.Conn)
	if !ok {
		return false
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return false
	}
	closed := false
	var buf [1]byte
	_ = raw.Read(func(fd uintptr) bool {
		n, _, err := syscall.Recvfrom(int(fd), buf[:], syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
		switch {
		case err == nil && n == 0:
			closed = true // orderly shutdown by the peer
		case err != nil && !errors.Is(err, syscall.EAGAIN) && !errors.Is(err, syscall.EWOULDBLOCK) && !errors.Is(err, syscall.EINTR):
			closed = true // reset or another error: the connection is unusable
		}
		return true // never wait for readability
	})
	return closed
}
