package cubbyhole

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/storage"
)

const (
	saltKey    = "salt"
	dataPrefix = "data/"
	saltSize   = 32
)

// scope identifies one token's cubbyhole: the storage prefix of its data
// and the stripe of the lock guarding changes to it.
type scope struct {
	prefix string // "data/<hmac>/"
	lock   *sync.Mutex
}

// loadSalt returns the mount's salt, creating it on first use.
func (b *Backend) loadSalt(ctx context.Context) ([]byte, error) {
	b.saltMu.Lock()
	defer b.saltMu.Unlock()
	if b.salt != nil {
		return b.salt, nil
	}
	e, err := b.view.Get(ctx, saltKey)
	if err != nil {
		return nil, fmt.Errorf("cubbyhole: read salt: %w", err)
	}
	if e != nil && len(e.Value) == saltSize {
		b.salt = bytes.Clone(e.Value)
		return b.salt, nil
	}
	if e != nil {
		return nil, fmt.Errorf("cubbyhole: stored salt has %d bytes, want %d", len(e.Value), saltSize)
	}
	salt := make([]byte, saltSize)
	if _, err := io.ReadFull(rand.Reader, salt); err != nil {
		return nil, fmt.Errorf("cubbyhole: salt: %w", err)
	}
	if err := b.view.Put(ctx, &storage.Entry{Key: saltKey, Value: salt}); err != nil {
		return nil, fmt.Errorf("cubbyhole: write salt: %w", err)
	}
	b.salt = salt
	return salt, nil
}

// scopeOf derives the scope of the token with the given accessor.
func (b *Backend) scopeOf(ctx context.Context, accessor string) (scope, error) {
	if accessor == "" {
		return scope{}, ErrNoScope
	}
	salt, err := b.loadSalt(ctx)
	if err != nil {
		return scope{}, err
	}
	m := hmac.New(sha256.New, salt)
	m.Write([]byte("cubbyhole-scope\x00"))
	m.Write([]byte(accessor))
	sum := m.Sum(nil)
	return scope{
		prefix: dataPrefix + hex.EncodeToString(sum) + "/",
		lock:   &b.locks[int(sum[0])%lockStripes],
	}, nil
}

// checkPath validates a value's path: valid UTF-8, not empty, no leading
// or trailing slash, no empty, "." or ".." segments.
func checkPath(p string) error {
	if p == "" {
		return badPath("missing path")
	}
	if strings.HasSuffix(p, "/") {
		return badPath("path must not end with a slash")
	}
	return checkSegments(p)
}

// checkFolder validates a folder path for listing: "" (the root) or a path
// ending in a slash.
func checkFolder(p string) error {
	if p == "" {
		return nil
	}
	if !strings.HasSuffix(p, "/") {
		return badPath("a folder must end with a slash")
	}
	return checkSegments(strings.TrimSuffix(p, "/"))
}

// badPath is a 400 with msg that also matches ErrBadPath.
func badPath(msg string) error {
	return &logical.Error{Kind: logical.ErrInvalidRequest, Msg: msg, Err: ErrBadPath}
}

func checkSegments(p string) error {
	if !utf8.ValidString(p) {
		return badPath("path is not valid UTF-8")
	}
	for _, seg := range strings.Split(p, "/") {
		switch seg {
		case "":
			return badPath("empty path segment")
		case ".", "..":
			return badPath("relative path segment")
		}
	}
	return nil
}

// Put stores data at path in the cubbyhole of the token with accessor,
// replacing any value there.
func (b *Backend) Put(ctx context.Context, accessor, path string, data map[string]any) error {
	if err := checkPath(path); err != nil {
		return err
	}
	sc, err := b.scopeOf(ctx, accessor)
	if err != nil {
		return err
	}
	buf, err := json.Marshal(data)
	if err != nil {
		return fmt.Errorf("cubbyhole: encode: %w", err)
	}
	sc.lock.Lock()
	defer sc.lock.Unlock()
	if err := b.view.Put(ctx, &storage.Entry{Key: sc.prefix + path, Value: buf}); err != nil {
		return fmt.Errorf("cubbyhole: write: %w", err)
	}
	return nil
}

