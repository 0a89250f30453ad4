package atomicwriter

import (
	"fmt"
	"io/fs"
	"path"
	"strings"
)

// File is one file of a payload.
type File struct {
	// Path is relative to the directory, slash-separated and clean
	// ("db/password"); intermediate directories are created.
	Path string
	// Mode holds permission bits only (0 to 0777).
	Mode fs.FileMode
	// Data is the whole content.
	Data []byte
}

// ValidatePath reports whether p may name a file of a payload: non-empty,
// relative, clean, at most 4096 bytes, with no element that is ".." or
// starts with ".." and no NUL byte. Errors wrap ErrInvalidPath.
func ValidatePath(p string) error {
	switch {
	case p == "":
		return fmt.Errorf("%w: empty", ErrInvalidPath)
	case len(p) > 4096:
		return fmt.Errorf("%w: longer than 4096 bytes", ErrInvalidPath)
	case strings.ContainsRune(p, 0):
		return fmt.Errorf("%w: %q holds a NUL byte", ErrInvalidPath, p)
	case path.IsAbs(p):
		return fmt.Errorf("%w: %q is absolute", ErrInvalidPath, p)
	case path.Clean(p) != p:
		return fmt.Errorf("%w: %q is not clean", ErrInvalidPath, p)
	}
	for _, elem := range strings.Split(p, "/") {
		if strings.HasPrefix(elem, "..") {
			return fmt.Errorf("%w: %q has an element starting with \"..\"", ErrInvalidPath, p)
		}
		if elem == "." {
			return fmt.Errorf("%w: %q has a \".\" element", ErrInvalidPath, p)
		}
	}
	return nil
}

// ValidatePayload checks every path and mode and that no two files clash:
// the same path twice, or a file whose path is a directory of another.
func ValidatePayload(files []File) error {
	seen := make(map[string]bool, len(files))
	for _, f := range files {
		if err := ValidatePath(f.Path); err != nil {
			return err
		}
		if f.Mode&^fs.ModePerm != 0 {
			return fmt.Errorf("%w: %q has mode %v", ErrInvalidMode, f.Path, f.Mode)
		}
		if _, dup := seen[f.Path]; dup {
			return fmt.Errorf("%w: %q", ErrDuplicate, f.Path)
		}
		seen[f.Path] = true
	}
	for _, f := range files {
		for dir := path.Dir(f.Path); dir != "."; dir = path.Dir(dir) {
			if seen[dir] {
				return fmt.Errorf("%w: %q is a file and a directory of %q", ErrDuplicate, dir, f.Path)
			}
		}
	}
	return nil
}

// topLevel returns the first element of p.
func topLevel(p string) string {
	if i := strings.IndexByte(p, '/'); i >= 0 {
		return p[:i]
	}
	return p
}
