package pki

import (
	"context"
	"crypto/x509"
	"encoding/pem"
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

// fixture is a backend on an in-memory view with a fake clock that starts
// at the real time (so certificates also verify against time.Now).
type fixture struct {
	t     testing.TB
	b     *Backend
	view  storage.Backend
	clock *fakeClock
}

// mountTTLs are the fixture mount's default and maximum lease TTLs.
const (
	fixtureDefaultTTL = 768 * time.Hour
	fixtureMaxTTL     = 87600 * time.Hour
)

func newFixture(t testing.TB) *fixture {
	t.Helper()
	clock := &fakeClock{now: time.Now().UTC()}
	view := storage.NewView(inmem.New(), "logical/pki/")
	b, err := New(context.Background(), &logical.BackendConfig{
		StorageView: view,
		System:      logical.StaticSystemView{DefaultTTL: fixtureDefaultTTL, MaxTTL: fixtureMaxTTL, Clock: clock.Now},
	}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{t: t, b: b, view: view, clock: clock}
}

func (f *fixture) do(op logical.Operation, path string, data map[string]any) (*logical.Response, error) {
	return f.b.HandleRequest(context.Background(), &logical.Request{Operation: op, Path: path, Data: data, Storage: f.view})
}

// write does an update that must succeed and returns its data.
func (f *fixture) write(path string, data map[string]any) map[string]any {
	f.t.Helper()
	resp, err := f.do(logical.UpdateOperation, path, data)
	if err != nil {
		f.t.Fatalf("write %s: %v", path, err)
	}
	if resp == nil {
		return nil
	}
	return resp.Data
}

func (f *fixture) read(path string) *logical.Response {
	f.t.Helper()
	resp, err := f.do(logical.ReadOperation, path, nil)
	if err != nil {
		f.t.Fatalf("read %s: %v", path, err)
	}
	return resp
}

// badRequestContaining asserts a 400 whose message contains want.
func badRequestContaining(t testing.TB, err error, want string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error; want a 400 containing %q", want)
	}
	if !errors.Is(err, logical.ErrInvalidRequest) {
		t.Fatalf("error %v is not a 400", err)
	}
	if !strings.Contains(logical.CodedMessage(err), want) {
		t.Fatalf("error %q does not contain %q", logical.CodedMessage(err), want)
	}
}

func mustCert(t testing.TB, text string) *x509.Certificate {
	t.Helper()
	b, _ := pem.Decode([]byte(text))
	if b == nil || b.Type != "CERTIFICATE" {
		t.Fatalf("not a PEM certificate: %.60q", text)
	}
	c, err := x509.ParseCertificate(b.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func mustCRL(t testing.TB, der []byte) *x509.RevocationList {
	t.Helper()
	if b, _ := pem.Decode(der); b != nil {
		der = b.Bytes
	}
	crl, err := x509.ParseRevocationList(der)
	if err != nil {
		t.Fatal(err)
	}
	return crl
}

// hierarchy is the seed's three levels inside two fixtures: an offline
// root in one mount, an intermediate held by another, and a role there.
type hierarchy struct {
	root, inter         *fixture
	rootCert, interCert *x509.Certificate
}

func newHierarchy(t testing.TB, keyType string) *hierarchy {
	t.Helper()
	h := &hierarchy{root: newFixture(t), inter: newFixture(t)}
	r := h.root.write("root/generate/internal", map[string]any{"common_name": "Cofre Root CA", "key_type": keyType, "ttl": "87600h", "issuer_name": "root"})
	h.rootCert = mustCert(t, r["certificate"].(string))
	csr := h.inter.write("intermediate/generate/internal", map[string]any{"common_name": "Cofre Intermediate CA", "key_type": keyType})
	signed := h.root.write("root/sign-intermediate", map[string]any{"csr": csr["csr"], "ttl": "43800h", "format": "pem_bundle"})
	h.interCert = mustCert(t, signed["certificate"].(string))
	h.inter.write("intermediate/set-signed", map[string]any{"certificate": signed["certificate"].(string) + "\n" + r["certificate"].(string)})
	h.inter.write("roles/web", map[string]any{
		"allowed_domains": "example.com", "allow_subdomains": true, "key_type": keyType, "max_ttl": "720h", "ttl": "24h",
	})
	return h
}

func (h *hierarchy) verify(t testing.TB, leafPEM string, chain []string) *x509.Certificate {
	t.Helper()
	leaf := mustCert(t, leafPEM)
	roots := x509.NewCertPool()
	roots.AddCert(h.rootCert)
	inters := x509.NewCertPool()
	for _, c := range chain {
		inters.AddCert(mustCert(t, c))
	}
	if _, err := leaf.Verify(x509.VerifyOptions{Roots: roots, Intermediates: inters, CurrentTime: h.inter.clock.Now(),
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}); err != nil {
		t.Fatalf("leaf does not verify against the root: %v", err)
	}
	return leaf
}

func isBadRequest(err error) bool { return errors.Is(err, logical.ErrInvalidRequest) }
