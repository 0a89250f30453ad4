package audit

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultTimeout bounds how long one entry may wait for its devices.
const DefaultTimeout = 5 * time.Second

// BrokerConfig constructs a Broker.
type BrokerConfig struct {
	// Timeout is how long LogRequest and LogResponse wait for the devices
	// (default DefaultTimeout). A device still writing then counts as
	// failed for that entry.
	Timeout time.Duration
	Logger  *slog.Logger
	// Metrics receives failure counts; nil creates a fresh set.
	Metrics *Metrics
}

func (c *BrokerConfig) validate() {
	if c.Timeout <= 0 {
		c.Timeout = DefaultTimeout
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Metrics == nil {
		c.Metrics = NewMetrics()
	}
}

// Broker fans audit entries out to the registered devices. Registration
// and logging may run concurrently; logging reads an immutable snapshot of
// the device set and takes no lock.
type Broker struct {
	cfg   BrokerConfig
	mu    sync.Mutex // serialises Register and Deregister
	sinks atomic.Pointer[[]*sink]
	wg    sync.WaitGroup // device writes and closes in flight
}

// sink is one registered device with its formatter.
type sink struct {
	path string
	dev  Device
	fmt  *Formatter
	// sem admits one write at a time, so a write waiting behind a stuck
	// one gives up when its context ends.
	sem chan struct{}
	// failing is set from a failed write until the next good one; it only
	// keeps a failing device from logging an error per request.
	failing atomic.Bool
}

// NewBroker returns a Broker with no devices.
func NewBroker(cfg BrokerConfig) *Broker {
	cfg.validate()
	b := &Broker{cfg: cfg}
	b.sinks.Store(&[]*sink{})
	return b
}

// Metrics returns the broker's collectors.
func (b *Broker) Metrics() *Metrics { return b.cfg.Metrics }

// Register adds a device at path, formatted by f. A device already at
// path is replaced (and closed).
func (b *Broker) Register(path string, dev Device, f *Formatter) {
	b.mu.Lock()
	defer b.mu.Unlock()
	old := *b.sinks.Load()
	next := make([]*sink, 0, len(old)+1)
	for _, s := range old {
		if s.path == path {
			b.closeAsync(s)
			continue
		}
		next = append(next, s)
	}
	next = append(next, &sink{path: path, dev: dev, fmt: f, sem: make(chan struct{}, 1)})
	b.sinks.Store(&next)
}

// Deregister removes the device at path and closes it once its writes in
// flight end; it reports whether there was one. It does not wait for a
// device that is stuck.
func (b *Broker) Deregister(path string) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	old := *b.sinks.Load()
	next := make([]*sink, 0, len(old))
	found := false
	for _, s := range old {
		if s.path == path {
			found = true
			b.closeAsync(s)
			continue
		}
		next = append(next, s)
	}
	b.sinks.Store(&next)
	return found
}

func (b *Broker) closeAsync(s *sink) {
	b.wg.Add(1)
	go func() {
		defer b.wg.Done()
		if err := s.dev.Close(); err != nil {
			b.cfg.Logger.Warn("closing audit device failed", "device", s.path, "err", err)
		}
	}()
}

// Enabled reports whether any device is registered.
func (b *Broker) Enabled() bool { return len(*b.sinks.Load()) > 0 }

// Paths lists the registered devices.
func (b *Broker) Paths() []string {
	var out []string
	for _, s := range *b.sinks.Load() {
		out = append(out, s.path)
	}
	return out
}

// LogRequest records a request entry. With no device registered it does
// nothing and returns nil; otherwise it returns ErrRequestNotRecorded
// unless at least one device recorded the entry within the timeout.
func (b *Broker) LogRequest(ctx context.Context, in *Input) error {
	if b.log(ctx, TypeRequest, in) {
		return nil
	}
	return ErrRequestNotRecorded
}

// LogResponse records a response entry, like LogRequest; the error is
// ErrResponseNotRecorded.
func (b *Broker) LogResponse(ctx context.Context, in *Input) error {
	if b.log(ctx, TypeResponse, in) {
		return nil
	}
	return ErrResponseNotRecorded
}

type writeResult struct {
	i   int
	err error
}

// log formats in for every device on the caller's goroutine (so nothing
// reads the request or response after it returns), writes the lines
// concurrently and reports whether one device recorded its line.
func (b *Broker) log(ctx context.Context, kind string, in *Input) bool {
	sinks := *b.sinks.Load()
	if len(sinks) == 0 {
		return true
	}
	lines := make([][]byte, len(sinks))
	for i, s := range sinks {
		var err error
		if kind == TypeRequest {
			lines[i], err = s.fmt.FormatRequest(in)
		} else {
			lines[i], err = s.fmt.FormatResponse(in)
		}
		if err != nil {
			b.failed(kind, s, fmt.Errorf("format: %w", err))
		}
	}
	// The entry is recorded even when the client has gone away.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), b.cfg.Timeout)
	defer cancel()
	results := make(chan writeResult, len(sinks))
	pending := 0
	for i, s := range sinks {
		if lines[i] == nil {
			continue
		}
		pending++
		b.wg.Add(1)
		go func() {
			defer b.wg.Done()
			results <- writeResult{i, s.write(ctx, lines[i])}
		}()
	}
	reported := make([]bool, len(sinks))
	ok := false
	for pending > 0 {
		select {
		case r := <-results:
			pending--
			reported[r.i] = true
			if r.err == nil {
				ok = true
				b.recovered(sinks[r.i])
			} else {
				b.failed(kind, sinks[r.i], r.err)
			}
		case <-ctx.Done():
			for i, s := range sinks {
				if lines[i] != nil && !reported[i] {
					b.failed(kind, s, ErrTimeout)
				}
			}
			return ok
		}
	}
	return ok
}

// failed counts a failure; the first of a run is logged, with its cause.
func (b *Broker) failed(kind string, s *sink, err error) {
	b.cfg.Metrics.failed(kind, s.path)
	if !s.failing.Swap(true) {
		b.cfg.Logger.Error("audit device failed to record an entry; further failures are only counted until it recovers",
			"device", s.path, "type", kind, "err", err)
	}
}

func (b *Broker) recovered(s *sink) {
	if s.failing.Swap(false) {
		b.cfg.Logger.Info("audit device records entries again", "device", s.path)
	}
}

func (s *sink) write(ctx context.Context, line []byte) error {
	select {
	case s.sem <- struct{}{}:
	case <-ctx.Done():
		return ErrTimeout
	}
	defer func() { <-s.sem }()
	return s.dev.Write(ctx, line)
}

// Reopen reopens every device (SIGHUP) and returns their errors joined.
func (b *Broker) Reopen() error {
	var errs []error
	for _, s := range *b.sinks.Load() {
		if err := s.dev.Reopen(); err != nil {
			errs = append(errs, fmt.Errorf("audit device %s: %w", s.path, err))
		}
	}
	return errors.Join(errs...)
}

// Close deregisters and closes every device and waits for the broker's
// goroutines to end.
func (b *Broker) Close() {
	b.mu.Lock()
	for _, s := range *b.sinks.Load() {
		b.closeAsync(s)
	}
	b.sinks.Store(&[]*sink{})
	b.mu.Unlock()
	b.wg.Wait()
}
