package transit

import (
	"bytes"
	"context"
	"testing"

	"github.com/cofre-io/cofre/server/logical"
)

// benchPayload is 1 KiB of plaintext, base64 as a client sends it.
var benchPayload = b64(bytes.Repeat([]byte("0123456789abcdef"), 64))

// benchRequest runs one request through the backend's path table, as the
// core hands it over after the HTTP layer decoded the body.
func benchRequest(b *testing.B, f *fixture, path string, data map[string]any) {
	b.Helper()
	b.ReportAllocs()
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		req := &logical.Request{Operation: logical.UpdateOperation, Path: path, Data: data, Storage: f.view}
		if _, err := f.b.HandleRequest(ctx, req); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEncrypt1KiB(b *testing.B) {
	f := newFixture(b)
	f.write("keys/k", nil)
	benchRequest(b, f, "encrypt/k", map[string]any{"plaintext": benchPayload})
}

func BenchmarkDecrypt1KiB(b *testing.B) {
	f := newFixture(b)
	f.write("keys/k", nil)
	ct := f.write("encrypt/k", map[string]any{"plaintext": benchPayload})["ciphertext"]
	benchRequest(b, f, "decrypt/k", map[string]any{"ciphertext": ct})
}

func BenchmarkSignECDSAP256_1KiB(b *testing.B) {
	f := newFixture(b)
	f.write("keys/s", map[string]any{"type": "ecdsa-p256"})
	benchRequest(b, f, "sign/s", map[string]any{"input": benchPayload})
}

func BenchmarkEncryptDerived1KiB(b *testing.B) {
	f := newFixture(b)
	f.write("keys/d", map[string]any{"derived": true})
	benchRequest(b, f, "encrypt/d", map[string]any{"plaintext": benchPayload, "context": b64([]byte("tenant"))})
}
