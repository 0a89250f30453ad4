package kv

import (
	"context"
	"encoding/json"
	"errors"
	"sync/atomic"
	"testing"

	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/storage"
	"github.com/cofre-io/cofre/server/storage/inmem"
)

var seedV1 = map[string]map[string]any{
	"demo/database": {"username": "appuser", "password": "s3cret-passw0rd", "port": json.Number("5432")},
	"demo/api":      {"token": "t", "nested": map[string]any{"a": []any{"b"}}},
	"top":           {"x": "y"},
	"demo":          {"also": "a key"},
}

func writeV1Seed(t *testing.T, f *fixture) {
	t.Helper()
	for p, v := range seedV1 {
		f.must(logical.UpdateOperation, p, v)
	}
}

func checkUpgraded(t *testing.T, f *fixture) {
	t.Helper()
	if f.b.Version() != 2 {
		t.Fatalf("version = %d", f.b.Version())
	}
	for p, v := range seedV1 {
		resp := f.must(logical.ReadOperation, "data/"+p, nil)
		if resp == nil || !jsonEqual(t, resp.Data["data"], v) {
			t.Fatalf("%s after upgrade = %+v", p, resp)
		}
		if md := resp.Data["metadata"].(map[string]any); md["version"] != uint64(1) {
			t.Fatalf("%s metadata = %v", p, md)
		}
	}
	for k := range f.snapshot() {
		if len(k) > 3 && k[:3] == prefixV1 {
			t.Fatalf("version 1 entry %s left behind", k)
		}
	}
	if _, ok := f.snapshot()[keyUpgrade]; !ok {
		t.Fatal("upgrade not recorded")
	}
	// Version 1 paths are gone; version 2 writes continue the history.
	f.mustFail(logical.ErrUnsupportedPath, logical.ReadOperation, "top", nil)
	if n := f.put("top", map[string]any{"x": "z"}, nil); n != 2 {
		t.Fatalf("write after upgrade: version %d", n)
	}
}

func TestUpgradeKeepsData(t *testing.T) {
	f := newFixture(t, "1")
	writeV1Seed(t, f)
	if f.b.Version() != 1 {
		t.Fatalf("version = %d", f.b.Version())
	}
	if err := f.b.Upgrade(t.Context()); err != nil {
		t.Fatal(err)
	}
	checkUpgraded(t, f)
	// Upgrading again is a no-op.
	if err := f.b.Upgrade(t.Context()); err != nil {
		t.Fatal(err)
	}
}

func TestUpgradeThroughOptionsHook(t *testing.T) {
	f := newFixture(t, "1")
	writeV1Seed(t, f)
	if err := f.b.OptionsChanged(t.Context(), map[string]string{"version": "1"}); err != nil {
		t.Fatal(err)
	}
	if err := f.b.OptionsChanged(t.Context(), map[string]string{"version": "2"}); err != nil {
		t.Fatal(err)
	}
	// Requests wait for the upgrade, then see version 2.
	resp := f.must(logical.ReadOperation, "data/top", nil)
	if resp == nil || resp.Data["data"].(map[string]any)["x"] != "y" {
		t.Fatalf("read during/after upgrade = %+v", resp)
	}
	checkUpgraded(t, f)
	if err := f.b.OptionsChanged(t.Context(), map[string]string{"version": "1"}); !errors.Is(err, ErrDowngrade) {
		t.Fatalf("downgrade: %v", err)
	}
	if err := f.b.OptionsChanged(t.Context(), map[string]string{"version": "3"}); !errors.Is(err, ErrBadVersion) {
		t.Fatalf("version 3: %v", err)
	}
}

// TestUpgradeOnRemount: a mount whose table says version 2 while its data is
// still version 1 (the tune happened, the backend was rebuilt) upgrades by
// itself.
func TestUpgradeOnRemount(t *testing.T) {
	phys := inmem.New()
	f := newFixtureOn(t, phys, "1", Options{})
	writeV1Seed(t, f)
	f.b.Cleanup(t.Context())
	f2 := newFixtureOn(t, phys, "2", Options{})
	checkUpgraded(t, f2)
	// And a later mount with a stale "1" still serves version 2.
	f3 := newFixtureOn(t, phys, "1", Options{})
	if f3.b.Version() != 2 {
		t.Fatal("upgraded mount came back as version 1")
	}
}

// TestUpgradeResumes: an upgrade that fails halfway leaves a mount that
// finishes the job on the next attempt without duplicating versions.
func TestUpgradeResumes(t *testing.T) {
	phys := inmem.New()
	f := newFixtureOn(t, phys, "1", Options{})
	writeV1Seed(t, f)
	f.b.Cleanup(t.Context())

	// Storage that fails after a few writes.
	fv := &failingView{Backend: storage.NewView(phys, "logical/abc/")}
	fv.budget.Store(3)
	b, err := New(t.Context(), &logical.BackendConfig{StorageView: fv, Config: map[string]string{"version": "1"}}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Cleanup(t.Context())
	if err := b.Upgrade(t.Context()); !errors.Is(err, ErrUpgradeFailed) || !errors.Is(err, errInjected) {
		t.Fatalf("upgrade = %v, want injected failure", err)
	}
	_, err = b.HandleRequest(t.Context(), &logical.Request{Operation: logical.ReadOperation, Path: "data/top"})
	if !errors.Is(err, logical.ErrInternal) || !errors.Is(err, ErrUpgradeFailed) {
		t.Fatalf("request after failed upgrade: %v", err)
	}
	fv.budget.Store(1 << 30)
	if err := b.Upgrade(t.Context()); err != nil {
		t.Fatal(err)
	}
	f2 := &fixture{t: t, b: b, phys: phys, view: fv, clock: newFakeClock()}
	checkUpgraded(t, f2)
}

// TestUpgradeSkipsMigratedKey: a key whose version 2 form exists (a crash
// between writing it and removing the version 1 entry) is not written twice.
func TestUpgradeSkipsMigratedKey(t *testing.T) {
	f := newFixture(t, "1")
	writeV1Seed(t, f)
	m := &keyMeta{Current: 1, Created: 1, Updated: 1, Versions: []versionMeta{{Version: 1, Created: 1}}}
	enc, _ := m.encode()
	ctx := context.Background()
	_ = f.view.Put(ctx, &storage.Entry{Key: metaKey("top"), Value: enc})
	val, _ := encodeValue(map[string]any{"x": "y"})
	_ = f.view.Put(ctx, &storage.Entry{Key: versionKey("top", 1), Value: val})
	if err := f.b.Upgrade(t.Context()); err != nil {
		t.Fatal(err)
	}
	md := f.must(logical.ReadOperation, "metadata/top", nil).Data
	if md["current_version"] != uint64(1) || md["created_time"] != formatTime(1) {
		t.Fatalf("pre-migrated key rewritten: %v", md)
	}
	checkUpgraded(t, f)
}

var errInjected = errors.New("injected storage failure")

// failingView fails every Put once its budget is spent.
type failingView struct {
	storage.Backend
	budget atomic.Int64
}

func (v *failingView) Put(ctx context.Context, e *storage.Entry) error {
	if v.budget.Add(-1) < 0 {
		return errInjected
	}
	return v.Backend.Put(ctx, e)
}
