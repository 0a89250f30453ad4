package atomicwriter

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Names of the writer's own entries in the directory.
const (
	// DataDir is the symlink to the current payload directory.
	DataDir = "..data"
	// VersionFile holds the generation number (see the package doc).
	VersionFile = "..version"
	// dataTmp is the symlink renamed over DataDir.
	dataTmp = "..data_tmp"
	// tsLayout names payload directories after the time they were written.
	tsLayout = "..2006_01_02_15_04_05.000000000"
)

// Options tune a Writer; the zero value is usable.
type Options struct {
	// FSGroup, when set, becomes the group of every file and directory
	// written, files get group read permission added and directories group
	// read and search (so members of the group, a pod's fsGroup, can read
	// whatever the owner can). Changing ownership needs privilege.
	FSGroup *int64
	// Now stamps payload directory names (default time.Now).
	Now func() time.Time
}

// Writer publishes payloads into one directory; see the package doc.
type Writer struct {
	dir  string
	opts Options
	mu   sync.Mutex
}

// New returns a Writer for dir, which must exist.
func New(dir string, opts Options) (*Writer, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("atomicwriter: %w", err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("atomicwriter: %s is not a directory", dir)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Writer{dir: dir, opts: opts}, nil
}

// Dir is the directory the Writer manages.
func (w *Writer) Dir() string { return w.dir }

// Result says what a Write did.
type Result struct {
	// Changed is false when the payload equalled the one on disk.
	Changed bool
	// Version is the generation now visible in ..version.
	Version uint64
}

// Write makes files the directory's payload. When the payload equals the
// current one it changes nothing and reports Changed false. Otherwise the
// new payload becomes visible at once, with the next generation number; on
// error the previous payload stays in place, untouched.
func (w *Writer) Write(files []File) (Result, error) {
	if err := ValidatePayload(files); err != nil {
		return Result{}, err
	}
	files = sortedCopy(files)
	w.mu.Lock()
	defer w.mu.Unlock()

	cur, err := w.current()
	if err != nil {
		return Result{}, err
	}
	if err := w.checkTopLevel(files); err != nil {
		return Result{}, err
	}
	version := uint64(0)
	if cur != "" {
		version, err = readVersion(filepath.Join(w.dir, cur))
		if err != nil {
			return Result{}, err
		}
		same, err := w.sameAs(filepath.Join(w.dir, cur), files)
		if err != nil {
			return Result{}, err
		}
		if same {
			return Result{Changed: false, Version: version}, nil
		}
	}
	version++
	next, err := w.writeDir(files, version)
	if err != nil {
		return Result{}, err
	}
	if err := w.swap(next); err != nil {
		_ = os.RemoveAll(filepath.Join(w.dir, next))
		return Result{}, err
	}
	if err := w.linkTopLevel(files); err != nil {
		return Result{Changed: true, Version: version}, err
	}
	return Result{Changed: true, Version: version}, w.removeStale(next)
}

// Version returns the generation in ..version, 0 when nothing was written.
func (w *Writer) Version() (uint64, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	cur, err := w.current()
	if err != nil || cur == "" {
		return 0, err
	}
	return readVersion(filepath.Join(w.dir, cur))
}

// current returns the name of the payload directory ..data points to, or
// "" when there is none yet.
func (w *Writer) current() (string, error) {
	target, err := os.Readlink(filepath.Join(w.dir, DataDir))
	if os.IsNotExist(err) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("atomicwriter: %w", err)
	}
	if strings.Contains(target, "/") || !strings.HasPrefix(target, "..") {
		return "", fmt.Errorf("%w: %s points to %q", ErrForeignEntry, DataDir, target)
	}
	return target, nil
}

// readVersion parses the generation file of a payload directory; a missing
// file counts as 0.
func readVersion(payloadDir string) (uint64, error) {
	b, err := os.ReadFile(filepath.Join(payloadDir, VersionFile))
	if os.IsNotExist(err) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("atomicwriter: %w", err)
	}
	v, err := strconv.ParseUint(strings.TrimSpace(string(b)), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("atomicwriter: %s: %w", VersionFile, err)
	}
	return v, nil
}

// fileMode is the mode a file is given on disk.
func (w *Writer) fileMode(m fs.FileMode) fs.FileMode {
	if w.opts.FSGroup != nil {
		m |= 0o040
	}
	return m
}

// dirMode is the mode of directories the writer creates.
func (w *Writer) dirMode() fs.FileMode {
	if w.opts.FSGroup != nil {
		return 0o750
	}
	return 0o755
}

func sortedCopy(files []File) []File {
	out := append([]File(nil), files...)
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}
