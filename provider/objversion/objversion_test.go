package objversion

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes/fake"

	"github.com/cofre-io/cofre/provider/render"
)

func TestVersion(t *testing.T) {
	h, err := New([]byte("0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	other, _ := New([]byte("fedcba9876543210"))
	a := []render.File{{Path: "db/user", Mode: 0o644, Contents: []byte("u")}, {Path: "db/pass", Mode: 0o600, Contents: []byte("p")}}
	swapped := []render.File{a[1], a[0]}
	v := h.Version(a)
	if v != h.Version(swapped) {
		t.Fatal("order changed the version")
	}
	if v == other.Version(a) {
		t.Fatal("the key does not matter")
	}
	for name, changed := range map[string][]render.File{
		"contents": {{Path: "db/user", Mode: 0o644, Contents: []byte("u2")}, a[1]},
		"mode":     {{Path: "db/user", Mode: 0o600, Contents: []byte("u")}, a[1]},
		"path":     {{Path: "db/usr", Mode: 0o644, Contents: []byte("u")}, a[1]},
		"boundary": {{Path: "db/user", Mode: 0o644, Contents: []byte("up")}, {Path: "db/pass", Mode: 0o600, Contents: nil}},
		"fewer":    {a[0]},
	} {
		if h.Version(changed) == v {
			t.Errorf("%s: same version", name)
		}
	}
	if len(v) != 43 {
		t.Fatalf("version %q", v)
	}
	if _, err := New([]byte("short")); !errors.Is(err, ErrShortKey) {
		t.Fatal(err)
	}
}

func TestKeyFromFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "k")
	os.WriteFile(p, []byte("  0123456789abcdefXYZ\n"), 0o600)
	k, err := KeyFromFile(p)
	if err != nil || string(k) != "0123456789abcdefXYZ" {
		t.Fatalf("%q %v", k, err)
	}
	os.WriteFile(p, []byte("short\n"), 0o600)
	if _, err := KeyFromFile(p); !errors.Is(err, ErrShortKey) {
		t.Fatal(err)
	}
}

func TestKeyFromSecret(t *testing.T) {
	cs := fake.NewClientset()
	ctx := context.Background()
	k1, err := KeyFromSecret(ctx, cs, "cofre", "cofre-provider-hmac-key")
	if err != nil || len(k1) != keySize {
		t.Fatalf("%d %v", len(k1), err)
	}
	k2, err := KeyFromSecret(ctx, cs, "cofre", "cofre-provider-hmac-key")
	if err != nil || string(k1) != string(k2) {
		t.Fatal("second read differs")
	}
	cs.CoreV1().Secrets("cofre").Create(ctx, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "bad", Namespace: "cofre"},
		Data: map[string][]byte{SecretKey: []byte("x")}}, metav1.CreateOptions{})
	if _, err := KeyFromSecret(ctx, cs, "cofre", "bad"); !errors.Is(err, ErrShortKey) {
		t.Fatal(err)
	}
}
