package unseal

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/cofre-io/cofre/server/barrier"
	"github.com/cofre-io/cofre/server/seal"
	"github.com/cofre-io/cofre/server/seal/transitseal"
	"github.com/cofre-io/cofre/server/storage"
	"github.com/cofre-io/cofre/server/storage/inmem"
)

// node is one start of a server over shared physical storage.
type node struct {
	t  *testing.T
	b  *barrier.Barrier
	m  *Manager
	ph storage.Backend
}

// start builds a sealed manager over phys with the given auto seal (nil
// for Shamir) and migration source.
func start(t *testing.T, phys storage.Backend, auto, from seal.Wrapper) *node {
	t.Helper()
	b, err := barrier.New(phys, barrier.Options{})
	if err != nil {
		t.Fatal(err)
	}
	m, err := New(Config{Physical: phys, Barrier: b, AutoSeal: auto})
	if err != nil {
		t.Fatal(err)
	}
	m.SetMigrationSource(from)
	return &node{t: t, b: b, m: m, ph: phys}
}

func (n *node) status() Status {
	n.t.Helper()
	st, err := n.m.Status(context.Background())
	if err != nil {
		n.t.Fatal(err)
	}
	return st
}

func (n *node) put(key, value string) {
	n.t.Helper()
	if err := n.b.Put(context.Background(), &storage.Entry{Key: key, Value: []byte(value)}); err != nil {
		n.t.Fatal(err)
	}
}

func (n *node) get(key string) string {
	n.t.Helper()
	e, err := n.b.Get(context.Background(), key)
	if err != nil || e == nil {
		n.t.Fatalf("get %s: %v %v", key, e, err)
	}
	return string(e.Value)
}

