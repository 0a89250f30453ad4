package atomicwriter

import "errors"

// Errors returned by Write and ValidatePayload, wrapped with the offending
// path; test them with errors.Is.
var (
	// ErrInvalidPath: a path is empty, absolute, unclean, or has an element
	// that is ".." or starts with "..".
	ErrInvalidPath = errors.New("invalid payload path")
	// ErrInvalidMode: a mode has bits other than the permission bits.
	ErrInvalidMode = errors.New("invalid file mode")
	// ErrDuplicate: two files share a path, or one file's path is a
	// directory of another ("a" and "a/b").
	ErrDuplicate = errors.New("duplicate payload path")
	// ErrForeignEntry: the directory holds an entry the writer did not
	// create where the payload needs one of its symlinks.
	ErrForeignEntry = errors.New("directory entry not managed by the writer")
)
