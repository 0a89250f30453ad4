package mounter

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
)

// Keep is a Mounter for ordinary directories that are not the driver's to
// delete (local mode). Mount creates the directory (0700) when missing and
// marks it mounted for this process; Unmount only forgets the mark and
// leaves the directory and its files in place. So a directory filled by
// an earlier run counts as new (its first publish reports errors) and is
// updated in place. Safe for concurrent use.
type Keep struct {
	mu      sync.Mutex
	mounted map[string]bool
}

var _ Mounter = (*Keep)(nil)

// NewKeep returns a Keep mounter with nothing mounted.
func NewKeep() *Keep { return &Keep{mounted: map[string]bool{}} }

// Mount implements Mounter.
func (k *Keep) Mount(target string, _ *int64) error {
	st, err := os.Stat(target)
	switch {
	case os.IsNotExist(err):
		if err := os.MkdirAll(target, 0o700); err != nil {
			return fmt.Errorf("mounter: %w", err)
		}
	case err != nil:
		return fmt.Errorf("mounter: %w", err)
	case !st.IsDir():
		return fmt.Errorf("mounter: %s: %w", target, ErrNotDir)
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	k.mounted[filepath.Clean(target)] = true
	return nil
}

// IsMounted implements Mounter: Mount was called in this process and the
// directory is still there.
func (k *Keep) IsMounted(target string) (bool, error) {
	k.mu.Lock()
	marked := k.mounted[filepath.Clean(target)]
	k.mu.Unlock()
	if !marked {
		return false, nil
	}
	return Dir{}.IsMounted(target)
}

// Unmount implements Mounter: it forgets the mark and leaves the directory.
func (k *Keep) Unmount(target string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	delete(k.mounted, filepath.Clean(target))
	return nil
}
