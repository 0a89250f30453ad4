package mounter

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"golang.org/x/sys/unix"
)

// Tmpfs mounts a tmpfs at each target (nosuid, nodev, noexec). Mounting
// needs CAP_SYS_ADMIN.
type Tmpfs struct {
	// SizeBytes limits each volume (0: the kernel's default, half of RAM).
	SizeBytes int64
	// MountInfo is the mount table read by IsMounted (default
	// /proc/self/mountinfo).
	MountInfo string
}

var _ Mounter = Tmpfs{}

const tmpfsFlags = unix.MS_NOSUID | unix.MS_NODEV | unix.MS_NOEXEC

// Mount implements Mounter.
func (t Tmpfs) Mount(target string, fsGroup *int64) error {
	if err := makeTarget(target); err != nil {
		return err
	}
	mounted, err := t.IsMounted(target)
	if err != nil || mounted {
		return err
	}
	data := fmt.Sprintf("mode=%o", rootMode(fsGroup))
	if fsGroup != nil {
		data += ",gid=" + strconv.FormatInt(*fsGroup, 10)
	}
	if t.SizeBytes > 0 {
		data += ",size=" + strconv.FormatInt(t.SizeBytes, 10)
	}
	if err := unix.Mount("tmpfs", target, "tmpfs", tmpfsFlags, data); err != nil {
		return fmt.Errorf("mounter: mount tmpfs at %s: %w", target, err)
	}
	return nil
}

// IsMounted implements Mounter: target is a mount point in the mount table.
func (t Tmpfs) IsMounted(target string) (bool, error) {
	resolved, err := filepath.EvalSymlinks(target)
	if os.IsNotExist(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("mounter: %w", err)
	}
	resolved, err = filepath.Abs(resolved)
	if err != nil {
		return false, fmt.Errorf("mounter: %w", err)
	}
	points, err := mountPoints(t.mountInfo())
	if err != nil {
		return false, err
	}
	return points[resolved], nil
}

// Unmount implements Mounter.
func (t Tmpfs) Unmount(target string) error {
	mounted, err := t.IsMounted(target)
	if err != nil {
		return err
	}
	if mounted {
		if err := unix.Unmount(target, 0); err != nil {
			return fmt.Errorf("mounter: unmount %s: %w", target, err)
		}
		if still, err := t.IsMounted(target); err != nil || still {
			return fmt.Errorf("mounter: %s still mounted after unmount (stacked mounts?): %v", target, err)
		}
	}
	if err := os.RemoveAll(target); err != nil {
		return fmt.Errorf("mounter: %w", err)
	}
	return nil
}

func (t Tmpfs) mountInfo() string {
	if t.MountInfo != "" {
		return t.MountInfo
	}
	return "/proc/self/mountinfo"
}
