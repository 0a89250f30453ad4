package atomicwriter

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func newWriter(t *testing.T, opts Options) *Writer {
	t.Helper()
	w, err := New(t.TempDir(), opts)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func mustWrite(t *testing.T, w *Writer, files ...File) Result {
	t.Helper()
	r, err := w.Write(files)
	if err != nil {
		t.Fatalf("Write: %v", err)
	}
	return r
}

func readFile(t *testing.T, dir, p string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, p))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func mode(t *testing.T, p string) fs.FileMode {
	t.Helper()
	st, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	return st.Mode().Perm()
}

func TestWriteLifecycle(t *testing.T) {
	w := newWriter(t, Options{})
	dir := w.Dir()
	r := mustWrite(t, w,
		File{Path: "password", Mode: 0o600, Data: []byte("s3cret")},
		File{Path: "db/user", Mode: 0o644, Data: []byte("app")},
	)
	if !r.Changed || r.Version != 1 {
		t.Fatalf("first write = %+v, want changed version 1", r)
	}
	if got := readFile(t, dir, "password"); got != "s3cret" {
		t.Errorf("password = %q", got)
	}
	if got := readFile(t, dir, "db/user"); got != "app" {
		t.Errorf("db/user = %q", got)
	}
	if got := readFile(t, dir, VersionFile); got != "1\n" {
		t.Errorf("..version = %q", got)
	}
	if m := mode(t, filepath.Join(dir, "password")); m != 0o600 {
		t.Errorf("password mode = %v", m)
	}
	first, _ := os.Readlink(filepath.Join(dir, DataDir))

	// The same payload, in another order: nothing changes.
	r = mustWrite(t, w,
		File{Path: "db/user", Mode: 0o644, Data: []byte("app")},
		File{Path: "password", Mode: 0o600, Data: []byte("s3cret")},
	)
	if r.Changed || r.Version != 1 {
		t.Fatalf("identical write = %+v, want unchanged version 1", r)
	}
	if again, _ := os.Readlink(filepath.Join(dir, DataDir)); again != first {
		t.Errorf("identical write swapped %s to %s", first, again)
	}

	// New content, a file dropped and one added.
	r = mustWrite(t, w,
		File{Path: "password", Mode: 0o600, Data: []byte("n3w")},
		File{Path: "token", Mode: 0o400, Data: []byte("t")},
	)
	if !r.Changed || r.Version != 2 {
		t.Fatalf("second write = %+v, want changed version 2", r)
	}
	if got := readFile(t, dir, "password"); got != "n3w" {
		t.Errorf("password = %q", got)
	}
	if _, err := os.Lstat(filepath.Join(dir, "db")); !os.IsNotExist(err) {
		t.Errorf("dropped directory db still there: %v", err)
	}
	if got := readFile(t, dir, VersionFile); got != "2\n" {
		t.Errorf("..version = %q", got)
	}
	if _, err := os.Stat(filepath.Join(dir, first)); !os.IsNotExist(err) {
		t.Errorf("old payload directory %s kept: %v", first, err)
	}
	if v, err := w.Version(); err != nil || v != 2 {
		t.Errorf("Version() = %d, %v", v, err)
	}

	// A mode change alone is a change.
	r = mustWrite(t, w,
		File{Path: "password", Mode: 0o640, Data: []byte("n3w")},
		File{Path: "token", Mode: 0o400, Data: []byte("t")},
	)
	if !r.Changed || r.Version != 3 {
		t.Fatalf("mode change = %+v, want changed version 3", r)
	}
	assertEntries(t, dir, "..data", "..version", "password", "token")
}

// assertEntries checks the top-level names, ignoring the one payload
// directory.
func assertEntries(t *testing.T, dir string, want ...string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	payloads := 0
	for _, e := range entries {
		if isTimestampDir(e.Name()) {
			payloads++
			continue
		}
		got = append(got, e.Name())
	}
	if strings.Join(got, ",") != strings.Join(want, ",") || payloads != 1 {
		t.Errorf("entries = %v and %d payload dirs, want %v and 1", got, payloads, want)
	}
}

func TestEmptyPayload(t *testing.T) {
	w := newWriter(t, Options{})
	r := mustWrite(t, w)
	if !r.Changed || r.Version != 1 {
		t.Fatalf("empty payload = %+v", r)
	}
	if r = mustWrite(t, w); r.Changed {
		t.Fatalf("empty payload again = %+v", r)
	}
	assertEntries(t, w.Dir(), "..data", "..version")
}

