package mounter

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

func TestUnescapeOctal(t *testing.T) {
	for in, want := range map[string]string{
		`/plain`:         "/plain",
		`/with\040space`: "/with space",
		`/tab\011nl\012`: "/tab\tnl\n",
		`/back\134slash`: `/back\slash`,
		`/short\04`:      `/short\04`,
		`/not\9990octal`: `/not\9990octal`,
		`/end\`:          `/end\`,
		`/two\040\040sp`: "/two  sp",
		`/utf8\303\251`:  "/utf8é",
	} {
		if got := unescapeOctal(in); got != want {
			t.Errorf("unescapeOctal(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMountPoints(t *testing.T) {
	info := filepath.Join(t.TempDir(), "mountinfo")
	lines := "22 1 0:21 / /proc rw,nosuid - proc proc rw\n" +
		"99 22 0:50 / /var/lib/kubelet/pods/x/volumes/kubernetes.io~csi/my\\040vol/mount rw - tmpfs tmpfs rw\n" +
		"short line\n"
	if err := os.WriteFile(info, []byte(lines), 0o644); err != nil {
		t.Fatal(err)
	}
	points, err := mountPoints(info)
	if err != nil {
		t.Fatal(err)
	}
	if !points["/proc"] || !points["/var/lib/kubelet/pods/x/volumes/kubernetes.io~csi/my vol/mount"] || len(points) != 2 {
		t.Errorf("points = %v", points)
	}
}

func TestDir(t *testing.T) {
	target := filepath.Join(t.TempDir(), "pods", "x", "mount")
	var m Dir
	if ok, err := m.IsMounted(target); ok || err != nil {
		t.Fatalf("IsMounted before Mount = %v, %v", ok, err)
	}
	if err := m.Mount(target, nil); err != nil {
		t.Fatal(err)
	}
	if ok, err := m.IsMounted(target); !ok || err != nil {
		t.Fatalf("IsMounted = %v, %v", ok, err)
	}
	if err := os.WriteFile(filepath.Join(target, "f"), []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := m.Unmount(target); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(target); !os.IsNotExist(err) {
		t.Errorf("target left behind: %v", err)
	}
	if err := m.Unmount(target); err != nil {
		t.Errorf("second Unmount: %v", err)
	}
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := m.Mount(file, nil); err == nil {
		t.Error("Mount on a regular file succeeded")
	}
}

func TestTmpfs(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("mounting tmpfs needs root")
	}
	target := filepath.Join(t.TempDir(), "vol")
	m := Tmpfs{SizeBytes: 1 << 20}
	gid := int64(4343)
	if err := m.Mount(target, &gid); err != nil {
		t.Skipf("cannot mount tmpfs here: %v", err)
	}
	t.Cleanup(func() { _ = m.Unmount(target) })
	if ok, err := m.IsMounted(target); !ok || err != nil {
		t.Fatalf("IsMounted = %v, %v", ok, err)
	}
	st, err := os.Stat(target)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o750 || st.Sys().(*syscall.Stat_t).Gid != uint32(gid) {
		t.Errorf("root mode %v group %d", st.Mode().Perm(), st.Sys().(*syscall.Stat_t).Gid)
	}
	var fsst syscall.Statfs_t
	if err := syscall.Statfs(target, &fsst); err != nil || fsst.Type != 0x01021994 { // TMPFS_MAGIC
		t.Errorf("not a tmpfs: type %#x, %v", fsst.Type, err)
	}
	// Mounting again is a no-op, not a second stacked mount.
	if err := os.WriteFile(filepath.Join(target, "f"), []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := m.Mount(target, &gid); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(target, "f")); err != nil {
		t.Errorf("second Mount hid the volume: %v", err)
	}
	if err := m.Unmount(target); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(target); !os.IsNotExist(err) {
		t.Errorf("target left behind: %v", err)
	}
	if err := m.Unmount(target); err != nil {
		t.Errorf("second Unmount: %v", err)
	}
}

func TestKeep(t *testing.T) {
	target := filepath.Join(t.TempDir(), "demo")
	m := NewKeep()
	if ok, _ := m.IsMounted(target); ok {
		t.Error("mounted before Mount")
	}
	if err := m.Mount(target, nil); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(target); err != nil || st.Mode().Perm() != 0o700 {
		t.Fatalf("created %v, %v", st, err)
	}
	if err := os.WriteFile(filepath.Join(target, "mine"), []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	if ok, _ := m.IsMounted(target); !ok {
		t.Error("not mounted after Mount")
	}
	if err := m.Unmount(target); err != nil {
		t.Fatal(err)
	}
	if ok, _ := m.IsMounted(target); ok {
		t.Error("mounted after Unmount")
	}
	if _, err := os.Stat(filepath.Join(target, "mine")); err != nil {
		t.Errorf("Unmount removed a user's file: %v", err)
	}
	// An existing directory is adopted as it is.
	if err := m.Mount(target, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(target, "mine")); err != nil {
		t.Errorf("Mount touched the directory: %v", err)
	}
}
