package params

import (
	"errors"
	"fmt"
	"path"
	"strings"
)

// Limits of the driver's atomic writer on file paths.
const (
	MaxPathLength     = 4096
	MaxFileNameLength = 255
)

// CheckFilePath reports whether p may name a file or directory inside the
// volume: relative, clean, no "." or ".." element, no element starting
// with ".." (the driver's atomic writer reserves those), within the length
// limits.
func CheckFilePath(p string) error {
	if p == "" {
		return errors.New("empty path")
	}
	if len(p) > MaxPathLength {
		return fmt.Errorf("path longer than %d bytes", MaxPathLength)
	}
	if strings.HasPrefix(p, "/") {
		return fmt.Errorf("%q is absolute", truncate(p))
	}
	if strings.ContainsAny(p, "\x00\\") {
		return fmt.Errorf("%q holds a NUL or backslash", truncate(p))
	}
	if path.Clean(p) != p {
		return fmt.Errorf("%q is not a clean path", truncate(p))
	}
	for _, el := range strings.Split(p, "/") {
		if el == "." || strings.HasPrefix(el, "..") {
			return fmt.Errorf("%q would leave the volume or use a reserved name", truncate(p))
		}
		if len(el) > MaxFileNameLength {
			return fmt.Errorf("an element of %q is longer than %d bytes", truncate(p), MaxFileNameLength)
		}
	}
	return nil
}

// checkAPIPath refuses API paths with empty, "." or ".." elements: they
// would be rewritten on the way to the server.
func checkAPIPath(p string) error {
	if strings.ContainsAny(p, "\x00\\#") {
		return fmt.Errorf("%q holds a NUL, backslash or #", truncate(p))
	}
	for _, el := range strings.Split(p, "/") {
		if el == "" || el == "." || el == ".." {
			return fmt.Errorf("%q has an empty, . or .. element", truncate(p))
		}
	}
	return nil
}

// checkNesting refuses an object named like a directory of another one
// ("a" and "a/b"): one of them could not be written.
func checkNesting(objs []Object) error {
	names := make([]string, len(objs))
	for i, o := range objs {
		names[i] = o.Name
	}
	return CheckNoNesting(names)
}

// CheckNoNesting reports an error when one path is a parent directory of
// another in paths.
func CheckNoNesting(paths []string) error {
	set := make(map[string]bool, len(paths))
	for _, p := range paths {
		set[p] = true
	}
	for _, p := range paths {
		for i := strings.IndexByte(p, '/'); i >= 0; {
			if parent := p[:i]; set[parent] {
				return fmt.Errorf("%w: %q is inside %q, which is a file", ErrInvalid, truncate(p), truncate(parent))
			}
			next := strings.IndexByte(p[i+1:], '/')
			if next < 0 {
				break
			}
			i += 1 + next
		}
	}
	return nil
}