func wrapper(t *testing.T, typ string, fill byte) seal.Wrapper {
	t.Helper()
	w, err := seal.NewAESGCM(typ, bytes.Repeat([]byte{fill}, 32))
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// failingSeal refuses to encrypt, as an unreachable transit server does.
type failingSeal struct{ seal.Wrapper }

func (failingSeal) Encrypt(context.Context, []byte, []byte) ([]byte, error) {
	return nil, transitseal.ErrTransitUnavailable
}

// TestMigrationShamirToAutoAndBack is the transcript of a Shamir server
// moved to an auto seal and back, restarting between steps, with the data
// kept throughout.
func TestMigrationShamirToAutoAndBack(t *testing.T) {
	ctx := context.Background()
	phys := inmem.New()
	transit := wrapper(t, seal.TypeTransit, 7)

	// Shamir, 3 shares, threshold 2.
	n := start(t, phys, nil, nil)
	res, err := n.m.Init(ctx, InitRequest{SecretShares: 3, SecretThreshold: 2})
	if err != nil {
		t.Fatal(err)
	}
	shares := res.Keys
	for _, k := range shares[:2] {
		if _, err := n.m.Unseal(ctx, k); err != nil {
			t.Fatal(err)
		}
	}
	n.put("data/a", "kept")

	// Restart with the transit seal configured: a migration waits.
	n = start(t, phys, transit, nil)
	if st := n.status(); !st.Migration || st.Type != seal.TypeShamir || st.Threshold != 2 || !st.Sealed {
		t.Fatalf("status %+v", st)
	}
	if err := n.m.AutoUnseal(ctx); !errors.Is(err, ErrMigrationPending) || !strings.Contains(err.Error(), "unseal key shares") {
		t.Fatalf("auto-unseal: %v", err)
	}
	if _, err := n.m.Unseal(ctx, shares[0]); !errors.Is(err, ErrMigrationPending) {
		t.Fatalf("unseal without migrate: %v", err)
	}
	// A wrong share set fails and changes nothing.
	bad := bytes.Clone(shares[1])
	bad[5] ^= 1
	n.migrate(shares[0], false)
	if _, err := n.m.MigrateUnseal(ctx, bad); !errors.Is(err, ErrBadShares) {
		t.Fatalf("bad share: %v", err)
	}
	if st := n.status(); !st.Migration || st.Progress != 0 {
		t.Fatalf("after bad share: %+v", st)
	}
	// The new seal failing changes nothing either.
	f := start(t, phys, failingSeal{transit}, nil)
	f.migrate(shares[0], false)
	if _, err := f.m.MigrateUnseal(ctx, shares[2]); !errors.Is(err, transitseal.ErrTransitUnavailable) {
		t.Fatalf("failing seal: %v", err)
	}
	n.migrate(shares[1], false)
	r := n.migrate(shares[2], true)
	if r.ToShamir || r.Status.Migration || r.Status.Type != seal.TypeTransit || r.Status.Threshold != 2 || r.Status.Shares != 3 || !r.Status.Sealed {
		t.Fatalf("after migration: %+v", r)
	}
	if err := n.m.AutoUnseal(ctx); err != nil {
		t.Fatal(err)
	}
	if n.get("data/a") != "kept" {
		t.Fatal("data lost")
	}
	// The old unseal shares are the recovery shares now.
	rec, _ := readRecord(ctx, phys)
	if err := n.m.verifyKeys(ctx, rec, [][]byte{shares[0], shares[2]}); err != nil {
		t.Fatalf("old shares as recovery shares: %v", err)
	}
	n.put("data/b", "added under transit")

	// A restart unseals itself; migrate is refused now.
	n = start(t, phys, transit, nil)
	if err := n.m.AutoUnseal(ctx); err != nil || n.b.Sealed() {
		t.Fatalf("restart: %v", err)
	}
	n.m.Seal(ctx)
	if _, err := n.m.MigrateUnseal(ctx, shares[0]); err == nil || !strings.Contains(err.Error(), "no seal migration is pending") {
		t.Fatalf("migrate with nothing pending: %v", err)
	}

	// Back to Shamir without the transit block: not configured, refused.
	n = start(t, phys, nil, nil)
	if _, err := n.m.MigrateUnseal(ctx, shares[0]); err == nil || !strings.Contains(err.Error(), "disabled = true") {
		t.Fatalf("no migration source: %v", err)
	}
	// With the transit block disabled: recovery shares and migrate.
	n = start(t, phys, nil, transit)
	if st := n.status(); !st.Migration || st.Type != seal.TypeTransit || st.Threshold != 2 {
		t.Fatalf("status %+v", st)
	}
	if _, err := n.m.Unseal(ctx, shares[0]); !errors.Is(err, ErrMigrationPending) || !strings.Contains(err.Error(), "recovery key shares") {
		t.Fatalf("unseal without migrate: %v", err)
	}
	n.migrate(shares[1], false)
	r = n.migrate(shares[0], true)
	if !r.ToShamir || r.Status.Type != seal.TypeShamir || !r.Status.Sealed || r.Status.Progress != 2 {
		t.Fatalf("to shamir: %+v", r)
	}
	// The caller finishes with an ordinary unseal of the last share.
	if st, err := n.m.Unseal(ctx, shares[0]); err != nil || st.Sealed {
		t.Fatalf("finish: %+v %v", st, err)
	}
	if n.get("data/a") != "kept" || n.get("data/b") != "added under transit" {
		t.Fatal("data lost")
	}
	// And a plain Shamir restart unseals with the same shares.
	n = start(t, phys, nil, nil)
	for _, k := range shares[1:] {
		if _, err := n.m.Unseal(ctx, k); err != nil {
			t.Fatal(err)
		}
	}
	if n.b.Sealed() || n.get("data/b") != "added under transit" {
		t.Fatal("shamir restart")
	}
}

// TestMigrationAutoToAuto moves between two auto seals of different
// types; the recovery key stays.
func TestMigrationAutoToAuto(t *testing.T) {
	ctx := context.Background()
	phys := inmem.New()
	static := wrapper(t, seal.TypeStatic, 1)
	transit := wrapper(t, seal.TypeTransit, 2)
	n := start(t, phys, static, nil)
	res, err := n.m.Init(ctx, InitRequest{RecoveryShares: 1, RecoveryThreshold: 1})
	if err != nil {
		t.Fatal(err)
	}
	n.put("k", "v")
	n = start(t, phys, transit, static)
	if err := n.m.AutoUnseal(ctx); !errors.Is(err, ErrMigrationPending) {
		t.Fatalf("auto-unseal before migration: %v", err)
	}
	wrong := bytes.Repeat([]byte{3}, 32)
	if _, err := n.m.MigrateUnseal(ctx, wrong); !errors.Is(err, ErrBadShares) {
		t.Fatalf("wrong recovery key: %v", err)
	}
	r := n.migrate(res.RecoveryKeys[0], true)
	if r.ToShamir || r.Status.Type != seal.TypeTransit || r.Status.Shares != 1 {
		t.Fatalf("%+v", r)
	}
	if err := n.m.AutoUnseal(ctx); err != nil || n.get("k") != "v" {
		t.Fatalf("after migration: %v", err)
	}
	rec, _ := readRecord(ctx, phys)
	if err := n.m.verifyKeys(ctx, rec, res.RecoveryKeys); err != nil {
		t.Fatalf("recovery key changed: %v", err)
	}
	// The static seal no longer opens anything.
	if _, err := static.Decrypt(ctx, rec.RootKey, aadRootKey); err == nil {
		t.Fatal("the old seal still unwraps the root key")
	}
}

// migrate gives one share with migrate=true; done says whether it must
// complete the migration.
func (n *node) migrate(key []byte, done bool) MigrateResult {
	n.t.Helper()
	r, err := n.m.MigrateUnseal(context.Background(), key)
	if err != nil {
		n.t.Fatalf("migrate: %v", err)
	}
	if r.Migrated != done {
		n.t.Fatalf("migrated = %v, want %v (%+v)", r.Migrated, done, r)
	}
	return r
}
