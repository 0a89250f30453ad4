package kv_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	vault "github.com/hashicorp/vault/api"

	"github.com/cofre-io/cofre/server/engines/kv"
	"github.com/cofre-io/cofre/server/servertest"
)

// TestSeedScenarioThroughVaultClient drives KV v2 at secret/ of a dev server
// with the official client: put, read by version, list, soft delete,
// undelete, destroy, metadata.
func TestSeedScenarioThroughVaultClient(t *testing.T) {
	s := servertest.StartDev(t)
	ctx := context.Background()
	kv2 := s.Client.KVv2("secret")
	seed := map[string]any{"username": "appuser", "password": "s3cret-passw0rd", "host": "postgres.example.com", "port": "5432"}

	put, err := kv2.Put(ctx, "demo/database", seed)
	if err != nil {
		t.Fatal(err)
	}
	if put.VersionMetadata == nil || put.VersionMetadata.Version != 1 || put.VersionMetadata.CreatedTime.IsZero() {
		t.Fatalf("put metadata = %+v", put.VersionMetadata)
	}
	if _, err := kv2.Put(ctx, "demo/database", map[string]any{"username": "appuser", "password": "rotated"}, vault.WithCheckAndSet(1)); err != nil {
		t.Fatal(err)
	}
	if _, err := kv2.Put(ctx, "demo/database", seed, vault.WithCheckAndSet(1)); err == nil {
		t.Fatal("stale cas accepted")
	}

	got, err := kv2.Get(ctx, "demo/database")
	if err != nil {
		t.Fatal(err)
	}
	if got.Data["password"] != "rotated" || got.VersionMetadata.Version != 2 {
		t.Fatalf("latest = %v %+v", got.Data, got.VersionMetadata)
	}
	v1, err := kv2.GetVersion(ctx, "demo/database", 1)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range seed {
		if v1.Data[k] != v {
			t.Fatalf("version 1 %s = %v, want %v", k, v1.Data[k], v)
		}
	}
	if _, err := kv2.GetVersion(ctx, "demo/database", 9); !errors.Is(err, vault.ErrSecretNotFound) {
		t.Fatalf("missing version: %v", err)
	}

	list, err := s.Client.Logical().ListWithContext(ctx, "secret/metadata/demo")
	if err != nil || list == nil {
		t.Fatalf("list: %v %v", list, err)
	}
	if keys := list.Data["keys"].([]any); len(keys) != 1 || keys[0] != "database" {
		t.Fatalf("keys = %v", keys)
	}

	// Patch through HTTP PATCH with merge-patch.
	patched, err := kv2.Patch(ctx, "demo/database", map[string]any{"password": "patched", "host": nil})
	if err != nil {
		t.Fatal(err)
	}
	if patched.VersionMetadata.Version != 3 {
		t.Fatalf("patch version = %d", patched.VersionMetadata.Version)
	}
	got, err = kv2.Get(ctx, "demo/database")
	if err != nil {
		t.Fatal(err)
	}
	if got.Data["password"] != "patched" || got.Data["username"] != "appuser" || got.Data["host"] != nil {
		t.Fatalf("patched = %v", got.Data)
	}

	// Soft delete: Get answers with metadata and no data, as with Vault.
	if err := kv2.Delete(ctx, "demo/database"); err != nil {
		t.Fatal(err)
	}
	got, err = kv2.Get(ctx, "demo/database")
	if err != nil {
		t.Fatalf("get deleted: %v", err)
	}
	if got.Data != nil || got.VersionMetadata == nil || got.VersionMetadata.DeletionTime.IsZero() || got.VersionMetadata.Version != 3 {
		t.Fatalf("deleted = %v %+v", got.Data, got.VersionMetadata)
	}
	if err := kv2.Undelete(ctx, "demo/database", []int{3}); err != nil {
		t.Fatal(err)
	}
	if got, err = kv2.Get(ctx, "demo/database"); err != nil || got.Data["password"] != "patched" {
		t.Fatalf("undeleted = %v, %v", got, err)
	}
	if err := kv2.DeleteVersions(ctx, "demo/database", []int{2}); err != nil {
		t.Fatal(err)
	}
	if got, err = kv2.GetVersion(ctx, "demo/database", 2); err != nil || got.Data != nil || got.VersionMetadata.DeletionTime.IsZero() {
		t.Fatalf("deleted version 2 = %+v, %v", got, err)
	}
	if err := kv2.Destroy(ctx, "demo/database", []int{1}); err != nil {
		t.Fatal(err)
	}
	if got, err = kv2.GetVersion(ctx, "demo/database", 1); err != nil || got.Data != nil || !got.VersionMetadata.Destroyed {
		t.Fatalf("destroyed version 1 = %+v, %v", got, err)
	}

	// Metadata.
	if err := kv2.PutMetadata(ctx, "demo/database", vault.KVMetadataPutInput{MaxVersions: 5, CustomMetadata: map[string]any{"owner": "platform"}}); err != nil {
		t.Fatal(err)
	}
	md, err := kv2.GetMetadata(ctx, "demo/database")
	if err != nil {
		t.Fatal(err)
	}
	if md.CurrentVersion != 3 || md.MaxVersions != 5 || md.CustomMetadata["owner"] != "platform" || len(md.Versions) != 3 || !md.Versions["1"].Destroyed {
		t.Fatalf("metadata = %+v", md)
	}
	vs, err := kv2.GetVersionsAsList(ctx, "demo/database")
	if err != nil || len(vs) != 3 || vs[0].Version != 1 || vs[2].Version != 3 {
		t.Fatalf("versions = %+v, %v", vs, err)
	}
	if got, err = kv2.Get(ctx, "demo/database"); err != nil || got.CustomMetadata["owner"] != "platform" {
		t.Fatalf("custom metadata on read = %+v, %v", got, err)
	}
	casReq := true
	if err := kv2.PatchMetadata(ctx, "demo/database", vault.KVMetadataPatchInput{CASRequired: &casReq}); err != nil {
		t.Fatal(err)
	}
	if _, err := kv2.Put(ctx, "demo/database", seed); err == nil {
		t.Fatal("write without cas accepted on a cas_required key")
	}
	if _, err := kv2.Rollback(ctx, "demo/database", 3); err != nil {
		t.Fatalf("rollback: %v", err)
	}

	if err := kv2.DeleteMetadata(ctx, "demo/database"); err != nil {
		t.Fatal(err)
	}
	if _, err := kv2.Get(ctx, "demo/database"); !errors.Is(err, vault.ErrSecretNotFound) {
		t.Fatalf("after delete metadata: %v", err)
	}
	if _, err := kv2.GetMetadata(ctx, "demo/database"); !errors.Is(err, vault.ErrSecretNotFound) {
		t.Fatalf("metadata after delete: %v", err)
	}

	// Engine config.
	if _, err := s.Client.Logical().WriteWithContext(ctx, "secret/config", map[string]any{"max_versions": 7, "delete_version_after": "1h"}); err != nil {
		t.Fatal(err)
	}
	cfg, err := s.Client.Logical().ReadWithContext(ctx, "secret/config")
	if err != nil || cfg.Data["delete_version_after"] != "1h0m0s" {
		t.Fatalf("config = %+v, %v", cfg, err)
	}
}

