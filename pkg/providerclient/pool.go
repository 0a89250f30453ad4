package providerclient

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
)

// SocketPath is <dir>/<provider>.sock, once provider is checked to be a
// name the upstream driver also accepts: 1 to 30 ASCII letters, digits,
// '-' or '_'.
func SocketPath(dir, provider string) (string, error) {
	if err := checkName(provider); err != nil {
		return "", err
	}
	return filepath.Join(dir, provider+".sock"), nil
}

func checkName(name string) error {
	if name == "" || len(name) > 30 {
		return fmt.Errorf("%w: %q", ErrBadProviderName, name)
	}
	for _, r := range name {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_'
		if !ok {
			return fmt.Errorf("%w: %q", ErrBadProviderName, name)
		}
	}
	return nil
}

// Pool hands out one Client per provider name, for the providers whose
// sockets are in one directory.
type Pool struct {
	dir  string
	opts Options

	mu      sync.Mutex
	clients map[string]*Client
	closed  bool
}

// NewPool returns a pool for the providers directory dir.
func NewPool(dir string, opts Options) *Pool {
	return &Pool{dir: dir, opts: opts, clients: map[string]*Client{}}
}

// Get returns the client of provider. Errors wrap ErrBadProviderName,
// ErrNoProvider (no socket in the directory) or ErrClosed.
func (p *Pool) Get(provider string) (*Client, error) {
	sock, err := SocketPath(p.dir, provider)
	if err != nil {
		return nil, err
	}
	if st, err := os.Stat(sock); err != nil || st.Mode()&os.ModeSocket == 0 {
		return nil, fmt.Errorf("%w: no socket %s", ErrNoProvider, sock)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return nil, ErrClosed
	}
	if c, ok := p.clients[provider]; ok {
		return c, nil
	}
	c, err := Dial(provider, sock, p.opts)
	if err != nil {
		return nil, err
	}
	p.clients[provider] = c
	return c, nil
}

// Close closes every client; Get fails afterwards.
func (p *Pool) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.closed = true
	var errs []error
	for name, c := range p.clients {
		errs = append(errs, c.Close())
		delete(p.clients, name)
	}
	return errors.Join(errs...)
}
