package cubbyhole

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/cofre-io/cofre/server/logical"
)

// FuzzPath writes, reads and lists arbitrary request paths: each is either
// refused as a bad request or round-trips, and nothing is ever stored
// outside the token's scope.
func FuzzPath(f *testing.F) {
	for _, s := range []string{"a", "a/b", "a/", "", "/a", "a//b", "../a", "a/..", "./a", "a/./b", "é/ü", "a b/c\x00d", strings.Repeat("x/", 50) + "y"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, path string) {
		fx := newFixture(t)
		c := caller("hvs.t", "acc")
		_, err := fx.do(c, logical.UpdateOperation, path, map[string]any{"v": "x"})
		if err != nil {
			if !errors.Is(err, logical.ErrInvalidRequest) {
				t.Fatalf("write %q: %v", path, err)
			}
			if keys := fx.allKeys(); len(keys) > 1 {
				t.Fatalf("refused write of %q stored %v", path, keys)
			}
			return
		}
		if got := fx.read(c, path); got["v"] != "x" {
			t.Fatalf("read %q = %v", path, got)
		}
		if got := fx.read(caller("hvs.o", "other"), path); got != nil {
			t.Fatalf("another token reads %q", path)
		}
		folder, leaf := "", path
		if i := strings.LastIndex(path, "/"); i >= 0 {
			folder, leaf = path[:i+1], path[i+1:]
		}
		if keys := fx.list(c, folder); !slices.Contains(keys, leaf) {
			t.Fatalf("list %q = %v, missing %q", folder, keys, leaf)
		}
		for _, k := range fx.allKeys() {
			if !strings.HasPrefix(k, "logical/cubby/") {
				t.Fatalf("key %q escaped the mount", k)
			}
		}
	})
}
