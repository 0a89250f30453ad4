package atomicwriter

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// generation returns the payload of generation g: three files whose
// contents repeat "g;" to a length that varies with g (so a partly written
// or mixed file cannot pass), plus "odd" on odd generations.
func generation(g int) []File {
	body := func(name string) []byte {
		return []byte(strings.Repeat(strconv.Itoa(g)+";", 500+(g%7)*300) + name)
	}
	files := []File{
		{Path: "a", Mode: 0o644, Data: body("a")},
		{Path: "b", Mode: 0o600, Data: body("b")},
		{Path: "dir/c", Mode: 0o644, Data: body("c")},
	}
	if g%2 == 1 {
		files = append(files, File{Path: "odd", Mode: 0o644, Data: body("odd")})
	}
	return files
}

// generationOf parses a file written by generation and checks it is whole.
func generationOf(name string, data []byte) (int, error) {
	first, _, ok := strings.Cut(string(data), ";")
	g, err := strconv.Atoi(first)
	if !ok || err != nil {
		return 0, fmt.Errorf("%s: unparseable content %.20q", name, data)
	}
	for _, f := range generation(g) {
		if f.Path == name {
			if string(f.Data) != string(data) {
				return 0, fmt.Errorf("%s: %d bytes, not generation %d's whole content", name, len(data), g)
			}
			return g, nil
		}
	}
	return 0, fmt.Errorf("%s: not in generation %d", name, g)
}

// TestConcurrentReaders publishes many generations while readers read
// through ..data (one consistent snapshot each) and through the top-level
// links (whole files; one generation when ..version did not move). A
// missing file is a retry, never a wrong answer.
func TestConcurrentReaders(t *testing.T) {
	w := newWriter(t, Options{})
	dir := w.Dir()
	mustWrite(t, w, generation(1)...)
	const gens = 200
	var done atomic.Bool
	var snapshots, linkReads, retries atomic.Int64
	errs := make(chan error, 8)
	var wg sync.WaitGroup
	reader := func(read func() (bool, error), count *atomic.Int64) {
		defer wg.Done()
		for !done.Load() {
			ok, err := read()
			if err != nil {
				errs <- err
				return
			}
			if ok {
				count.Add(1)
			} else {
				retries.Add(1)
			}
		}
	}
	for range 1 {
		wg.Add(2)
		go reader(func() (bool, error) { return readSnapshot(dir) }, &snapshots)
		go reader(func() (bool, error) { return readLinks(dir) }, &linkReads)
	}
	for g := 2; g <= gens; g++ {
		if r := mustWrite(t, w, generation(g)...); r.Version != uint64(g) {
			t.Fatalf("generation %d written as version %d", g, r.Version)
		}
	}
	done.Store(true)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	t.Logf("%d snapshots, %d link reads, %d retries over %d generations", snapshots.Load(), linkReads.Load(), retries.Load(), gens)
	if snapshots.Load() == 0 || linkReads.Load() == 0 {
		t.Error("a reader never completed a read")
	}
}

func isGone(err error) bool { return errors.Is(err, fs.ErrNotExist) }

// readSnapshot opens ..data once and reads everything relative to it.
func readSnapshot(dir string) (bool, error) {
	root, err := os.OpenRoot(filepath.Join(dir, DataDir))
	if isGone(err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	defer root.Close()
	vb, err := root.ReadFile(VersionFile)
	if isGone(err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	v, err := strconv.Atoi(strings.TrimSpace(string(vb)))
	if err != nil {
		return false, fmt.Errorf("..version %q: %w", vb, err)
	}
	for _, f := range generation(v) {
		data, err := root.ReadFile(f.Path)
		if isGone(err) {
			return false, nil // the directory was removed under us
		}
		if err != nil {
			return false, err
		}
		g, err := generationOf(f.Path, data)
		if err != nil {
			return false, err
		}
		if g != v {
			return false, fmt.Errorf("snapshot of version %d holds %s of generation %d", v, f.Path, g)
		}
	}
	if _, err := root.Stat("odd"); v%2 == 0 && err == nil {
		return false, fmt.Errorf("snapshot of even version %d has odd", v)
	}
	return true, nil
}

// readLinks reads ..version, the files through the top-level links, and
// ..version again.
func readLinks(dir string) (bool, error) {
	version := func() (int, error) {
		b, err := os.ReadFile(filepath.Join(dir, VersionFile))
		if err != nil {
			return 0, err
		}
		return strconv.Atoi(strings.TrimSpace(string(b)))
	}
	before, err := version()
	if isGone(err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	gens := map[string]int{}
	for _, name := range []string{"a", "b", "dir/c"} {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if isGone(err) {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		if gens[name], err = generationOf(name, data); err != nil {
			return false, err
		}
	}
	after, err := version()
	if isGone(err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if before == after {
		for name, g := range gens {
			if g != before {
				return false, fmt.Errorf("version stayed %d but %s is generation %d", before, name, g)
			}
		}
	}
	return true, nil
}
