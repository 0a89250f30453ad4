package kubernetes

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
)

// Where Kubernetes mounts a pod's own ServiceAccount credentials.
const (
	LocalTokenPath = "/var/run/secrets/kubernetes.io/serviceaccount/token"
	LocalCAPath    = "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt"
)

// errNoLocalToken: the local token file is missing or empty.
var errNoLocalToken = errors.New("no local service account token")

// localCreds reads the server's own ServiceAccount token and CA when it
// runs in a pod. The kubelet rotates the token file, so the token is
// re-read once it is older than refresh. Safe for concurrent use.
type localCreds struct {
	read    func(string) ([]byte, error)
	now     func() time.Time
	refresh time.Duration

	mu     sync.Mutex
	token  string
	readAt time.Time
}

// available reports whether both files can be read: the server runs in a
// pod with a mounted ServiceAccount.
func (l *localCreds) available() bool {
	if _, err := l.ca(); err != nil {
		return false
	}
	_, err := l.tokenValue()
	return err == nil
}

// ca returns the local CA bundle.
func (l *localCreds) ca() ([]byte, error) {
	b, err := l.read(LocalCAPath)
	if err != nil {
		return nil, fmt.Errorf("read local CA: %w", err)
	}
	return b, nil
}

// tokenValue returns the local token, re-reading the file when the cached
// copy is older than refresh. A failed re-read keeps the cached token (the
// kubelet replaces the file atomically, so failures are transient) unless
// there is none.
func (l *localCreds) tokenValue() (string, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if l.token != "" && now.Sub(l.readAt) < l.refresh {
		return l.token, nil
	}
	b, err := l.read(LocalTokenPath)
	tok := strings.TrimSpace(string(b))
	if err != nil || tok == "" {
		if l.token != "" {
			return l.token, nil
		}
		if err == nil {
			err = errNoLocalToken
		}
		return "", fmt.Errorf("read local service account token: %w", err)
	}
	l.token, l.readAt = tok, now
	return tok, nil
}
