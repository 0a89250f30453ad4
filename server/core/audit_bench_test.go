package core_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/cofre-io/cofre/server/audit"
	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/storage/inmem"
)

// BenchmarkRequestAudited measures the pipeline for a small read with the
// root token, with no audit device and with one file device (two HMAC'd
// JSON lines appended per request), sequentially and in parallel.
func BenchmarkRequestAudited(b *testing.B) {
	for _, tc := range []struct {
		name    string
		devices int
	}{{"none", 0}, {"file", 1}, {"two-files", 2}} {
		c, root, _ := auditCore(b, inmem.New())
		for i := range tc.devices {
			if err := c.EnableAudit(context.Background(), audit.TableEntry{
				Path: "file" + string(rune('a'+i)), Type: "file",
				Options: map[string]string{"file_path": filepath.Join(b.TempDir(), "audit.log")},
			}); err != nil {
				b.Fatal(err)
			}
		}
		req := func() error {
			_, err := c.HandleRequest(context.Background(), &logical.Request{Operation: logical.ReadOperation, Path: "sys/key-status", ClientToken: root,
				Data: map[string]any{"a": "some value", "b": []any{"x", "y"}}})
			return err
		}
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := req(); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(tc.name+"-parallel", func(b *testing.B) {
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if err := req(); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}
