package audit

import (
	"context"
	"io"
	"log/slog"
	"os"
)

// Device writes audit lines to one destination.
//
// Write records one complete line (ending in '\n'); when it returns nil
// the line has been handed to the destination (a file's page cache, a
// socket, syslog). Write should give up when ctx is done where the medium
// allows it. Reopen closes and reopens the destination (SIGHUP, for log
// rotation). Close releases it; Write after Close returns ErrDeviceClosed.
// Implementations are safe for concurrent use; the Broker never runs two
// Writes on one device at once.
type Device interface {
	Write(ctx context.Context, line []byte) error
	Reopen() error
	Close() error
}

// Tester is an optional capability: a device that can check, when it is
// enabled, that its destination is reachable (a file can be opened, a
// socket connected). Enabling fails if Test fails, unless the device has
// skip_test=true.
type Tester interface {
	Test(ctx context.Context) error
}

// DeviceConfig is what a Factory gets.
type DeviceConfig struct {
	// Path is the device's path in the audit table ("file/").
	Path string
	// Options are the device's options as enabled (common options
	// included; a factory ignores those it does not know).
	Options map[string]string
	Logger  *slog.Logger
	// Stdout receives file_path=stdout lines.
	Stdout io.Writer
}

// Factory validates a device's options and builds it. It must not fail
// because the destination is unreachable right now: a device restored on
// unseal keeps trying on each write (Test reports reachability).
type Factory func(cfg DeviceConfig) (Device, error)

// Factories returns the built-in device types: file, syslog and socket.
func Factories() map[string]Factory {
	return map[string]Factory{
		"file":   NewFileDevice,
		"syslog": NewSyslogDevice,
		"socket": NewSocketDevice,
	}
}

func (c *DeviceConfig) stdout() io.Writer {
	if c.Stdout != nil {
		return c.Stdout
	}
	return os.Stdout
}
