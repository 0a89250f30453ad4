package audit

import (
	"context"
	"errors"
	"sync"
)

var errFake = errors.New("fake device failure")

// fakeDevice records lines; it fails while failing is set and blocks each
// write until release is closed when block is set.
type fakeDevice struct {
	mu       sync.Mutex
	lines    [][]byte
	failing  bool
	block    chan struct{} // nil: never blocks
	started  chan struct{} // receives once per write that reached the device, if set
	closed   bool
	reopened int
	inFlight int
	maxIn    int
}

func (d *fakeDevice) setFailing(v bool) {
	d.mu.Lock()
	d.failing = v
	d.mu.Unlock()
}

func (d *fakeDevice) Write(ctx context.Context, line []byte) error {
	d.mu.Lock()
	d.inFlight++
	d.maxIn = max(d.maxIn, d.inFlight)
	block, started := d.block, d.started
	d.mu.Unlock()
	defer func() {
		d.mu.Lock()
		d.inFlight--
		d.mu.Unlock()
	}()
	if started != nil {
		started <- struct{}{}
	}
	if block != nil {
		<-block
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return ErrDeviceClosed
	}
	if d.failing {
		return errFake
	}
	d.lines = append(d.lines, append([]byte(nil), line...))
	return nil
}

func (d *fakeDevice) Reopen() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.reopened++
	return nil
}

func (d *fakeDevice) Close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.closed = true
	return nil
}

func (d *fakeDevice) count() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.lines)
}

func (d *fakeDevice) isClosed() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.closed
}
