package audit

import (
	"bufio"
	"errors"
	"net"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// lineServer accepts connections on ln and sends every line it reads on
// lines. stop closes the listener and every accepted connection and waits
// for its goroutines; it may be called more than once.
type lineServer struct {
	ln      net.Listener
	lines   chan string
	mu      sync.Mutex
	conns   []net.Conn
	readers sync.WaitGroup
	done    chan struct{}
	once    sync.Once
}

func serveLines(t *testing.T, ln net.Listener) *lineServer {
	t.Helper()
	s := &lineServer{ln: ln, lines: make(chan string, 100), done: make(chan struct{})}
	go func() {
		defer close(s.done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s.mu.Lock()
			s.conns = append(s.conns, c)
			s.mu.Unlock()
			s.readers.Go(func() {
				sc := bufio.NewScanner(c)
				for sc.Scan() {
					s.lines <- sc.Text()
				}
			})
		}
	}()
	t.Cleanup(s.stop)
	return s
}

func (s *lineServer) stop() {
	s.once.Do(func() {
		s.ln.Close()
		<-s.done
		s.mu.Lock()
		for _, c := range s.conns {
			c.Close()
		}
		s.mu.Unlock()
		s.readers.Wait()
	})
}

func (s *lineServer) next(t *testing.T) string {
	t.Helper()
	select {
	case l := <-s.lines:
		return l
	case <-time.After(10 * time.Second):
		t.Fatal("no line received")
		return ""
	}
}

func newSocket(t *testing.T, opts map[string]string) *SocketDevice {
	t.Helper()
	d, err := NewSocketDevice(DeviceConfig{Path: "socket/", Options: opts})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d.(*SocketDevice)
}

func TestSocketDeviceTCPReconnects(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	srv := serveLines(t, ln)
	d := newSocket(t, map[string]string{"address": addr, "socket_type": "tcp", "write_timeout": "1s"})
	if err := d.Test(t.Context()); err != nil {
		t.Fatal(err)
	}
	if err := d.Write(t.Context(), []byte("first\n")); err != nil {
		t.Fatal(err)
	}
	if got := srv.next(t); got != "first" {
		t.Fatalf("got %q", got)
	}

	// The collector goes away: the very next write fails (the closed
	// connection is noticed before writing into it), and so do later ones.
	srv.stop()
	for i := range 3 {
		if err := d.Write(t.Context(), []byte("lost\n")); err == nil {
			t.Fatalf("write %d succeeded with the listener gone", i)
		}
	}

	// It comes back on the same address: the device reconnects by itself.
	ln2, err := net.Listen("tcp", addr)
	if err != nil {
		t.Skipf("cannot listen on %s again: %v", addr, err)
	}
	srv2 := serveLines(t, ln2)
	if err := d.Write(t.Context(), []byte("again\n")); err != nil {
		t.Fatalf("after the listener returned: %v", err)
	}
	if got := srv2.next(t); got != "again" {
		t.Fatalf("got %q", got)
	}
}

func TestSocketDeviceUnix(t *testing.T) {
	p := filepath.Join(t.TempDir(), "audit.sock")
	ln, err := net.Listen("unix", p)
	if err != nil {
		t.Fatal(err)
	}
	srv := serveLines(t, ln)
	d := newSocket(t, map[string]string{"address": p, "socket_type": "unix"})
	for _, l := range []string{"a", "b"} {
		if err := d.Write(t.Context(), []byte(l+"\n")); err != nil {
			t.Fatal(err)
		}
		if got := srv.next(t); got != l {
			t.Fatalf("got %q, want %q", got, l)
		}
	}
	srv.stop()
	if err := d.Write(t.Context(), []byte("c\n")); err == nil {
		t.Fatal("write succeeded with the unix listener gone")
	}
}

func TestSocketDeviceUDP(t *testing.T) {
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	d := newSocket(t, map[string]string{"address": pc.LocalAddr().String(), "socket_type": "udp"})
	if err := d.Write(t.Context(), []byte("dgram\n")); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 100)
	pc.SetReadDeadline(time.Now().Add(10 * time.Second))
	n, _, err := pc.ReadFrom(buf)
	if err != nil || string(buf[:n]) != "dgram\n" {
		t.Fatalf("read %q, %v", buf[:n], err)
	}
}

func TestSocketDeviceTestFailsWithoutListener(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	d := newSocket(t, map[string]string{"address": addr})
	if err := d.Test(t.Context()); err == nil {
		t.Fatal("Test connected to a closed port")
	}
}

func TestSocketDeviceOptions(t *testing.T) {
	for _, opts := range []map[string]string{
		{},
		{"address": "x:1", "socket_type": "sctp"},
		{"address": "x:1", "write_timeout": "soon"},
		{"address": "x:1", "write_timeout": "-1s"},
	} {
		if _, err := NewSocketDevice(DeviceConfig{Options: opts}); !errors.Is(err, ErrInvalidOption) {
			t.Errorf("%v: err = %v", opts, err)
		}
	}
	d := newSocket(t, map[string]string{"address": "x:1", "write_timeout": "5"})
	if d.timeout != 5*time.Second || d.network != "tcp" {
		t.Fatalf("timeout %v network %s", d.timeout, d.network)
	}
}

func listenTCP() (net.Listener, error) { return net.Listen("tcp", "127.0.0.1:0") }
