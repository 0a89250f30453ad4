package atomicwriter

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// linkTarget is what the top-level symlink of name points to.
func linkTarget(name string) string { return DataDir + "/" + name }

// topNames returns the top-level names of a payload, ..version included.
func topNames(files []File) map[string]bool {
	names := map[string]bool{VersionFile: true}
	for _, f := range files {
		names[topLevel(f.Path)] = true
	}
	return names
}

// checkTopLevel fails with ErrForeignEntry when a top-level name the
// payload needs is taken by something other than the writer's symlink.
func (w *Writer) checkTopLevel(files []File) error {
	for name := range topNames(files) {
		ok, err := w.isOurLink(name)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("%w: %s", ErrForeignEntry, name)
		}
	}
	return nil
}

// isOurLink reports whether name is missing or the writer's own symlink.
func (w *Writer) isOurLink(name string) (bool, error) {
	target, err := os.Readlink(filepath.Join(w.dir, name))
	if os.IsNotExist(err) {
		return true, nil
	}
	if err != nil {
		// Present but not a symlink (EINVAL) or unreadable.
		if _, lerr := os.Lstat(filepath.Join(w.dir, name)); lerr == nil {
			return false, nil
		}
		return false, fmt.Errorf("atomicwriter: %w", err)
	}
	return target == linkTarget(name), nil
}

// linkTopLevel creates the missing top-level symlinks of a payload.
func (w *Writer) linkTopLevel(files []File) error {
	for name := range topNames(files) {
		p := filepath.Join(w.dir, name)
		if _, err := os.Lstat(p); err == nil {
			continue // checked by checkTopLevel
		}
		if err := os.Symlink(linkTarget(name), p); err != nil {
			return fmt.Errorf("atomicwriter: %w", err)
		}
	}
	return nil
}

// removeStale removes top-level symlinks the payload no longer has and
// every payload directory except keep (including ones left by a crash).
func (w *Writer) removeStale(keep string) error {
	entries, err := os.ReadDir(w.dir)
	if err != nil {
		return fmt.Errorf("atomicwriter: %w", err)
	}
	var firstErr error
	note := func(err error) {
		if err != nil && firstErr == nil {
			firstErr = fmt.Errorf("atomicwriter: removing stale entry: %w", err)
		}
	}
	for _, e := range entries {
		name := e.Name()
		p := filepath.Join(w.dir, name)
		switch {
		case name == keep || name == DataDir || name == VersionFile:
		case e.IsDir() && isTimestampDir(name):
			note(os.RemoveAll(p))
		case e.Type()&os.ModeSymlink != 0 && !strings.HasPrefix(name, ".."):
			target, err := os.Readlink(p)
			if err == nil && target == linkTarget(name) {
				if _, err := os.Stat(p); os.IsNotExist(err) {
					note(os.Remove(p)) // dangles: not in the new payload
				}
			}
		}
	}
	return firstErr
}
