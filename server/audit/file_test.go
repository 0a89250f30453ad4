package audit

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/cofre-io/cofre/server/logical"
)

func newFile(t *testing.T, opts map[string]string) *FileDevice {
	t.Helper()
	d, err := NewFileDevice(DeviceConfig{Path: "file/", Options: opts})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d.(*FileDevice)
}

func readFile(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestFileDeviceAppendsWithMode(t *testing.T) {
	p := filepath.Join(t.TempDir(), "audit.log")
	if err := os.WriteFile(p, []byte("existing\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	d := newFile(t, map[string]string{"file_path": p})
	for _, l := range []string{"one\n", "two\n"} {
		if err := d.Write(t.Context(), []byte(l)); err != nil {
			t.Fatal(err)
		}
	}
	if got := readFile(t, p); got != "existing\none\ntwo\n" {
		t.Fatalf("file = %q", got)
	}
	st, _ := os.Stat(p)
	if st.Mode().Perm() != 0o600 {
		t.Fatalf("mode = %v, want 0600", st.Mode().Perm())
	}

	p2 := filepath.Join(t.TempDir(), "a.log")
	d2 := newFile(t, map[string]string{"path": p2, "mode": "0640"})
	if err := d2.Test(t.Context()); err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(p2); st.Mode().Perm() != 0o640 {
		t.Fatalf("mode = %v, want 0640", st.Mode().Perm())
	}

	p3 := filepath.Join(t.TempDir(), "b.log")
	if err := os.WriteFile(p3, nil, 0o604); err != nil {
		t.Fatal(err)
	}
	d3 := newFile(t, map[string]string{"file_path": p3, "mode": "0000"})
	if err := d3.Write(t.Context(), []byte("x\n")); err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(p3); st.Mode().Perm() != 0o604 {
		t.Fatalf("mode 0000 changed the file's mode to %v", st.Mode().Perm())
	}
}

func TestFileDeviceOptions(t *testing.T) {
	for _, opts := range []map[string]string{
		{},
		{"file_path": "/tmp/x", "mode": "rw"},
		{"file_path": "/tmp/x", "mode": "99999"},
	} {
		_, err := NewFileDevice(DeviceConfig{Options: opts})
		if !errors.Is(err, ErrInvalidOption) || !errors.Is(err, logical.ErrInvalidRequest) {
			t.Errorf("%v: err = %v", opts, err)
		}
	}
}

func TestFileDeviceRotationViaReopen(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "audit.log")
	d := newFile(t, map[string]string{"file_path": p})
	if err := d.Write(t.Context(), []byte("before\n")); err != nil {
		t.Fatal(err)
	}
	// logrotate renames the file, then signals the server.
	if err := os.Rename(p, p+".1"); err != nil {
		t.Fatal(err)
	}
	if err := d.Write(t.Context(), []byte("late\n")); err != nil {
		t.Fatal(err)
	}
	if err := d.Reopen(); err != nil {
		t.Fatal(err)
	}
	if err := d.Write(t.Context(), []byte("after\n")); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, p+".1"); got != "before\nlate\n" {
		t.Fatalf("rotated file = %q", got)
	}
	if got := readFile(t, p); got != "after\n" {
		t.Fatalf("new file = %q", got)
	}
	if st, _ := os.Stat(p); st.Mode().Perm() != 0o600 {
		t.Fatalf("reopened file mode = %v", st.Mode().Perm())
	}
}

func TestFileDeviceMissingDirectory(t *testing.T) {
	p := filepath.Join(t.TempDir(), "missing", "audit.log")
	d := newFile(t, map[string]string{"file_path": p})
	if err := d.Test(t.Context()); err == nil {
		t.Fatal("Test passed for a file in a missing directory")
	}
	if err := d.Write(t.Context(), []byte("x\n")); err == nil {
		t.Fatal("Write passed for a file in a missing directory")
	}
	// The directory appears: the next write opens the file by itself.
	if err := os.Mkdir(filepath.Dir(p), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := d.Write(t.Context(), []byte("x\n")); err != nil {
		t.Fatalf("after the directory appeared: %v", err)
	}
}

func TestFileDeviceDevFull(t *testing.T) {
	if _, err := os.Stat("/dev/full"); err != nil {
		t.Skip("no /dev/full")
	}
	d := newFile(t, map[string]string{"file_path": "/dev/full"})
	if err := d.Test(t.Context()); err != nil {
		t.Fatalf("opening /dev/full: %v", err)
	}
	if err := d.Write(t.Context(), []byte("x\n")); err == nil {
		t.Fatal("a write to /dev/full succeeded")
	}
}

func TestFileDeviceStdoutDiscardClose(t *testing.T) {
	var buf bytes.Buffer
	d, err := NewFileDevice(DeviceConfig{Options: map[string]string{"file_path": "stdout"}, Stdout: &buf})
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Write(t.Context(), []byte("line\n")); err != nil || buf.String() != "line\n" {
		t.Fatalf("stdout: %v %q", err, buf.String())
	}
	disc, err := NewFileDevice(DeviceConfig{Options: map[string]string{"file_path": "discard"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := disc.Write(t.Context(), []byte("line\n")); err != nil {
		t.Fatal(err)
	}
	d.Close()
	if err := d.Write(t.Context(), []byte("x\n")); !errors.Is(err, ErrDeviceClosed) {
		t.Fatalf("write after close: %v", err)
	}
}
