package atomicwriter

import (
	"path"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzValidatePath checks that every path ValidatePath accepts stays inside
// the directory and cannot name the writer's entries, against a naive
// element-by-element reading.
func FuzzValidatePath(f *testing.F) {
	for _, s := range []string{"a", "a/b", "../a", "..data", "a/..", "/a", "a//b", "a/./b", ".", "...", "a/...b", "a\\..\\b", "é/ü", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, p string) {
		err := ValidatePath(p)
		naiveOK := p != "" && len(p) <= 4096 && !strings.ContainsRune(p, 0)
		for _, e := range strings.Split(p, "/") {
			if e == "" || e == "." || strings.HasPrefix(e, "..") {
				naiveOK = false
			}
		}
		if (err == nil) != naiveOK {
			t.Fatalf("ValidatePath(%q) = %v, naive says ok=%v", p, err, naiveOK)
		}
		if err != nil {
			return
		}
		const root = "/volume"
		full := filepath.Join(root, filepath.FromSlash(p))
		if !strings.HasPrefix(full, root+"/") {
			t.Fatalf("%q escapes to %q", p, full)
		}
		if strings.HasPrefix(topLevel(p), "..") || path.Clean(p) != p {
			t.Fatalf("%q accepted", p)
		}
	})
}
