package kube

import (
	"fmt"
	"os"
	"path/filepath"
)

// KubeVersion is the kube-apiserver version the harness runs; `make
// e2e-deps` builds it into the cache.
const KubeVersion = "1.35.4"

// Environment variables read by the harness.
const (
	// EnvSkip set to 1 (or true) skips every test that asks for a cluster.
	EnvSkip = "COFRE_SKIP_E2E"
	// EnvCache is the cache directory shared with the Makefile.
	EnvCache = "COFRE_CACHE"
	// EnvAPIServer overrides the kube-apiserver binary.
	EnvAPIServer = "COFRE_KUBE_APISERVER"
	// EnvEtcd overrides the etcd binary.
	EnvEtcd = "COFRE_ETCD"
)

// defaultEtcd is where Debian's etcd-server package installs etcd.
const defaultEtcd = "/usr/bin/etcd"

// Binaries are the programs a cluster runs.
type Binaries struct {
	APIServer string
	Etcd      string
}

// FindBinaries locates kube-apiserver ($COFRE_KUBE_APISERVER, else
// $COFRE_CACHE/kube/v<KubeVersion>/kube-apiserver with COFRE_CACHE defaulting
// to ~/.cache/cofre) and etcd ($COFRE_ETCD, else /usr/bin/etcd). An error
// wrapping ErrMissingBinary says which one is missing and to run
// `make e2e-deps`.
func FindBinaries() (Binaries, error) {
	b := Binaries{APIServer: os.Getenv(EnvAPIServer), Etcd: os.Getenv(EnvEtcd)}
	if b.APIServer == "" {
		cache := os.Getenv(EnvCache)
		if cache == "" {
			home, err := os.UserHomeDir()
			if err != nil {
				return Binaries{}, fmt.Errorf("%w: no %s and no home directory: %w", ErrMissingBinary, EnvCache, err)
			}
			cache = filepath.Join(home, ".cache", "cofre")
		}
		b.APIServer = filepath.Join(cache, "kube", "v"+KubeVersion, "kube-apiserver")
	}
	if b.Etcd == "" {
		b.Etcd = defaultEtcd
	}
	for _, path := range []string{b.APIServer, b.Etcd} {
		st, err := os.Stat(path)
		if err != nil || st.IsDir() || st.Mode()&0o111 == 0 {
			return Binaries{}, fmt.Errorf("%w: %s not found or not executable; run `make e2e-deps` (or set %s=1 to skip these tests)",
				ErrMissingBinary, path, EnvSkip)
		}
	}
	return b, nil
}
