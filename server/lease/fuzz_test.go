package lease_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/cofre-io/cofre/server/lease"
	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/storage/inmem"
)

// FuzzValidateID: ids and prefixes clients send. Whatever passes can be
// looked up, listed and revoked without escaping the manager's storage or
// failing for another reason than "not found"; whatever fails, fails with
// ErrInvalidID everywhere.
func FuzzValidateID(f *testing.F) {
	for _, s := range []string{"db/creds/app/AbC", "db/", "", "/x", "x/../y", "..", "a//b", "a/./b", "a/", "ü/ñ", "a b/c\x00"} {
		f.Add(s)
	}
	fx := newFixture(f, inmem.New())
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, id string) {
		okID := lease.ValidateID(id) == nil
		okPrefix := lease.ValidatePrefix(id) == nil
		if okID {
			if id == "" || strings.HasPrefix(id, "/") || strings.HasSuffix(id, "/") || strings.Contains("/"+id+"/", "/../") {
				t.Fatalf("ValidateID accepted %q", id)
			}
			if !okPrefix {
				t.Fatalf("%q is a valid id but not a valid prefix", id)
			}
		}
		_, err := fx.m.Lookup(ctx, id)
		if okID != errors.Is(err, lease.ErrNotFound) || !okID && !errors.Is(err, lease.ErrInvalidID) {
			t.Fatalf("Lookup(%q) = %v (valid id: %t)", id, err, okID)
		}
		if err := fx.m.Revoke(ctx, id, true); okID != (err == nil) {
			t.Fatalf("Revoke(%q) = %v (valid id: %t)", id, err, okID)
		}
		_, err = fx.m.List(ctx, id)
		if okPrefix != (err == nil) || !okPrefix && !errors.Is(err, lease.ErrInvalidID) {
			t.Fatalf("List(%q) = %v (valid prefix: %t)", id, err, okPrefix)
		}
		res, err := fx.m.RevokePrefix(ctx, id, true)
		if okPrefix != (err == nil) || res.Revoked != 0 {
			t.Fatalf("RevokePrefix(%q) = %+v, %v (valid prefix: %t)", id, res, err, okPrefix)
		}
	})
}

// FuzzRegisterPath: request paths backends answer on. A registered lease
// has a valid id under its mount and can be found again.
func FuzzRegisterPath(f *testing.F) {
	for _, s := range []string{"creds/app", "", "/", "a//b", "./x", "x/..", "../etc", "ü ñ/\x00", "creds/app/"} {
		f.Add(s)
	}
	fx := newFixture(f, inmem.New())
	fx.mounts.set("db/", &fakeMount{accessor: "db1", defaultTTL: time.Hour, maxTTL: 2 * time.Hour, backend: &fakeBackend{}})
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, path string) {
		e, err := fx.issue("db/", path, &logical.Secret{TTL: time.Minute}, "")
		if err != nil {
			if !errors.Is(err, lease.ErrInvalidID) {
				t.Fatalf("Register(%q): %v", path, err)
			}
			return
		}
		if err := lease.ValidateID(e.ID); err != nil || !strings.HasPrefix(e.ID, "db/") {
			t.Fatalf("Register(%q) made id %q: %v", path, e.ID, err)
		}
		got, err := fx.m.Lookup(ctx, e.ID)
		if err != nil || got.Path != strings.ToValidUTF8(path, "\uFFFD") {
			t.Fatalf("Lookup(%q) = %+v, %v", e.ID, got, err)
		}
		if err := fx.m.Revoke(ctx, e.ID, true); err != nil {
			t.Fatal(err)
		}
	})
}
