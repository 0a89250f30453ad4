//go:build linux

package atomicwriter

import (
	"bytes"
	"os"
	"testing"

	"golang.org/x/sys/unix"
)

// TestFullFileSystemKeepsPayload fills a small tmpfs mid-write: the write
// fails, the previous payload is intact and no partial directory is left.
func TestFullFileSystemKeepsPayload(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("mounting tmpfs needs root")
	}
	dir := t.TempDir()
	if err := unix.Mount("tmpfs", dir, "tmpfs", 0, "size=64k"); err != nil {
		t.Skipf("cannot mount tmpfs: %v", err)
	}
	t.Cleanup(func() { _ = unix.Unmount(dir, 0) })
	w, err := New(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	mustWrite(t, w, File{Path: "a", Mode: 0o644, Data: []byte("old")})
	big := bytes.Repeat([]byte("x"), 128<<10)
	if _, err := w.Write([]File{{Path: "a", Mode: 0o644, Data: []byte("new")}, {Path: "big", Mode: 0o644, Data: big}}); err == nil {
		t.Fatal("writing 128 KiB into a 64 KiB tmpfs succeeded")
	}
	if got := readFile(t, dir, "a"); got != "old" {
		t.Errorf("a = %q after a failed write", got)
	}
	if v, _ := w.Version(); v != 1 {
		t.Errorf("version = %d after a failed write", v)
	}
	assertEntries(t, dir, "..data", "..version", "a")
	// Space is back: the next write works.
	if r := mustWrite(t, w, File{Path: "a", Mode: 0o644, Data: []byte("new")}); r.Version != 2 {
		t.Errorf("version = %d", r.Version)
	}
}