func TestKVv1AndUpgradeThroughVaultClient(t *testing.T) {
	s := servertest.StartDev(t)
	ctx := context.Background()
	if err := s.Client.Sys().Mount("kv1", &vault.MountInput{Type: "kv", Options: map[string]string{"version": "1"}}); err != nil {
		t.Fatal(err)
	}
	kv1 := s.Client.KVv1("kv1")
	seed := map[string]any{"username": "appuser", "password": "s3cret-passw0rd"}
	if err := kv1.Put(ctx, "demo/database", seed); err != nil {
		t.Fatal(err)
	}
	if err := kv1.Put(ctx, "demo/other", map[string]any{"a": "b"}); err != nil {
		t.Fatal(err)
	}
	got, err := kv1.Get(ctx, "demo/database")
	if err != nil || got.Data["password"] != "s3cret-passw0rd" {
		t.Fatalf("v1 get = %+v, %v", got, err)
	}
	list, err := s.Client.Logical().ListWithContext(ctx, "kv1/demo")
	if err != nil || list == nil || !slices.Equal(toStrings(list.Data["keys"]), []string{"database", "other"}) {
		t.Fatalf("v1 list = %+v, %v", list, err)
	}
	if err := kv1.Delete(ctx, "demo/other"); err != nil {
		t.Fatal(err)
	}
	if _, err := kv1.Get(ctx, "demo/other"); !errors.Is(err, vault.ErrSecretNotFound) {
		t.Fatalf("v1 get deleted: %v", err)
	}

	// The upgrade: the tune records version 2; the backend learns of it
	// through its hook (until the mount manager calls it, directly).
	if err := s.Client.Sys().TuneMount("kv1", vault.MountConfigInput{Options: map[string]string{"version": "2"}}); err != nil {
		t.Fatal(err)
	}
	rt, _, ok := s.Core.Mounts().Route("kv1/")
	if !ok {
		t.Fatal("no route for kv1/")
	}
	b, ok := rt.Backend.(*kv.Backend)
	if !ok {
		t.Fatalf("backend is %T", rt.Backend)
	}
	if err := b.Upgrade(ctx); err != nil {
		t.Fatal(err)
	}
	kv2 := s.Client.KVv2("kv1")
	got, err = kv2.Get(ctx, "demo/database")
	if err != nil || got.Data["password"] != "s3cret-passw0rd" || got.VersionMetadata.Version != 1 {
		t.Fatalf("after upgrade = %+v, %v", got, err)
	}
	if _, err := kv2.Put(ctx, "demo/database", map[string]any{"password": "new"}, vault.WithCheckAndSet(1)); err != nil {
		t.Fatal(err)
	}
}

func toStrings(v any) []string {
	var out []string
	for _, e := range v.([]any) {
		out = append(out, e.(string))
	}
	return out
}
