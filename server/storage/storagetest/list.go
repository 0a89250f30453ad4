package storagetest

import (
	"context"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/cofre-io/cofre/server/storage"
)

// wantList fails the test unless List(prefix) returns want (nil and empty
// are treated alike).
func wantList(t *testing.T, b storage.Backend, prefix string, want []string) {
	t.Helper()
	got, err := b.List(context.Background(), prefix)
	if err != nil {
		t.Fatalf("List(%q): %v", prefix, err)
	}
	if len(got) == 0 && len(want) == 0 {
		return
	}
	if !slices.Equal(got, want) {
		t.Fatalf("List(%q) = %q, want %q", prefix, got, want)
	}
}

func testListTable(t *testing.T, b storage.Backend) {
	wantList(t, b, "", nil)
	for _, k := range []string{
		"a", "a/x", "a/y/z", "a/y/w", "a-b", "a.b/c", "a0", "b/", "b//c", "c/d/e/f",
	} {
		mustPut(t, b, k, []byte(k))
	}
	tests := []struct {
		prefix string
		want   []string
	}{
		{"", []string{"a", "a-b", "a.b/", "a/", "a0", "b/", "c/"}},
		{"a/", []string{"x", "y/"}},
		{"a/y/", []string{"w", "z"}},
		{"b/", []string{"/"}},
		{"b//", []string{"c"}},
		{"c/", []string{"d/"}},
		{"c/d/e/", []string{"f"}},
		{"missing/", nil},
		{"a/x/", nil},
	}
	for _, tc := range tests {
		wantList(t, b, tc.prefix, tc.want)
	}
	// Every answer must also agree with the reference implementation.
	keys := []string{"a", "a/x", "a/y/z", "a/y/w", "a-b", "a.b/c", "a0", "b/", "b//c", "c/d/e/f"}
	for _, tc := range tests {
		if ref := storage.ChildrenOf(keys, tc.prefix); !slices.Equal(ref, tc.want) && len(ref)+len(tc.want) > 0 {
			t.Fatalf("table disagrees with ChildrenOf for %q: %q vs %q", tc.prefix, tc.want, ref)
		}
	}
}

// testListModel applies random puts and deletes and compares every List and
// Get with a map-based model and storage.ChildrenOf.
func testListModel(t *testing.T, b storage.Backend) {
	ctx := context.Background()
	segs := []string{"a", "b", "a-b", "a.b", "a0", "é", "~", "ab"}
	rng := rand.New(rand.NewPCG(1, 2))
	randKey := func() string {
		k := segs[rng.IntN(len(segs))]
		for range rng.IntN(3) {
			k += "/" + segs[rng.IntN(len(segs))]
		}
		return k
	}
	// Prefixes to list: "" plus every directory of depth 1 and 2.
	prefixes := []string{""}
	for _, s := range segs {
		prefixes = append(prefixes, s+"/")
		for _, s2 := range segs {
			prefixes = append(prefixes, s+"/"+s2+"/")
		}
	}

	model := make(map[string][]byte)
	for round := range 8 {
		for i := range 40 {
			k := randKey()
			if rng.IntN(4) == 0 {
				if err := b.Delete(ctx, k); err != nil {
					t.Fatalf("Delete(%q): %v", k, err)
				}
				delete(model, k)
				continue
			}
			v := []byte{byte(round), byte(i)}
			mustPut(t, b, k, v)
			model[k] = v
		}
		keys := make([]string, 0, len(model))
		for k := range model {
			keys = append(keys, k)
		}
		for _, p := range prefixes {
			wantList(t, b, p, storage.ChildrenOf(keys, p))
		}
		for k, v := range model {
			wantValue(t, b, k, v)
		}
	}
}
