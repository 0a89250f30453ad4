package approle

import (
	"testing"

	"github.com/cofre-io/cofre/server/logical"
)

// BenchmarkAppRoleLogin measures the backend's share of a login (no token
// issuance) on an in-memory view, with an unlimited and a limited secret ID.
func BenchmarkAppRoleLogin(b *testing.B) {
	b.Run("unlimited", func(b *testing.B) {
		h := newHarness(b)
		roleID, sid := h.roleWithSecret("r", map[string]any{"token_policies": "p"}, nil)
		b.ReportAllocs()
		b.ResetTimer()
		for b.Loop() {
			if _, err := h.login(roleID, sid); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("num_uses", func(b *testing.B) {
		h := newHarness(b)
		roleID, sid := h.roleWithSecret("r", map[string]any{"token_policies": "p"}, map[string]any{"num_uses": 1 << 30})
		b.ReportAllocs()
		b.ResetTimer()
		for b.Loop() {
			if _, err := h.login(roleID, sid); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("parallel", func(b *testing.B) {
		h := newHarness(b)
		roleID, sid := h.roleWithSecret("r", map[string]any{"token_policies": "p"}, nil)
		b.ReportAllocs()
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if _, err := h.login(roleID, sid); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
	_ = logical.UpdateOperation
}
