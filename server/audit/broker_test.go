package audit

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cofre-io/cofre/server/logical"
)

func newTestBroker(t *testing.T, timeout time.Duration) *Broker {
	t.Helper()
	b := NewBroker(BrokerConfig{Timeout: timeout})
	t.Cleanup(b.Close)
	return b
}

func reqInput() *Input {
	return &Input{Time: time.Unix(0, 0), Path: "secret/x", Request: &logical.Request{Operation: logical.ReadOperation, ClientToken: "tok"}}
}

// failures reads a failure counter through the registry, as a scraper
// would.
func failures(b *Broker, kind, device string) float64 {
	name := "cofre_audit_log_" + kind + "_failures_total"
	mfs, err := b.Metrics().Registry().Gather()
	if err != nil {
		panic(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "device" && l.GetValue() == device {
					return m.GetCounter().GetValue()
				}
			}
		}
	}
	return 0
}

func TestBrokerNoDevicesAuditsNothing(t *testing.T) {
	b := newTestBroker(t, time.Second)
	if b.Enabled() {
		t.Fatal("enabled without devices")
	}
	if err := b.LogRequest(t.Context(), reqInput()); err != nil {
		t.Fatal(err)
	}
	if err := b.LogResponse(t.Context(), reqInput()); err != nil {
		t.Fatal(err)
	}
}

func TestBrokerFailsClosed(t *testing.T) {
	ctx := t.Context()
	b := newTestBroker(t, time.Second)
	good, bad := &fakeDevice{}, &fakeDevice{failing: true}
	f := NewFormatter(FormatOptions{HMACAccessor: true}, testSalt(t))
	b.Register("good/", good, f)
	b.Register("bad/", bad, f)

	// One device fails: the entry is recorded by the other.
	if err := b.LogRequest(ctx, reqInput()); err != nil {
		t.Fatalf("one good device: %v", err)
	}
	if good.count() != 1 || failures(b, TypeRequest, "bad/") != 1 || failures(b, TypeRequest, "good/") != 0 {
		t.Fatalf("good=%d, bad failures=%v", good.count(), failures(b, TypeRequest, "bad/"))
	}

	// Every device fails: the request and the response are refused.
	good.setFailing(true)
	err := b.LogRequest(ctx, reqInput())
	if !errors.Is(err, ErrRequestNotRecorded) || !errors.Is(err, logical.ErrInternal) {
		t.Fatalf("all failing, request: %v", err)
	}
	if err.Error() != "audit: no audit device could record the request" {
		t.Fatalf("message %q", err.Error())
	}
	if err := b.LogResponse(ctx, reqInput()); !errors.Is(err, ErrResponseNotRecorded) {
		t.Fatalf("all failing, response: %v", err)
	}
	if failures(b, TypeResponse, "good/") != 1 || failures(b, TypeResponse, "bad/") != 1 || failures(b, TypeRequest, "bad/") != 2 {
		t.Fatal("failure counters not incremented per device and kind")
	}

	// Recovery needs no reset: the next entry goes through.
	bad.setFailing(false)
	if err := b.LogResponse(ctx, reqInput()); err != nil {
		t.Fatalf("after recovery: %v", err)
	}
	if bad.count() != 1 {
		t.Fatalf("recovered device has %d lines", bad.count())
	}
}

