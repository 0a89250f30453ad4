package kv

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/cofre-io/cofre/server/storage"
	"github.com/cofre-io/cofre/server/storage/inmem"
)

// naiveMergePatch is RFC 7386's pseudo-code, building new values instead of
// patching in place.
func naiveMergePatch(target, patch any) any {
	p, ok := patch.(map[string]any)
	if !ok {
		return patch
	}
	out := map[string]any{}
	if t, ok := target.(map[string]any); ok {
		for k, v := range t {
			out[k] = v
		}
	}
	for k, v := range p {
		if v == nil {
			delete(out, k)
		} else {
			out[k] = naiveMergePatch(out[k], v)
		}
	}
	return out
}

func decodeJSON(s string) (any, bool) {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil || dec.More() {
		return nil, false
	}
	return v, true
}

func mustJSON(t *testing.T, v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// FuzzMergePatch checks mergePatch against the naive version and for
// idempotence (applying a merge patch twice changes nothing more).
func FuzzMergePatch(f *testing.F) {
	f.Add(`{"a":"b","c":{"d":"e","f":"g"}}`, `{"a":"z","c":{"f":null}}`)
	f.Add(`{"a":["b"]}`, `{"a":{"x":null,"y":1}}`)
	f.Add(`{"a":"b"}`, `["c"]`)
	f.Add(`[1,2]`, `{"a":{"b":{"c":null}}}`)
	f.Add(`{}`, `{"a":null}`)
	f.Add(`{"e":null}`, `{"a":1}`)
	f.Add(`"text"`, `null`)
	f.Fuzz(func(t *testing.T, target, patch string) {
		if _, ok := decodeJSON(target); !ok {
			return
		}
		if _, ok := decodeJSON(patch); !ok {
			return
		}
		fresh := func(s string) any { v, _ := decodeJSON(s); return v }
		got := mustJSON(t, mergePatch(fresh(target), fresh(patch)))
		want := mustJSON(t, naiveMergePatch(fresh(target), fresh(patch)))
		if got != want {
			t.Fatalf("mergePatch = %s, naive = %s", got, want)
		}
		again := mustJSON(t, mergePatch(fresh(got), fresh(patch)))
		if again != got {
			t.Fatalf("not idempotent: %s then %s", got, again)
		}
	})
}

// FuzzParseVersion: a query's version parses exactly when it is a decimal
// unsigned integer (spaces around allowed), to the same value.
func FuzzParseVersion(f *testing.F) {
	for _, s := range []string{"", "0", "1", "42", " 7 ", "-1", "1.5", "1e3", "0x10", "18446744073709551616", "abc"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := parseVersion(s)
		trimmed := strings.TrimSpace(s)
		want, werr := strconv.ParseUint(trimmed, 10, 64)
		if trimmed == "" {
			want, werr = 0, nil
		}
		if (err == nil) != (werr == nil) || (err == nil && got != want) {
			t.Fatalf("parseVersion(%q) = %d, %v; want %d, %v", s, got, err, want, werr)
		}
		// As a JSON number it means the same.
		if werr == nil && trimmed != "" {
			n, err := parseVersion(json.Number(trimmed))
			if err != nil || n != want {
				t.Fatalf("json.Number(%q) = %d, %v", trimmed, n, err)
			}
		}
	})
}

// FuzzParseVersions: the comma form yields each listed version once, in
// order, and fails exactly when a part is not a version or none is given.
func FuzzParseVersions(f *testing.F) {
	for _, s := range []string{"1", "1,2,3", "3, 1 ,3", "", ",", "1,x", "-2", "1,,2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := parseVersions(s)
		var want []uint64
		seen := map[uint64]bool{}
		valid := true
		for _, part := range strings.Split(s, ",") {
			part = strings.TrimSpace(part)
			if part == "" {
				continue
			}
			n, perr := strconv.ParseUint(part, 10, 64)
			if perr != nil {
				valid = false
				break
			}
			if !seen[n] {
				seen[n] = true
				want = append(want, n)
			}
		}
		if valid && len(want) == 0 {
			valid = false
		}
		if valid != (err == nil) {
			t.Fatalf("parseVersions(%q) = %v, %v; valid=%v", s, got, err, valid)
		}
		if valid && mustJSON(t, got) != mustJSON(t, want) {
			t.Fatalf("parseVersions(%q) = %v, want %v", s, got, want)
		}
		// The list form agrees with the comma form.
		if valid {
			list := make([]any, len(want))
			for i, n := range want {
				list[i] = json.Number(strconv.FormatUint(n, 10))
			}
			if again, err := parseVersions(list); err != nil || mustJSON(t, again) != mustJSON(t, want) {
				t.Fatalf("list form = %v, %v", again, err)
			}
		}
	})
}

// FuzzPaths: an accepted path is a usable storage key that stays inside the
// view, folder and key forms agree, and version keys never collide.
func FuzzPaths(f *testing.F) {
	for _, s := range []string{"a", "a/b", "a/../b", "/a", "a/", "a//b", ".", "a/./b", "a@1", "x@1@2", "é/ü"} {
		f.Add(s, uint64(1), s+"@1", uint64(2))
	}
	f.Fuzz(func(t *testing.T, p string, n uint64, q string, m uint64) {
		if err := checkPath(p); err == nil {
			if strings.HasPrefix(p, "/") || strings.HasSuffix(p, "/") || strings.Contains(p, "//") {
				t.Fatalf("checkPath accepted %q", p)
			}
			for _, seg := range strings.Split(p, "/") {
				if seg == ".." || seg == "." {
					t.Fatalf("checkPath accepted %q", p)
				}
			}
			if err := checkListPath(p + "/"); err != nil && len(p)+1 <= maxPathLen {
				t.Fatalf("folder %q/ refused: %v", p, err)
			}
			// The view accepts the keys and keeps them inside its prefix.
			phys := inmem.New()
			v := storage.NewView(phys, "logical/x/")
			ctx := context.Background()
			for _, k := range []string{metaKey(p), versionKey(p, n)} {
				if err := v.Put(ctx, &storage.Entry{Key: k, Value: []byte("1")}); err != nil {
					t.Fatalf("view refused %q: %v", k, err)
				}
			}
			keys, _ := phys.List(ctx, "")
			if len(keys) != 1 || keys[0] != "logical/" {
				t.Fatalf("keys escaped the view: %v", keys)
			}
		}
		if p != q || n != m {
			if versionKey(p, n) == versionKey(q, m) {
				t.Fatalf("versionKey(%q,%d) == versionKey(%q,%d)", p, n, q, m)
			}
		}
	})
}
