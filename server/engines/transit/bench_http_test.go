package transit_test

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

// httpBench is a dev server on Raft storage with transit mounted, and a
// pooled HTTP client.
type httpBench struct {
	s      *servertest.Server
	client *http.Client
}

func newHTTPBench(b *testing.B) *httpBench {
	s := servertest.Start(b, servertest.Options{Dev: true, RaftDir: b.TempDir()})
	tr := &http.Transport{MaxIdleConns: 64, MaxIdleConnsPerHost: 64}
	b.Cleanup(tr.CloseIdleConnections)
	h := &httpBench{s: s, client: &http.Client{Transport: tr}}
	ctx := context.Background()
	must(b, h.do(ctx, "sys/mounts/transit", []byte(`{"type":"transit"}`), nil))
	must(b, h.do(ctx, "transit/keys/k", nil, nil))
	must(b, h.do(ctx, "transit/keys/s", []byte(`{"type":"ecdsa-p256"}`), nil))
	return h
}

func must(b *testing.B, err error) {
	b.Helper()
	if err != nil {
		b.Fatal(err)
	}
}

// do POSTs body to path; out, when set, receives the response's data.
func (h *httpBench) do(ctx context.Context, path string, body []byte, out any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, h.s.Addr+"/v1/"+path, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("X-Vault-Token", h.s.RootToken)
	resp, err := h.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusNoContent {
		return &statusError{resp.StatusCode}
	}
	if out != nil {
		return json.NewDecoder(resp.Body).Decode(&struct {
			Data any `json:"data"`
		}{out})
	}
	_, err = io.Copy(io.Discard, resp.Body)
	return err
}

type statusError struct{ code int }

func (e *statusError) Error() string { return "HTTP " + strconv.Itoa(e.code) }

// parallel10 runs the request on 10 goroutines in all and reports req/s.
func parallel10(b *testing.B, h *httpBench, path string, body []byte) {
	b.SetParallelism(max(1, 10/runtime.GOMAXPROCS(0)))
	var failed atomic.Bool
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := h.do(ctx, path, body, nil); err != nil && !failed.Swap(true) {
				b.Errorf("request: %v", err)
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}

var plaintext1KiB = b64(string(bytes.Repeat([]byte("0123456789abcdef"), 64)))

func BenchmarkHTTPEncrypt1KiB(b *testing.B) {
	h := newHTTPBench(b)
	body, _ := json.Marshal(map[string]string{"plaintext": plaintext1KiB})
	parallel10(b, h, "transit/encrypt/k", body)
}

func BenchmarkHTTPDecrypt1KiB(b *testing.B) {
	h := newHTTPBench(b)
	var out struct {
		Ciphertext string `json:"ciphertext"`
	}
	body, _ := json.Marshal(map[string]string{"plaintext": plaintext1KiB})
	must(b, h.do(context.Background(), "transit/encrypt/k", body, &out))
	body, _ = json.Marshal(map[string]string{"ciphertext": out.Ciphertext})
	parallel10(b, h, "transit/decrypt/k", body)
}

func BenchmarkHTTPSignECDSAP256_1KiB(b *testing.B) {
	h := newHTTPBench(b)
	body, _ := json.Marshal(map[string]string{"input": plaintext1KiB})
	parallel10(b, h, "transit/sign/s", body)
}
