package core_test

import (
	"context"
	"testing"

	"github.com/cofre-io/cofre/server/core"
	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/storage/inmem"
	"github.com/cofre-io/cofre/server/token"
	"github.com/cofre-io/cofre/server/unseal"
)

func devCore(b *testing.B) (*core.Core, string) {
	b.Helper()
	ctx := context.Background()
	c, err := core.New(core.Config{Physical: inmem.New(), StorageType: "inmem"})
	if err != nil {
		b.Fatal(err)
	}
	res, err := c.Init(ctx, unseal.InitRequest{SecretShares: 1, SecretThreshold: 1})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := c.Unseal(ctx, res.Keys[0]); err != nil {
		b.Fatal(err)
	}
	return c, res.RootToken
}

// BenchmarkRequestRoot measures the pipeline (route, token lookup through
// the barrier, ACL, backend) for a small read with the root token.
func BenchmarkRequestRoot(b *testing.B) {
	c, root := devCore(b)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_, err := c.HandleRequest(ctx, &logical.Request{Operation: logical.ReadOperation, Path: "sys/key-status", ClientToken: root})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRequestPolicy is the same read by a token whose policies must be
// evaluated.
func BenchmarkRequestPolicy(b *testing.B) {
	c, root := devCore(b)
	ctx := context.Background()
	_, err := c.HandleRequest(ctx, &logical.Request{Operation: logical.UpdateOperation, Path: "sys/policies/acl/ops", ClientToken: root,
		Data: map[string]any{"policy": `path "sys/key-status" { capabilities = ["read"] }
path "secret/data/+/app" { capabilities = ["read"] }
path "secret/*" { capabilities = ["list"] }`}})
	if err != nil {
		b.Fatal(err)
	}
	te, err := c.Tokens().Create(ctx, &token.Entry{Policies: []string{"default", "ops"}, Orphan: true})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_, err := c.HandleRequest(ctx, &logical.Request{Operation: logical.ReadOperation, Path: "sys/key-status", ClientToken: te.ID})
		if err != nil {
			b.Fatal(err)
		}
	}
}
