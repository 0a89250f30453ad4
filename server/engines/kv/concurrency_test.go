package kv

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/cofre-io/cofre/server/logical"
)

const writers = 50

// TestConcurrentWritersLoseNoVersion: 50 writers on one key each get their
// own version, and every version holds its writer's value.
func TestConcurrentWritersLoseNoVersion(t *testing.T) {
	f := newFixture(t, "2")
	f.must(logical.UpdateOperation, "config", map[string]any{"max_versions": json.Number("100")})
	versions := make([]uint64, writers)
	errs := make([]error, writers)
	var wg sync.WaitGroup
	for i := range writers {
		wg.Go(func() {
			resp, err := f.do(logical.UpdateOperation, "data/hot", map[string]any{"data": map[string]any{"writer": json.Number(jsonInt(i))}})
			if err != nil {
				errs[i] = err
				return
			}
			versions[i] = resp.Data["version"].(uint64)
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	sorted := slices.Clone(versions)
	slices.Sort(sorted)
	for i, v := range sorted {
		if v != uint64(i+1) {
			t.Fatalf("versions = %v, want 1..%d each once", sorted, writers)
		}
	}
	for i, v := range versions {
		resp := f.must(logical.ReadOperation, "data/hot", map[string]any{"version": jsonInt(int(v))})
		if got := resp.Data["data"].(map[string]any)["writer"]; got != json.Number(jsonInt(i)) {
			t.Fatalf("version %d holds writer %v, want %d", v, got, i)
		}
	}
	md := f.must(logical.ReadOperation, "metadata/hot", nil).Data
	if md["current_version"] != uint64(writers) || len(md["versions"].(map[string]any)) != writers {
		t.Fatalf("metadata: current=%v versions=%d", md["current_version"], len(md["versions"].(map[string]any)))
	}
}

// TestConcurrentCASOneWinner: of 50 writers racing with the same cas, one
// wins and every other gets the mismatch error.
func TestConcurrentCASOneWinner(t *testing.T) {
	for _, start := range []int{0, 1} {
		f := newFixture(t, "2")
		if start == 1 {
			f.put("race", map[string]any{"v": "seed"}, nil)
		}
		var wg sync.WaitGroup
		results := make([]error, writers)
		for i := range writers {
			wg.Go(func() {
				_, results[i] = f.do(logical.UpdateOperation, "data/race", map[string]any{
					"data":    map[string]any{"writer": jsonInt(i)},
					"options": map[string]any{"cas": json.Number(jsonInt(start))},
				})
			})
		}
		wg.Wait()
		wins := 0
		for _, err := range results {
			switch {
			case err == nil:
				wins++
			case errors.Is(err, logical.ErrInvalidRequest) && err.Error() == msgCASMismatch:
			default:
				t.Fatalf("unexpected error: %v", err)
			}
		}
		if wins != 1 {
			t.Fatalf("cas=%d: %d winners, want 1", start, wins)
		}
		md := f.must(logical.ReadOperation, "metadata/race", nil).Data
		if md["current_version"] != uint64(start+1) {
			t.Fatalf("current_version = %v", md["current_version"])
		}
	}
}

// TestConcurrentMixedOperations runs writes, patches, deletes and reads on a
// few keys at once; run under -race it checks the locking, and at the end
// each key's metadata must be consistent with storage.
func TestConcurrentMixedOperations(t *testing.T) {
	f := newFixture(t, "2")
	keys := []string{"a", "b", "c"}
	for _, k := range keys {
		f.put(k, map[string]any{"n": "0"}, nil)
	}
	var wg sync.WaitGroup
	for i := range writers {
		wg.Go(func() {
			k := keys[i%len(keys)]
			switch i % 5 {
			case 0:
				_, _ = f.do(logical.UpdateOperation, "data/"+k, map[string]any{"data": map[string]any{"n": jsonInt(i)}})
			case 1:
				_, _ = f.do(logical.PatchOperation, "data/"+k, map[string]any{"data": map[string]any{"p": jsonInt(i)}})
			case 2:
				_, _ = f.do(logical.DeleteOperation, "data/"+k, nil)
			case 3:
				_, _ = f.do(logical.UpdateOperation, "undelete/"+k, map[string]any{"versions": []any{json.Number("1"), json.Number("2")}})
			default:
				_, _ = f.do(logical.ReadOperation, "data/"+k, nil)
			}
		})
	}
	wg.Wait()
	snap := f.snapshot()
	referenced := map[string]bool{}
	for _, k := range keys {
		m, err := decodeMeta([]byte(snap["meta/"+k]))
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range m.Versions {
			referenced[versionKey(k, v.Version)] = true
			if _, ok := snap[versionKey(k, v.Version)]; ok == v.Destroyed {
				t.Fatalf("%s version %d: stored=%v destroyed=%v", k, v.Version, ok, v.Destroyed)
			}
		}
		if len(m.Versions) == 0 || m.Versions[len(m.Versions)-1].Version != m.Current {
			t.Fatalf("%s: current %d, versions %+v", k, m.Current, m.Versions)
		}
	}
	for k := range snap {
		if strings.HasPrefix(k, prefixVer) && !referenced[k] {
			t.Fatalf("orphan version entry %s", k)
		}
	}
}
