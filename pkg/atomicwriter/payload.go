package atomicwriter

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"time"
)

// versionMode is the mode of ..version: it holds no secret.
const versionMode fs.FileMode = 0o444

// sameAs reports whether the payload directory holds exactly files (same
// paths, modes, contents and, with FSGroup, group).
func (w *Writer) sameAs(payloadDir string, files []File) (bool, error) {
	want := make(map[string]File, len(files))
	for _, f := range files {
		want[f.Path] = f
	}
	found := 0
	differ := errors.New("differs") // stops the walk early
	err := filepath.WalkDir(payloadDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(payloadDir, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if d.IsDir() || rel == VersionFile {
			return nil
		}
		f, ok := want[rel]
		if !ok || !d.Type().IsRegular() {
			return differ
		}
		found++
		st, err := os.Stat(p)
		if err != nil {
			return err
		}
		if st.Mode().Perm() != w.fileMode(f.Mode) || !w.groupMatches(st) {
			return differ
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if !bytes.Equal(data, f.Data) {
			return differ
		}
		return nil
	})
	if errors.Is(err, differ) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("atomicwriter: reading current payload: %w", err)
	}
	return found == len(files), nil
}

// writeDir writes files and the version into a new payload directory and
// returns its name. On error nothing is left behind.
func (w *Writer) writeDir(files []File, version uint64) (name string, err error) {
	prefix := w.opts.Now().UTC().Format(tsLayout) + "."
	full, err := os.MkdirTemp(w.dir, prefix)
	if err != nil {
		return "", fmt.Errorf("atomicwriter: %w", err)
	}
	defer func() {
		if err != nil {
			_ = os.RemoveAll(full)
		}
	}()
	if err := w.own(full, w.dirMode()); err != nil {
		return "", err
	}
	made := map[string]bool{".": true}
	for _, f := range files {
		if err := w.mkdirs(full, path.Dir(f.Path), made); err != nil {
			return "", err
		}
		if err := w.writeFile(filepath.Join(full, filepath.FromSlash(f.Path)), f.Data, w.fileMode(f.Mode)); err != nil {
			return "", err
		}
	}
	v := []byte(strconv.FormatUint(version, 10) + "\n")
	if err := w.writeFile(filepath.Join(full, VersionFile), v, versionMode); err != nil {
		return "", err
	}
	return filepath.Base(full), nil
}

// mkdirs creates dir (slash-separated, relative to root) and its parents.
func (w *Writer) mkdirs(root, dir string, made map[string]bool) error {
	if made[dir] {
		return nil
	}
	if err := w.mkdirs(root, path.Dir(dir), made); err != nil {
		return err
	}
	full := filepath.Join(root, filepath.FromSlash(dir))
	if err := os.Mkdir(full, w.dirMode()); err != nil {
		return fmt.Errorf("atomicwriter: %w", err)
	}
	made[dir] = true
	return w.own(full, w.dirMode())
}

func (w *Writer) writeFile(p string, data []byte, mode fs.FileMode) error {
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		return fmt.Errorf("atomicwriter: %w", err)
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("atomicwriter: writing %s: %w", filepath.Base(p), err)
	}
	return w.own(p, mode)
}

// own sets the mode (the umask may have trimmed it) and, with FSGroup, the
// group of p.
func (w *Writer) own(p string, mode fs.FileMode) error {
	if w.opts.FSGroup != nil {
		if err := os.Chown(p, -1, int(*w.opts.FSGroup)); err != nil {
			return fmt.Errorf("atomicwriter: %w", err)
		}
	}
	if err := os.Chmod(p, mode); err != nil {
		return fmt.Errorf("atomicwriter: %w", err)
	}
	return nil
}

// swap points ..data at the payload directory next in one rename.
func (w *Writer) swap(next string) error {
	tmp := filepath.Join(w.dir, dataTmp)
	if err := os.Remove(tmp); err != nil && !os.IsNotExist(err) {
		return fmt.Errorf("atomicwriter: %w", err)
	}
	if err := os.Symlink(next, tmp); err != nil {
		return fmt.Errorf("atomicwriter: %w", err)
	}
	if err := os.Rename(tmp, filepath.Join(w.dir, DataDir)); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("atomicwriter: %w", err)
	}
	return nil
}

// isTimestampDir reports whether name looks like a payload directory.
func isTimestampDir(name string) bool {
	if len(name) <= len(tsLayout) {
		return false
	}
	_, err := time.Parse(tsLayout, name[:len(tsLayout)])
	return err == nil
}