func TestBrokerSlowDeviceBoundedByTimeout(t *testing.T) {
	ctx := t.Context()
	timeout := 100 * time.Millisecond
	b := newTestBroker(t, timeout)
	release := make(chan struct{})
	slow := &fakeDevice{block: release}
	good := &fakeDevice{}
	f := NewFormatter(FormatOptions{HMACAccessor: true}, testSalt(t))
	b.Register("slow/", slow, f)
	b.Register("good/", good, f)
	start := time.Now()
	if err := b.LogRequest(ctx, reqInput()); err != nil {
		t.Fatalf("with one good device: %v", err)
	}
	if el := time.Since(start); el > 20*timeout {
		t.Fatalf("LogRequest took %v with a %v timeout", el, timeout)
	}
	if failures(b, TypeRequest, "slow/") != 1 {
		t.Fatal("the stuck device was not counted as failed")
	}
	// A second entry waits behind the stuck write and gives up too.
	if err := b.LogRequest(ctx, reqInput()); err != nil {
		t.Fatal(err)
	}
	if good.count() != 2 || failures(b, TypeRequest, "slow/") != 2 {
		t.Fatalf("good=%d slow failures=%v", good.count(), failures(b, TypeRequest, "slow/"))
	}
	// Alone, the stuck device fails the entry after the timeout.
	b.Deregister("good/")
	if err := b.LogRequest(ctx, reqInput()); !errors.Is(err, ErrRequestNotRecorded) {
		t.Fatalf("only a stuck device: %v", err)
	}
	close(release) // Close (cleanup) waits for the stuck writes
}

func TestBrokerWritesOneAtATimePerDevice(t *testing.T) {
	b := newTestBroker(t, 5*time.Second)
	d := &fakeDevice{}
	b.Register("d/", d, NewFormatter(FormatOptions{HMACAccessor: true}, testSalt(t)))
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			for range 20 {
				if err := b.LogRequest(t.Context(), reqInput()); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	if d.count() != 320 || d.maxIn != 1 {
		t.Fatalf("lines=%d, max concurrent writes=%d", d.count(), d.maxIn)
	}
}

func TestBrokerDeregisterReopenClose(t *testing.T) {
	b := NewBroker(BrokerConfig{Timeout: time.Second})
	d1, d2 := &fakeDevice{}, &fakeDevice{}
	f := NewFormatter(FormatOptions{HMACAccessor: true}, testSalt(t))
	b.Register("a/", d1, f)
	b.Register("b/", d2, f)
	if err := b.Reopen(); err != nil || d1.reopened != 1 || d2.reopened != 1 {
		t.Fatalf("reopen: %v %d %d", err, d1.reopened, d2.reopened)
	}
	if !b.Deregister("a/") || b.Deregister("a/") {
		t.Fatal("deregister reports wrongly")
	}
	if err := b.LogRequest(context.Background(), reqInput()); err != nil || d1.count() != 0 || d2.count() != 1 {
		t.Fatalf("after deregister: %v d1=%d d2=%d", err, d1.count(), d2.count())
	}
	// Replacing a path closes the old device.
	d3 := &fakeDevice{}
	b.Register("b/", d3, f)
	b.Close()
	if !d1.isClosed() || !d2.isClosed() || !d3.isClosed() || b.Enabled() {
		t.Fatal("devices not closed")
	}
}

// TestBrokerLogsFailureRunsOnce: a failing device logs when it starts
// failing and when it recovers, not once per entry.
func TestBrokerLogsFailureRunsOnce(t *testing.T) {
	var buf syncBuffer
	b := NewBroker(BrokerConfig{Timeout: time.Second, Logger: slog.New(slog.NewTextHandler(&buf, nil))})
	defer b.Close()
	d := &fakeDevice{failing: true}
	b.Register("d/", d, NewFormatter(FormatOptions{HMACAccessor: true}, testSalt(t)))
	for range 5 {
		_ = b.LogRequest(t.Context(), reqInput())
	}
	d.setFailing(false)
	for range 3 {
		if err := b.LogRequest(t.Context(), reqInput()); err != nil {
			t.Fatal(err)
		}
	}
	out := buf.String()
	if strings.Count(out, "failed to record") != 1 || strings.Count(out, "records entries again") != 1 || failures(b, TypeRequest, "d/") != 5 {
		t.Fatalf("log:\n%s", out)
	}
	if strings.Contains(out, "tok") {
		t.Fatal("the log shows the token")
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
