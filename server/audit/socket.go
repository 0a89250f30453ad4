package audit

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"
)

// SocketDevice writes lines to a TCP, UDP or unix socket (options address,
// socket_type "tcp" (default), "udp" or "unix", write_timeout (default
// "2s"; "0" means no deadline)).
//
// It connects on the first write (or Test). A failed write drops the
// connection and is retried once on a new one; if that fails too the next
// write connects again, so the device recovers as soon as its listener is
// back. Before each write on a stream socket it checks, without blocking,
// whether the peer has closed the connection, so a collector that went
// away is noticed before a line is lost in a dead connection.
type SocketDevice struct {
	network string
	address string
	timeout time.Duration

	mu     sync.Mutex
	conn   net.Conn
	closed bool
}

var (
	_ Device = (*SocketDevice)(nil)
	_ Tester = (*SocketDevice)(nil)
)

// NewSocketDevice is the socket device's Factory.
func NewSocketDevice(cfg DeviceConfig) (Device, error) {
	d := &SocketDevice{network: "tcp", address: cfg.Options["address"], timeout: 2 * time.Second}
	if d.address == "" {
		return nil, invalid(ErrInvalidOption, "address is required")
	}
	if t := strings.ToLower(strings.TrimSpace(cfg.Options["socket_type"])); t != "" {
		switch t {
		case "tcp", "tcp4", "tcp6", "udp", "udp4", "udp6", "unix", "unixgram":
			d.network = t
		default:
			return nil, invalid(ErrInvalidOption, "unsupported socket_type %q: use tcp, udp or unix", cfg.Options["socket_type"])
		}
	}
	if wt := strings.TrimSpace(cfg.Options["write_timeout"]); wt != "" {
		t, err := parseSeconds(wt)
		if err != nil || t < 0 {
			return nil, invalid(ErrInvalidOption, "unable to parse write_timeout %q: a duration such as \"2s\" is expected", wt)
		}
		d.timeout = t
	}
	return d, nil
}

// parseSeconds reads a Go duration or a bare number of seconds.
func parseSeconds(s string) (time.Duration, error) {
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return time.Duration(n) * time.Second, nil
	}
	return time.ParseDuration(s)
}

// Test connects to the socket.
func (d *SocketDevice) Test(ctx context.Context) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return ErrDeviceClosed
	}
	return d.connectLocked(ctx)
}

func (d *SocketDevice) connectLocked(ctx context.Context) error {
	if d.conn != nil {
		return nil
	}
	dl := net.Dialer{}
	if d.timeout > 0 {
		dl.Timeout = d.timeout
	}
	c, err := dl.DialContext(ctx, d.network, d.address)
	if err != nil {
		return fmt.Errorf("audit: connect to %s %s: %w", d.network, d.address, err)
	}
	d.conn = c
	return nil
}

func (d *SocketDevice) dropLocked() {
	if d.conn != nil {
		d.conn.Close()
		d.conn = nil
	}
}

// Write sends line, reconnecting once if the connection failed.
func (d *SocketDevice) Write(ctx context.Context, line []byte) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return ErrDeviceClosed
	}
	if d.conn != nil && d.stream() && peerClosed(d.conn) {
		d.dropLocked()
	}
	err := d.writeLocked(ctx, line)
	if err == nil {
		return nil
	}
	d.dropLocked()
	if ctx.Err() != nil {
		return err
	}
	if err2 := d.writeLocked(ctx, line); err2 != nil {
		d.dropLocked()
		return errors.Join(err, err2)
	}
	return nil
}

func (d *SocketDevice) stream() bool {
	return d.network == "tcp" || d.network == "tcp4" || d.network == "tcp6" || d.network == "unix"
}

func (d *SocketDevice) writeLocked(ctx context.Context, line []byte) error {
	if err := d.connectLocked(ctx); err != nil {
		return err
	}
	var deadline time.Time
	if d.timeout > 0 {
		deadline = time.Now().Add(d.timeout)
	}
	if cd, ok := ctx.Deadline(); ok && (deadline.IsZero() || cd.Before(deadline)) {
		deadline = cd
	}
	if err := d.conn.SetWriteDeadline(deadline); err != nil {
		return fmt.Errorf("audit: socket %s: %w", d.address, err)
	}
	if _, err := d.conn.Write(line); err != nil {
		return fmt.Errorf("audit: write to %s %s: %w", d.network, d.address, err)
	}
	return nil
}

// Reopen drops the connection; the next write connects again.
func (d *SocketDevice) Reopen() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.dropLocked()
	return nil
}

// Close closes the connection.
func (d *SocketDevice) Close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.closed = true
	d.dropLocked()
	return nil
}
