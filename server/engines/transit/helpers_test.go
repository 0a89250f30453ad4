package transit

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/storage"
	"github.com/cofre-io/cofre/server/storage/inmem"
)

// fakeClock is a settable clock.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// fixture is a backend on an in-memory view, with a fake clock and a
// rotation tick channel it drives itself.
type fixture struct {
	t     testing.TB
	b     *Backend
	view  storage.Backend
	clock *fakeClock
	ticks chan time.Time
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	return newFixtureOn(t, storage.NewView(inmem.New(), "logical/transit/"))
}

func newFixtureOn(t testing.TB, view storage.Backend) *fixture {
	t.Helper()
	f := &fixture{t: t, view: view, clock: &fakeClock{now: time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)}, ticks: make(chan time.Time)}
	b, err := New(context.Background(), &logical.BackendConfig{
		StorageView: view,
		System:      logical.StaticSystemView{Clock: f.clock.Now},
	}, Options{RotationTicks: f.ticks})
	if err != nil {
		t.Fatal(err)
	}
	f.b = b
	t.Cleanup(func() { b.Cleanup(context.Background()) })
	return f
}

// do runs one request the way the core does: a write to a path with an
// existence check becomes a create when the target is missing.
func (f *fixture) do(op logical.Operation, path string, data map[string]any) (*logical.Response, error) {
	f.t.Helper()
	ctx := context.Background()
	req := &logical.Request{Operation: op, Path: path, Data: data, Storage: f.view, ID: "req-1", MountType: "transit"}
	if op == logical.UpdateOperation {
		checked, exists, err := f.b.ExistenceCheck(ctx, req)
		if err != nil {
			return nil, err
		}
		if checked && !exists {
			req.Operation = logical.CreateOperation
		}
	}
	return f.b.HandleRequest(ctx, req)
}

// write is an update that must succeed.
func (f *fixture) write(path string, data map[string]any) map[string]any {
	f.t.Helper()
	resp, err := f.do(logical.UpdateOperation, path, data)
	if err != nil {
		f.t.Fatalf("write %s: %v", path, err)
	}
	if resp == nil {
		return nil
	}
	if resp.Raw != nil {
		f.t.Fatalf("write %s: raw response %d: %s", path, resp.Raw.StatusCode, resp.Raw.Body)
	}
	return resp.Data
}

// read is a read that must succeed and find something.
func (f *fixture) read(path string) map[string]any {
	f.t.Helper()
	resp, err := f.do(logical.ReadOperation, path, nil)
	if err != nil || resp == nil {
		f.t.Fatalf("read %s: %v %v", path, resp, err)
	}
	return resp.Data
}

// fail runs an update that must fail with a 400 whose message contains
// want.
func (f *fixture) fail(path string, data map[string]any, want string) {
	f.t.Helper()
	resp, err := f.do(logical.UpdateOperation, path, data)
	if err == nil {
		f.t.Fatalf("%s: succeeded (%v), want error %q", path, resp, want)
	}
	if !errors.Is(err, logical.ErrInvalidRequest) {
		f.t.Fatalf("%s: error %v is not a 400", path, err)
	}
	if !strings.Contains(err.Error(), want) {
		f.t.Fatalf("%s: error %q does not mention %q", path, err.Error(), want)
	}
}

// encrypt encrypts plaintext with key name and returns the ciphertext.
func (f *fixture) encrypt(name string, plaintext []byte, extra map[string]any) string {
	f.t.Helper()
	data := map[string]any{"plaintext": b64(plaintext)}
	for k, v := range extra {
		data[k] = v
	}
	return f.write("encrypt/"+name, data)["ciphertext"].(string)
}

// decrypt decrypts and returns the plaintext bytes.
func (f *fixture) decrypt(name, ct string, extra map[string]any) []byte {
	f.t.Helper()
	data := map[string]any{"ciphertext": ct}
	for k, v := range extra {
		data[k] = v
	}
	out := f.write("decrypt/"+name, data)
	pt, err := base64.StdEncoding.DecodeString(out["plaintext"].(string))
	if err != nil {
		f.t.Fatal(err)
	}
	return pt
}

// rawBody decodes a raw (non-200) response's envelope.
func rawBody(t testing.TB, resp *logical.Response) (int, map[string]any) {
	t.Helper()
	if resp == nil || resp.Raw == nil {
		t.Fatalf("want a raw response, got %+v", resp)
	}
	var env struct {
		Data map[string]any `json:"data"`
	}
	if err := json.Unmarshal(resp.Raw.Body, &env); err != nil {
		t.Fatal(err)
	}
	return resp.Raw.StatusCode, env.Data
}

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

// allTypes lists every key type name.
var allTypes = []string{
	"aes128-gcm96", "aes256-gcm96", "chacha20-poly1305", "xchacha20-poly1305",
	"ed25519", "ecdsa-p256", "ecdsa-p384", "ecdsa-p521", "rsa-2048", "rsa-3072", "rsa-4096", "hmac",
}

// fixedNow is a creation time for rings made outside a fixture.
var fixedNow = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
