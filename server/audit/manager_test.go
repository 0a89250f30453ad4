package audit

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/storage"
	"github.com/cofre-io/cofre/server/storage/inmem"
)

func newManager(t *testing.T, st storage.Backend, factories map[string]Factory) *Manager {
	t.Helper()
	m, err := NewManager(ManagerConfig{Storage: st, Factories: factories, Broker: NewBroker(BrokerConfig{Timeout: time.Second})})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Load(t.Context()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(m.Unload)
	return m
}

func keys(t *testing.T, st storage.Backend) []string {
	t.Helper()
	var out []string
	var walk func(prefix string)
	walk = func(prefix string) {
		ks, err := st.List(context.Background(), prefix)
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range ks {
			if strings.HasSuffix(k, "/") {
				walk(prefix + k)
			} else {
				out = append(out, prefix+k)
			}
		}
	}
	walk("")
	return out
}

func TestManagerEnableListDisableRestore(t *testing.T) {
	ctx := t.Context()
	st := inmem.New()
	m := newManager(t, st, nil)
	log := filepath.Join(t.TempDir(), "audit.log")
	if err := m.Enable(ctx, TableEntry{Path: "file", Type: "file", Description: "d", Options: map[string]string{"file_path": log}}); err != nil {
		t.Fatal(err)
	}
	list, err := m.List()
	if err != nil || len(list) != 1 {
		t.Fatalf("list: %v %v", list, err)
	}
	e := list[0]
	if e.Path != "file/" || e.Type != "file" || e.Description != "d" || e.Options["file_path"] != log || e.UUID == "" {
		t.Fatalf("entry %+v", e)
	}
	if got := keys(t, st); !reflect.DeepEqual(got, []string{"audit/" + e.UUID + "/salt", "core/audit"}) {
		t.Fatalf("stored keys %v", got)
	}
	h1, err := m.Hash("file/", "secret")
	if err != nil || !strings.HasPrefix(h1, HashPrefix) {
		t.Fatalf("hash %q %v", h1, err)
	}
	if err := m.Broker().LogRequest(ctx, reqInput()); err != nil {
		t.Fatal(err)
	}

	// A restart (a new manager over the same storage) restores the device
	// and its salt.
	m.Unload()
	m2 := newManager(t, st, nil)
	list2, _ := m2.List()
	if !reflect.DeepEqual(list2, list) {
		t.Fatalf("restored %+v, want %+v", list2, list)
	}
	if h2, _ := m2.Hash("file", "secret"); h2 != h1 {
		t.Fatalf("hash after restore %s, want %s", h2, h1)
	}
	if err := m2.Broker().LogRequest(ctx, reqInput()); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(readFile(t, log), "\n"); n != 2 {
		t.Fatalf("log has %d lines, want 2", n)
	}

	// Disable forgets the device and its salt; a second disable is a no-op.
	if ok, err := m2.Disable(ctx, "file/"); !ok || err != nil {
		t.Fatalf("disable: %v %v", ok, err)
	}
	if ok, err := m2.Disable(ctx, "file/"); ok || err != nil {
		t.Fatalf("second disable: %v %v", ok, err)
	}
	if got := keys(t, st); !reflect.DeepEqual(got, []string{"core/audit"}) {
		t.Fatalf("stored keys after disable %v", got)
	}
	if m2.Broker().Enabled() {
		t.Fatal("broker still has the device")
	}
	if _, err := m2.Hash("file/", "x"); !errors.Is(err, ErrNoSuchDevice) {
		t.Fatalf("hash of a disabled device: %v", err)
	}
	// Re-enabling at the same path makes a new salt.
	if err := m2.Enable(ctx, TableEntry{Path: "file", Type: "file", Options: map[string]string{"file_path": log}}); err != nil {
		t.Fatal(err)
	}
	if h3, _ := m2.Hash("file/", "secret"); h3 == h1 {
		t.Fatal("re-enabled device kept the old salt")
	}
}

func TestManagerRefusals(t *testing.T) {
	ctx := t.Context()
	st := inmem.New()
	m := newManager(t, st, nil)
	dir := t.TempDir()
	if err := m.Enable(ctx, TableEntry{Path: "a/b", Type: "file", Options: map[string]string{"file_path": filepath.Join(dir, "ab.log")}}); err != nil {
		t.Fatal(err)
	}
	before := keys(t, st)
	for _, tc := range []struct {
		name string
		e    TableEntry
		want error
	}{
		{"missing directory", TableEntry{Path: "f", Type: "file", Options: map[string]string{"file_path": filepath.Join(dir, "no", "x.log")}}, ErrDeviceTest},
		{"same path", TableEntry{Path: "a/b/", Type: "file", Options: map[string]string{"file_path": "discard"}}, ErrPathInUse},
		{"parent path", TableEntry{Path: "a", Type: "file", Options: map[string]string{"file_path": "discard"}}, ErrPathInUse},
		{"child path", TableEntry{Path: "a/b/c", Type: "file", Options: map[string]string{"file_path": "discard"}}, ErrPathInUse},
		{"unknown type", TableEntry{Path: "x", Type: "kafka"}, ErrUnknownType},
		{"no type", TableEntry{Path: "x"}, ErrInvalidOption},
		{"no path", TableEntry{Path: "/", Type: "file"}, ErrInvalidOption},
		{"bad format", TableEntry{Path: "x", Type: "file", Options: map[string]string{"file_path": "discard", "format": "jsonx"}}, ErrInvalidOption},
		{"no file_path", TableEntry{Path: "x", Type: "file"}, ErrInvalidOption},
		{"socket with no listener", TableEntry{Path: "s", Type: "socket", Options: map[string]string{"address": closedPort(t)}}, ErrDeviceTest},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := m.Enable(ctx, tc.e)
			if !errors.Is(err, tc.want) || !errors.Is(err, logical.ErrInvalidRequest) {
				t.Fatalf("err = %v, want %v (400)", err, tc.want)
			}
			if got := keys(t, st); !reflect.DeepEqual(got, before) {
				t.Fatalf("storage changed: %v -> %v", before, got)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "no")); !os.IsNotExist(err) {
		t.Fatal("a directory was created")
	}
	// skip_test enables a device that cannot reach its destination yet.
	if err := m.Enable(ctx, TableEntry{Path: "s", Type: "socket", Options: map[string]string{"address": closedPort(t), "skip_test": "true"}}); err != nil {
		t.Fatalf("skip_test: %v", err)
	}
}

func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := listenTCP()
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

func TestManagerSealed(t *testing.T) {
	m, err := NewManager(ManagerConfig{Storage: inmem.New()})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Enable(t.Context(), TableEntry{Path: "f", Type: "file"}); !errors.Is(err, ErrNotLoaded) {
		t.Fatalf("enable while unloaded: %v", err)
	}
	if _, err := m.List(); !errors.Is(err, ErrNotLoaded) {
		t.Fatalf("list while unloaded: %v", err)
	}
	if _, err := NewManager(ManagerConfig{}); err == nil {
		t.Fatal("no storage accepted")
	}
}

// TestManagerRestoresBrokenDeviceClosed: a stored device whose type is no
// longer known is restored as one that fails, so requests stay refused
// instead of going unaudited.
func TestManagerRestoresBrokenDeviceClosed(t *testing.T) {
	ctx := t.Context()
	st := inmem.New()
	fake := &fakeDevice{}
	factories := map[string]Factory{"fake": func(DeviceConfig) (Device, error) { return fake, nil }}
	m := newManager(t, st, factories)
	if err := m.Enable(ctx, TableEntry{Path: "fake", Type: "fake"}); err != nil {
		t.Fatal(err)
	}
	m.Unload()
	m2 := newManager(t, st, map[string]Factory{})
	if !m2.Broker().Enabled() {
		t.Fatal("broken device not registered")
	}
	if err := m2.Broker().LogRequest(ctx, reqInput()); !errors.Is(err, ErrRequestNotRecorded) {
		t.Fatalf("broken device: %v", err)
	}
	if ok, err := m2.Disable(ctx, "fake"); !ok || err != nil {
		t.Fatalf("disable broken: %v %v", ok, err)
	}
	if err := m2.Broker().LogRequest(ctx, reqInput()); err != nil {
		t.Fatal(err)
	}
}
