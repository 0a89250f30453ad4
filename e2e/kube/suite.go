package kube

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"testing"
)

// SkipReason says why cluster tests are switched off ("" when they run):
// COFRE_SKIP_E2E=1 (or true) or `go test -short`, for a quick inner loop.
// CI sets neither. It must be called from a test (flags parsed).
func SkipReason() string {
	if v := os.Getenv(EnvSkip); v == "1" || strings.EqualFold(v, "true") {
		return EnvSkip + " is set"
	}
	if testing.Short() {
		return "-short"
	}
	return ""
}

// StartForTest starts a cluster of t's own, stopped when t ends. It skips
// t when SkipReason says so and fails t when the cluster does not start
// (missing binaries: run `make e2e-deps`).
func StartForTest(t testing.TB, opts Options) *Cluster {
	t.Helper()
	if r := SkipReason(); r != "" {
		t.Skipf("kube-apiserver tests skipped: %s", r)
	}
	var logs bytes.Buffer
	opts.LogOutput = &logs
	c, err := Start(t.Context(), opts)
	if err != nil {
		t.Fatalf("%v\n%s", err, logs.String())
	}
	t.Cleanup(c.Stop)
	return c
}

// Suite shares one cluster among the tests of a package. The cluster starts
// when a test first asks for it (so a package whose tests are all skipped or
// filtered out starts none) and stops when Main returns. Use:
//
//	var suite = kube.NewSuite(kube.Options{})
//	func TestMain(m *testing.M) { os.Exit(suite.Main(m)) }
//	func TestX(t *testing.T) { c := suite.Cluster(t); ... }
//
// Tests sharing a cluster should use their own namespaces.
type Suite struct {
	opts   Options
	ctx    context.Context // ends on interrupt, aborting a start
	cancel context.CancelFunc

	mu      sync.Mutex
	started bool
	cluster *Cluster
	err     error
	logs    string
}

// NewSuite returns a Suite whose cluster is started with opts.
func NewSuite(opts Options) *Suite {
	ctx, cancel := context.WithCancel(context.Background())
	return &Suite{opts: opts, ctx: ctx, cancel: cancel}
}

// Cluster returns the shared cluster, starting it on the first call. It
// skips t when SkipReason says so; when the cluster could not start it
// fails t (every asking test, with the same error).
func (s *Suite) Cluster(t testing.TB) *Cluster {
	t.Helper()
	if r := SkipReason(); r != "" {
		t.Skipf("kube-apiserver tests skipped: %s", r)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.started {
		s.started = true
		var logs bytes.Buffer
		opts := s.opts
		opts.LogOutput = &logs
		// Not t's context: the cluster outlives the test that started it.
		s.cluster, s.err = Start(s.ctx, opts)
		s.logs = logs.String()
		if s.err == nil {
			t.Logf("test cluster started in %v at %s", s.cluster.StartDuration, s.cluster.Host)
		}
	}
	if s.err != nil {
		t.Fatalf("%v\n%s", s.err, s.logs)
	}
	return s.cluster
}

// Main runs the package's tests and stops the cluster afterwards, printing
// the end of its logs when a test failed. An interrupt (SIGINT, SIGTERM)
// stops the cluster and exits with status 1. It returns m.Run's code.
func (s *Suite) Main(m *testing.M) int {
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		select {
		case sig := <-sigs:
			fmt.Fprintf(os.Stderr, "e2e/kube: %v: stopping the test cluster\n", sig)
			s.cancel() // a start under way gives up and cleans up
			s.stop(false)
			os.Exit(1)
		case <-done:
		}
	}()
	code := m.Run()
	signal.Stop(sigs)
	close(done)
	wg.Wait()
	s.cancel()
	s.stop(code != 0)
	return code
}

// stop stops the cluster if one started, dumping its logs first if asked.
func (s *Suite) stop(dump bool) {
	s.mu.Lock()
	c := s.cluster
	s.mu.Unlock()
	if c == nil {
		return
	}
	if dump {
		c.DumpLogs(os.Stderr)
	}
	c.Stop()
}