func TestWriteRejects(t *testing.T) {
	tests := []struct {
		name  string
		files []File
		want  error
	}{
		{"empty path", []File{{Path: ""}}, ErrInvalidPath},
		{"absolute", []File{{Path: "/etc/passwd"}}, ErrInvalidPath},
		{"dotdot", []File{{Path: "../x"}}, ErrInvalidPath},
		{"inner dotdot", []File{{Path: "a/../../x"}}, ErrInvalidPath},
		{"dotdot prefix", []File{{Path: "..data"}}, ErrInvalidPath},
		{"nested dotdot prefix", []File{{Path: "a/..b"}}, ErrInvalidPath},
		{"unclean", []File{{Path: "a//b"}}, ErrInvalidPath},
		{"trailing slash", []File{{Path: "a/"}}, ErrInvalidPath},
		{"dot", []File{{Path: "."}}, ErrInvalidPath},
		{"nul", []File{{Path: "a\x00b"}}, ErrInvalidPath},
		{"setuid", []File{{Path: "a", Mode: 0o4755}}, ErrInvalidMode},
		{"dir mode", []File{{Path: "a", Mode: fs.ModeDir | 0o755}}, ErrInvalidMode},
		{"duplicate", []File{{Path: "a"}, {Path: "a"}}, ErrDuplicate},
		{"file and dir", []File{{Path: "a/b/c"}, {Path: "a/b"}}, ErrDuplicate},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWriter(t, Options{})
			mustWrite(t, w, File{Path: "keep", Mode: 0o644, Data: []byte("old")})
			if _, err := w.Write(tt.files); !errors.Is(err, tt.want) {
				t.Fatalf("Write = %v, want %v", err, tt.want)
			}
			if got := readFile(t, w.Dir(), "keep"); got != "old" {
				t.Errorf("previous payload changed: %q", got)
			}
		})
	}
}

func TestForeignEntry(t *testing.T) {
	w := newWriter(t, Options{})
	if err := os.WriteFile(filepath.Join(w.Dir(), "config"), []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write([]File{{Path: "config", Mode: 0o644, Data: []byte("x")}}); !errors.Is(err, ErrForeignEntry) {
		t.Fatalf("Write over a foreign file = %v, want ErrForeignEntry", err)
	}
	if got := readFile(t, w.Dir(), "config"); got != "mine" {
		t.Errorf("foreign file changed: %q", got)
	}
	// Other names are fine, and the foreign file survives updates.
	mustWrite(t, w, File{Path: "a", Mode: 0o644, Data: []byte("1")})
	mustWrite(t, w, File{Path: "b", Mode: 0o644, Data: []byte("2")})
	if got := readFile(t, w.Dir(), "config"); got != "mine" {
		t.Errorf("foreign file changed: %q", got)
	}
}

func TestCrashLeftovers(t *testing.T) {
	w := newWriter(t, Options{})
	mustWrite(t, w, File{Path: "a", Mode: 0o644, Data: []byte("1")})
	dir := w.Dir()
	// A crash between creating a payload directory and the swap.
	stray := filepath.Join(dir, "..2020_01_01_00_00_00.000000000.x1")
	if err := os.MkdirAll(filepath.Join(stray, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Base(stray), filepath.Join(dir, dataTmp)); err != nil {
		t.Fatal(err)
	}
	r := mustWrite(t, w, File{Path: "a", Mode: 0o644, Data: []byte("2")})
	if r.Version != 2 {
		t.Fatalf("version = %d", r.Version)
	}
	if _, err := os.Stat(stray); !os.IsNotExist(err) {
		t.Errorf("stray payload directory kept: %v", err)
	}
	assertEntries(t, dir, "..data", "..version", "a")
}

func TestFSGroup(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("changing a file's group to an arbitrary one needs root")
	}
	gid := int64(4242)
	w := newWriter(t, Options{FSGroup: &gid})
	mustWrite(t, w,
		File{Path: "key", Mode: 0o400, Data: []byte("k")},
		File{Path: "tls/crt", Mode: 0o644, Data: []byte("c")},
	)
	dir := w.Dir()
	for p, want := range map[string]fs.FileMode{"key": 0o440, "tls/crt": 0o644, "tls": 0o750, DataDir: 0o750, VersionFile: 0o444} {
		full := filepath.Join(dir, p)
		st, err := os.Stat(full)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != want {
			t.Errorf("%s mode = %v, want %v", p, st.Mode().Perm(), want)
		}
		if g := st.Sys().(*syscall.Stat_t).Gid; g != uint32(gid) {
			t.Errorf("%s group = %d, want %d", p, g, gid)
		}
	}
	// Same payload: unchanged even though modes on disk carry group read.
	if r := mustWrite(t, w,
		File{Path: "key", Mode: 0o400, Data: []byte("k")},
		File{Path: "tls/crt", Mode: 0o644, Data: []byte("c")},
	); r.Changed {
		t.Error("identical payload with FSGroup reported as changed")
	}
}
