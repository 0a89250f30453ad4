package kube

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Temporary directories are named dirPrefix* and hold ownerFile, the pid of
// the test binary that made them.
const (
	dirPrefix = "cofre-kube-"
	ownerFile = "owner.pid"
)

// makeDir creates a cluster's temporary directory, recording its owner.
func makeDir() (string, error) {
	dir, err := os.MkdirTemp("", dirPrefix)
	if err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(dir, ownerFile), []byte(strconv.Itoa(os.Getpid())), 0o600); err != nil {
		_ = os.RemoveAll(dir)
		return "", err
	}
	return dir, nil
}

// sweepStale removes the directories of clusters whose test binary died
// without stopping them (killed, or timed out): their children died with
// it, their etcd data would stay. Directories without an owner, or whose
// owner still runs, are left alone.
func sweepStale() {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), dirPrefix+"*"))
	for _, dir := range dirs {
		b, err := os.ReadFile(filepath.Join(dir, ownerFile))
		if err != nil {
			continue
		}
		pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
		if err != nil || pid == os.Getpid() || processAlive(pid) {
			continue
		}
		_ = os.RemoveAll(dir)
	}
}
