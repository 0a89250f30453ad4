//go:build !windows && !plan9

package audit

import (
	"context"
	"fmt"
	"log/syslog"
	"strings"
	"sync"
)

// SyslogDevice sends lines to the local syslog daemon (options facility,
// default "AUTH"; tag, default "cofre") at the info level.
//
// It connects on the first write (or Test); the standard library's writer
// reconnects by itself when a write fails. The network and address fields
// stay empty in production (the local daemon's socket); tests point them
// at their own listener.
type SyslogDevice struct {
	priority syslog.Priority
	tag      string
	network  string
	address  string

	mu     sync.Mutex
	w      *syslog.Writer
	closed bool
}

var (
	_ Device = (*SyslogDevice)(nil)
	_ Tester = (*SyslogDevice)(nil)
)

var facilities = map[string]syslog.Priority{
	"kern": syslog.LOG_KERN, "user": syslog.LOG_USER, "mail": syslog.LOG_MAIL,
	"daemon": syslog.LOG_DAEMON, "auth": syslog.LOG_AUTH, "syslog": syslog.LOG_SYSLOG,
	"lpr": syslog.LOG_LPR, "news": syslog.LOG_NEWS, "uucp": syslog.LOG_UUCP,
	"cron": syslog.LOG_CRON, "authpriv": syslog.LOG_AUTHPRIV, "ftp": syslog.LOG_FTP,
	"local0": syslog.LOG_LOCAL0, "local1": syslog.LOG_LOCAL1, "local2": syslog.LOG_LOCAL2,
	"local3": syslog.LOG_LOCAL3, "local4": syslog.LOG_LOCAL4, "local5": syslog.LOG_LOCAL5,
	"local6": syslog.LOG_LOCAL6, "local7": syslog.LOG_LOCAL7,
}

// NewSyslogDevice is the syslog device's Factory.
func NewSyslogDevice(cfg DeviceConfig) (Device, error) {
	fac := strings.ToLower(strings.TrimSpace(cfg.Options["facility"]))
	if fac == "" {
		fac = "auth"
	}
	p, ok := facilities[fac]
	if !ok {
		return nil, invalid(ErrInvalidOption, "unknown syslog facility %q", cfg.Options["facility"])
	}
	tag := cfg.Options["tag"]
	if tag == "" {
		tag = "cofre"
	}
	return &SyslogDevice{priority: p | syslog.LOG_INFO, tag: tag}, nil
}

func (d *SyslogDevice) connectLocked() error {
	if d.closed {
		return ErrDeviceClosed
	}
	if d.w != nil {
		return nil
	}
	w, err := syslog.Dial(d.network, d.address, d.priority, d.tag)
	if err != nil {
		return fmt.Errorf("audit: connect to syslog: %w", err)
	}
	d.w = w
	return nil
}

// Test connects to syslog.
func (d *SyslogDevice) Test(context.Context) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.connectLocked()
}

// Write sends line as one syslog message.
func (d *SyslogDevice) Write(_ context.Context, line []byte) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.connectLocked(); err != nil {
		return err
	}
	if _, err := d.w.Write(line); err != nil {
		return fmt.Errorf("audit: write to syslog: %w", err)
	}
	return nil
}

// Reopen closes the connection; the next write connects again.
func (d *SyslogDevice) Reopen() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.dropLocked()
}

func (d *SyslogDevice) dropLocked() error {
	if d.w == nil {
		return nil
	}
	err := d.w.Close()
	d.w = nil
	return err
}

// Close closes the connection.
func (d *SyslogDevice) Close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.closed = true
	return d.dropLocked()
}
