package kv_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"runtime"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/cofre-io/cofre/server/servertest"
)

// httpBench is a dev server on Raft storage and a pooled HTTP client.
type httpBench struct {
	s      *servertest.Server
	client *http.Client
}

func newHTTPBench(b *testing.B) *httpBench {
	s := servertest.Start(b, servertest.Options{Dev: true, RaftDir: b.TempDir()})
	tr := &http.Transport{MaxIdleConns: 64, MaxIdleConnsPerHost: 64}
	b.Cleanup(tr.CloseIdleConnections)
	return &httpBench{s: s, client: &http.Client{Transport: tr}}
}

func (h *httpBench) do(ctx context.Context, method, path string, body []byte) error {
	req, err := http.NewRequestWithContext(ctx, method, h.s.Addr+"/v1/"+path, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("X-Vault-Token", h.s.RootToken)
	resp, err := h.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return &statusError{resp.StatusCode}
	}
	return nil
}

type statusError struct{ code int }

func (e *statusError) Error() string { return "HTTP " + strconv.Itoa(e.code) }

// parallel10 runs fn on 10 goroutines in all.
func parallel10(b *testing.B, fn func(i int64) error) {
	b.SetParallelism(max(1, 10/runtime.GOMAXPROCS(0)))
	var n atomic.Int64
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := fn(n.Add(1)); err != nil {
				b.Errorf("request: %v", err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}

var httpSecret, _ = json.Marshal(map[string]any{"data": map[string]any{
	"username": "appuser", "password": "s3cret-passw0rd", "host": "postgres.example.com", "port": "5432",
}})

// BenchmarkKVv2HTTPRead reads 100 keys over HTTP from a Raft-backed server.
func BenchmarkKVv2HTTPRead(b *testing.B) {
	h := newHTTPBench(b)
	ctx := context.Background()
	for i := range 100 {
		if err := h.do(ctx, http.MethodPost, "secret/data/bench/"+strconv.Itoa(i), httpSecret); err != nil {
			b.Fatal(err)
		}
	}
	parallel10(b, func(i int64) error {
		return h.do(ctx, http.MethodGet, "secret/data/bench/"+strconv.Itoa(int(i%100)), nil)
	})
}

// BenchmarkKVv2HTTPWrite writes new versions of 100 keys over HTTP to a
// Raft-backed server.
func BenchmarkKVv2HTTPWrite(b *testing.B) {
	h := newHTTPBench(b)
	ctx := context.Background()
	parallel10(b, func(i int64) error {
		return h.do(ctx, http.MethodPost, "secret/data/bench/"+strconv.Itoa(int(i%100)), httpSecret)
	})
}
