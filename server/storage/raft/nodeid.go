package raft

import (
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// ErrNodeIDMismatch is returned when Config.NodeID differs from the ID the
// data directory was created with; Raft would not recognise itself.
var ErrNodeIDMismatch = errors.New("node ID does not match the data directory")

const nodeIDFile = "node-id"

// loadNodeID returns the node ID for dir: the recorded one, or want (or a
// random ID when want is empty) recorded now.
func loadNodeID(dir, want string) (string, error) {
	path := filepath.Join(dir, nodeIDFile)
	raw, err := os.ReadFile(path)
	switch {
	case err == nil:
		have := strings.TrimSpace(string(raw))
		if have == "" {
			return "", fmt.Errorf("%s is empty", path)
		}
		if want != "" && want != have {
			return "", fmt.Errorf("%w: configured %q, recorded %q", ErrNodeIDMismatch, want, have)
		}
		return have, nil
	case !errors.Is(err, os.ErrNotExist):
		return "", fmt.Errorf("read node ID: %w", err)
	}
	id := want
	if id == "" {
		id = strings.ToLower(rand.Text())
	}
	if err := writeFileSync(path, []byte(id+"\n")); err != nil {
		return "", fmt.Errorf("record node ID: %w", err)
	}
	return id, nil
}

// writeFileSync writes a new file durably: contents, then the directory entry.
func writeFileSync(path string, data []byte) error {
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	return syncDir(filepath.Dir(path))
}