// Get returns the value at path in the cubbyhole of the token with
// accessor, or nil when there is none.
func (b *Backend) Get(ctx context.Context, accessor, path string) (map[string]any, error) {
	if err := checkPath(path); err != nil {
		return nil, err
	}
	sc, err := b.scopeOf(ctx, accessor)
	if err != nil {
		return nil, err
	}
	return b.get(ctx, sc.prefix+path)
}

func (b *Backend) get(ctx context.Context, key string) (map[string]any, error) {
	e, err := b.view.Get(ctx, key)
	if err != nil {
		return nil, fmt.Errorf("cubbyhole: read: %w", err)
	}
	if e == nil {
		return nil, nil
	}
	return decode(e.Value)
}

func decode(raw []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var out map[string]any
	if err := dec.Decode(&out); err != nil {
		return nil, fmt.Errorf("cubbyhole: decode: %w", err)
	}
	if out == nil {
		out = map[string]any{}
	}
	return out, nil
}

// Take returns the value at path and deletes it, or returns nil when there
// is none. Of concurrent Takes of one value exactly one gets it.
func (b *Backend) Take(ctx context.Context, accessor, path string) (map[string]any, error) {
	if err := checkPath(path); err != nil {
		return nil, err
	}
	sc, err := b.scopeOf(ctx, accessor)
	if err != nil {
		return nil, err
	}
	sc.lock.Lock()
	defer sc.lock.Unlock()
	v, err := b.get(ctx, sc.prefix+path)
	if err != nil || v == nil {
		return nil, err
	}
	if err := b.view.Delete(ctx, sc.prefix+path); err != nil {
		return nil, fmt.Errorf("cubbyhole: delete: %w", err)
	}
	return v, nil
}

// Delete removes the value at path; a missing value is not an error.
func (b *Backend) Delete(ctx context.Context, accessor, path string) error {
	if err := checkPath(path); err != nil {
		return err
	}
	sc, err := b.scopeOf(ctx, accessor)
	if err != nil {
		return err
	}
	sc.lock.Lock()
	defer sc.lock.Unlock()
	if err := b.view.Delete(ctx, sc.prefix+path); err != nil {
		return fmt.Errorf("cubbyhole: delete: %w", err)
	}
	return nil
}

// List returns the immediate children of folder ("" or ending in "/") in
// the cubbyhole of the token with accessor; sub-folders end in "/".
func (b *Backend) List(ctx context.Context, accessor, folder string) ([]string, error) {
	if err := checkFolder(folder); err != nil {
		return nil, err
	}
	sc, err := b.scopeOf(ctx, accessor)
	if err != nil {
		return nil, err
	}
	keys, err := b.view.List(ctx, sc.prefix+folder)
	if err != nil {
		return nil, fmt.Errorf("cubbyhole: list: %w", err)
	}
	return keys, nil
}

// Destroy deletes the whole cubbyhole of the token with accessor. It is
// called when the token is revoked or expires; an empty or missing
// cubbyhole, or an empty accessor (batch tokens), is not an error.
func (b *Backend) Destroy(ctx context.Context, accessor string) error {
	if accessor == "" {
		return nil
	}
	sc, err := b.scopeOf(ctx, accessor)
	if err != nil {
		return err
	}
	sc.lock.Lock()
	defer sc.lock.Unlock()
	return b.deleteTree(ctx, sc.prefix)
}

// deleteTree deletes every key under prefix, depth first.
func (b *Backend) deleteTree(ctx context.Context, prefix string) error {
	keys, err := b.view.List(ctx, prefix)
	if err != nil {
		return fmt.Errorf("cubbyhole: list: %w", err)
	}
	for _, k := range keys {
		if strings.HasSuffix(k, "/") {
			if err := b.deleteTree(ctx, prefix+k); err != nil {
				return err
			}
			continue
		}
		if err := b.view.Delete(ctx, prefix+k); err != nil {
			return fmt.Errorf("cubbyhole: delete: %w", err)
		}
	}
	return nil
}
