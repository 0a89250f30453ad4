package audit

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
)

// FileDevice appends lines to a file (options file_path, or path; mode,
// default 0600, "0000" to leave the mode alone). file_path "stdout" writes
// to the server's standard output and "discard" drops every line.
//
// The file is opened on the first write (or Test) and kept open; a write
// that fails is retried by the next one on the same descriptor, so a disk
// that fills and is freed again recovers by itself. A failed write that
// left part of a line behind is truncated away, so the log stays one JSON
// object per line. Reopen (SIGHUP) closes and reopens the path for log
// rotation.
type FileDevice struct {
	path string
	mode os.FileMode // 0: do not chmod
	out  io.Writer   // stdout or discard; nil for a real file

	mu     sync.Mutex
	f      *os.File
	closed bool
}

var (
	_ Device = (*FileDevice)(nil)
	_ Tester = (*FileDevice)(nil)
)

// NewFileDevice is the file device's Factory.
func NewFileDevice(cfg DeviceConfig) (Device, error) {
	path := cfg.Options["file_path"]
	if path == "" {
		path = cfg.Options["path"]
	}
	if path == "" {
		return nil, invalid(ErrInvalidOption, "file_path is required")
	}
	d := &FileDevice{path: path, mode: 0o600}
	switch strings.ToLower(path) {
	case "stdout":
		d.out = cfg.stdout()
		return d, nil
	case "discard":
		d.out = io.Discard
		return d, nil
	}
	if m, ok := cfg.Options["mode"]; ok && strings.TrimSpace(m) != "" {
		v, err := strconv.ParseUint(strings.TrimSpace(m), 8, 32)
		if err != nil || v > 0o7777 {
			return nil, invalid(ErrInvalidOption, "unable to parse mode %q: an octal file mode is expected", m)
		}
		d.mode = os.FileMode(v)
	}
	return d, nil
}

// Test opens the file, creating it if needed.
func (d *FileDevice) Test(context.Context) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.out != nil {
		return nil
	}
	return d.openLocked()
}

func (d *FileDevice) openLocked() error {
	if d.closed {
		return ErrDeviceClosed
	}
	if d.f != nil {
		return nil
	}
	mode := d.mode
	if mode == 0 {
		mode = 0o600
	}
	f, err := os.OpenFile(d.path, os.O_APPEND|os.O_WRONLY|os.O_CREATE, mode)
	if err != nil {
		return fmt.Errorf("audit: open %s: %w", d.path, err)
	}
	if d.mode != 0 {
		// OpenFile's mode applies only to a new file (and the umask).
		if err := f.Chmod(d.mode); err != nil && !isCharDevice(f) {
			f.Close()
			return fmt.Errorf("audit: chmod %s: %w", d.path, err)
		}
	}
	d.f = f
	return nil
}

func isCharDevice(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// Write appends line to the file.
func (d *FileDevice) Write(_ context.Context, line []byte) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return ErrDeviceClosed
	}
	if d.out != nil {
		_, err := d.out.Write(line)
		return err
	}
	if err := d.openLocked(); err != nil {
		return err
	}
	n, err := d.f.Write(line)
	if err != nil {
		d.dropPartialLocked(n)
		return fmt.Errorf("audit: write %s: %w", d.path, err)
	}
	return nil
}

// dropPartialLocked truncates the n bytes a failed write appended.
func (d *FileDevice) dropPartialLocked(n int) {
	if n <= 0 {
		return
	}
	st, err := d.f.Stat()
	if err != nil || !st.Mode().IsRegular() || st.Size() < int64(n) {
		return
	}
	_ = d.f.Truncate(st.Size() - int64(n)) // best effort: the line is already lost
}

// Reopen closes the file and opens the path again (a rotated file is left
// to its new name; a fresh one is created).
func (d *FileDevice) Reopen() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed || d.out != nil {
		return nil
	}
	var cerr error
	if d.f != nil {
		cerr = d.f.Close()
		d.f = nil
	}
	return errors.Join(cerr, d.openLocked())
}

// Close closes the file.
func (d *FileDevice) Close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.closed = true
	if d.f == nil {
		return nil
	}
	err := d.f.Close()
	d.f = nil
	return err
}
