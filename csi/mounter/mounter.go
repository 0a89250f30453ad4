package mounter

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// ErrNotDir: the target exists and is not a directory.
var ErrNotDir = errors.New("target is not a directory")

// Mounter prepares and removes a volume's file system at a target path.
type Mounter interface {
	// Mount creates target (and its parents) when missing and mounts an
	// empty file system there, unless one is mounted already (then it does
	// nothing). With fsGroup set, the root directory belongs to that group
	// and is closed to others (0750); otherwise it is 0755.
	Mount(target string, fsGroup *int64) error
	// IsMounted reports whether the volume's file system is at target; a
	// missing target is not mounted.
	IsMounted(target string) (bool, error)
	// Unmount unmounts target when mounted and removes it with whatever it
	// holds. A missing target is not an error.
	Unmount(target string) error
}

// rootMode is the mode of a volume's root directory.
func rootMode(fsGroup *int64) fs.FileMode {
	if fsGroup != nil {
		return 0o750
	}
	return 0o755
}

// makeTarget creates target when missing and checks it is a directory.
func makeTarget(target string) error {
	st, err := os.Stat(target)
	if os.IsNotExist(err) {
		if err := os.MkdirAll(target, 0o750); err != nil {
			return fmt.Errorf("mounter: %w", err)
		}
		return nil
	}
	if err != nil {
		return fmt.Errorf("mounter: %w", err)
	}
	if !st.IsDir() {
		return fmt.Errorf("mounter: %s: %w", target, ErrNotDir)
	}
	return nil
}

// setRoot gives the volume root its mode and group.
func setRoot(target string, fsGroup *int64) error {
	if fsGroup != nil {
		if err := os.Chown(target, -1, int(*fsGroup)); err != nil {
			return fmt.Errorf("mounter: %w", err)
		}
	}
	if err := os.Chmod(target, rootMode(fsGroup)); err != nil {
		return fmt.Errorf("mounter: %w", err)
	}
	return nil
}

// Dir is a Mounter that only makes directories: the target is "mounted"
// when it exists.
type Dir struct{}

var _ Mounter = Dir{}

// Mount implements Mounter.
func (Dir) Mount(target string, fsGroup *int64) error {
	if err := makeTarget(target); err != nil {
		return err
	}
	return setRoot(target, fsGroup)
}

// IsMounted implements Mounter.
func (Dir) IsMounted(target string) (bool, error) {
	st, err := os.Stat(target)
	if os.IsNotExist(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("mounter: %w", err)
	}
	return st.IsDir(), nil
}

// Unmount implements Mounter.
func (Dir) Unmount(target string) error {
	if err := os.RemoveAll(target); err != nil {
		return fmt.Errorf("mounter: %w", err)
	}
	return nil
}
