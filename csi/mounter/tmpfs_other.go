//go:build !linux

package mounter

import (
	"errors"
	"fmt"
)

// Tmpfs mounts tmpfs volumes; only Linux has them.
type Tmpfs struct {
	SizeBytes int64
	MountInfo string
}

var _ Mounter = Tmpfs{}

var errNoTmpfs = errors.New("mounter: tmpfs volumes need Linux")

// Mount implements Mounter.
func (Tmpfs) Mount(string, *int64) error { return errNoTmpfs }

// IsMounted implements Mounter.
func (Tmpfs) IsMounted(string) (bool, error) { return false, errNoTmpfs }

// Unmount implements Mounter.
func (Tmpfs) Unmount(target string) error { return fmt.Errorf("%w: %s", errNoTmpfs, target) }
