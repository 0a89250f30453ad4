package token

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"sync"
	"time"

	"github.com/cofre-io/cofre/server/storage"
)

// Errors returned by the Store.
var (
	ErrNotFound = errors.New("token not found")
	ErrNoSalt   = errors.New("token store is not loaded")
)

// Storage layout inside the store's view.
const (
	saltKey        = "salt"
	idPrefix       = "id/"
	accessorPrefix = "accessor/"
	parentPrefix   = "parent/"
)

// Config constructs a Store.
type Config struct {
	// Storage is the store's private view of the barrier.
	Storage storage.Backend
	Now     func() time.Time
	Rand    io.Reader
}

// Store persists tokens.
type Store struct {
	view storage.Backend
	now  func() time.Time
	rand io.Reader

	mu   sync.RWMutex
	salt []byte
}

// NewStore returns a Store; Load must be called after unseal.
func NewStore(cfg Config) (*Store, error) {
	if cfg.Storage == nil {
		return nil, fmt.Errorf("token: storage is required")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Rand == nil {
		cfg.Rand = rand.Reader
	}
	return &Store{view: cfg.Storage, now: cfg.Now, rand: cfg.Rand}, nil
}

// Load reads the salt, creating it on first use.
func (s *Store) Load(ctx context.Context) error {
	e, err := s.view.Get(ctx, saltKey)
	if err != nil {
		return fmt.Errorf("token: read salt: %w", err)
	}
	var salt []byte
	if e != nil {
		salt = e.Value
	} else {
		salt = make([]byte, 32)
		if _, err := io.ReadFull(s.rand, salt); err != nil {
			return fmt.Errorf("token: salt: %w", err)
		}
		if err := s.view.Put(ctx, &storage.Entry{Key: saltKey, Value: salt}); err != nil {
			return fmt.Errorf("token: write salt: %w", err)
		}
	}
	s.mu.Lock()
	s.salt = salt
	s.mu.Unlock()
	return nil
}

// Unload forgets the salt (on seal).
func (s *Store) Unload() {
	s.mu.Lock()
	s.salt = nil
	s.mu.Unlock()
}

// Hash returns the salted HMAC of a token value or accessor.
func (s *Store) Hash(v string) (string, error) {
	s.mu.RLock()
	salt := s.salt
	s.mu.RUnlock()
	if salt == nil {
		return "", ErrNoSalt
	}
	m := hmac.New(sha256.New, salt)
	m.Write([]byte(v))
	return hex.EncodeToString(m.Sum(nil)), nil
}

const base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// randomString returns n characters drawn uniformly from base62.
func (s *Store) randomString(n int) (string, error) {
	out := make([]byte, n)
	max := big.NewInt(int64(len(base62)))
	for i := range out {
		v, err := rand.Int(s.rand, max)
		if err != nil {
			return "", err
		}
		out[i] = base62[v.Int64()]
	}
	return string(out), nil
}

// NewTokenValue returns a fresh service token value ("hvs." and 24 base62
// characters, about 143 bits).
func (s *Store) NewTokenValue() (string, error) {
	r, err := s.randomString(24)
	if err != nil {
		return "", fmt.Errorf("token: generate: %w", err)
	}
	return PrefixService + r, nil
}

// Create persists e, generating its value and accessor unless e.ID is set
// (generate-root and dev mode choose the value). It fills HashedID,
// Accessor and CreationTime and returns e with ID set.
func (s *Store) Create(ctx context.Context, e *Entry) (*Entry, error) {
	if e.ID == "" {
		id, err := s.NewTokenValue()
		if err != nil {
			return nil, err
		}
		e.ID = id
	}
	if e.Accessor == "" {
		acc, err := s.randomString(24)
		if err != nil {
			return nil, fmt.Errorf("token: accessor: %w", err)
		}
		e.Accessor = acc
	}
	if e.Type == "" {
		e.Type = TypeService
	}
	if e.CreationTime.IsZero() {
		e.CreationTime = s.now().UTC()
	}
	h, err := s.Hash(e.ID)
	if err != nil {
		return nil, err
	}
	e.HashedID = h
	ah, err := s.Hash(e.Accessor)
	if err != nil {
		return nil, err
	}
	if err := s.put(ctx, e); err != nil {
		return nil, err
	}
	if err := s.view.Put(ctx, &storage.Entry{Key: accessorPrefix + ah, Value: []byte(h)}); err != nil {
		return nil, fmt.Errorf("token: write accessor: %w", err)
	}
	if e.Parent != "" {
		if err := s.view.Put(ctx, &storage.Entry{Key: parentPrefix + e.Parent + "/" + h, Value: []byte{}}); err != nil {
			return nil, fmt.Errorf("token: write parent index: %w", err)
		}
	}
	return e, nil
}

func (s *Store) put(ctx context.Context, e *Entry) error {
	buf, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("token: encode: %w", err)
	}
	if err := s.view.Put(ctx, &storage.Entry{Key: idPrefix + e.HashedID, Value: buf}); err != nil {
		return fmt.Errorf("token: write: %w", err)
	}
	return nil
}

// Update persists changes to an existing entry (renewal, use counts).
func (s *Store) Update(ctx context.Context, e *Entry) error {
	if e.HashedID == "" {
		return fmt.Errorf("token: update: %w", ErrNotFound)
	}
	return s.put(ctx, e)
}

// Lookup returns the entry of a token value, or ErrNotFound when it does not
// exist or has expired.
func (s *Store) Lookup(ctx context.Context, id string) (*Entry, error) {
	h, err := s.Hash(id)
	if err != nil {
		return nil, err
	}
	e, err := s.LookupHashed(ctx, h)
	if err != nil {
		return nil, err
	}
	e.ID = id
	return e, nil
}

// LookupHashed returns the entry stored under a HashedID.
func (s *Store) LookupHashed(ctx context.Context, hashed string) (*Entry, error) {
	raw, err := s.view.Get(ctx, idPrefix+hashed)
	if err != nil {
		return nil, fmt.Errorf("token: read: %w", err)
	}
	if raw == nil {
		return nil, ErrNotFound
	}
	var e Entry
	if err := json.Unmarshal(raw.Value, &e); err != nil {
		return nil, fmt.Errorf("token: decode: %w", err)
	}
	if e.Expired(s.now()) {
		return nil, ErrNotFound
	}
	return &e, nil
}

// LookupAccessor returns the entry whose accessor is acc.
func (s *Store) LookupAccessor(ctx context.Context, acc string) (*Entry, error) {
	ah, err := s.Hash(acc)
	if err != nil {
		return nil, err
	}
	raw, err := s.view.Get(ctx, accessorPrefix+ah)
	if err != nil {
		return nil, fmt.Errorf("token: read accessor: %w", err)
	}
	if raw == nil {
		return nil, ErrNotFound
	}
	return s.LookupHashed(ctx, string(raw.Value))
}

// Children returns the HashedIDs of a token's direct children.
func (s *Store) Children(ctx context.Context, hashed string) ([]string, error) {
	keys, err := s.view.List(ctx, parentPrefix+hashed+"/")
	if err != nil {
		return nil, fmt.Errorf("token: list children: %w", err)
	}
	return keys, nil
}

// Delete removes one token's records (not its children). Revocation policy
// (cascade, orphaning, leases) is the caller's.
func (s *Store) Delete(ctx context.Context, e *Entry) error {
	ah, err := s.Hash(e.Accessor)
	if err != nil {
		return err
	}
	if e.Parent != "" {
		if err := s.view.Delete(ctx, parentPrefix+e.Parent+"/"+e.HashedID); err != nil {
			return fmt.Errorf("token: delete parent index: %w", err)
		}
	}
	if err := s.view.Delete(ctx, accessorPrefix+ah); err != nil {
		return fmt.Errorf("token: delete accessor: %w", err)
	}
	if err := s.view.Delete(ctx, idPrefix+e.HashedID); err != nil {
		return fmt.Errorf("token: delete: %w", err)
	}
	return nil
}

// RevokeTree deletes a token and, depth first, every descendant.
func (s *Store) RevokeTree(ctx context.Context, e *Entry) error {
	kids, err := s.Children(ctx, e.HashedID)
	if err != nil {
		return err
	}
	for _, k := range kids {
		child, err := s.rawLookup(ctx, k)
		if err != nil {
			return err
		}
		if child == nil {
			_ = s.view.Delete(ctx, parentPrefix+e.HashedID+"/"+k)
			continue
		}
		if err := s.RevokeTree(ctx, child); err != nil {
			return err
		}
	}
	return s.Delete(ctx, e)
}

// rawLookup reads an entry whether or not it has expired.
func (s *Store) rawLookup(ctx context.Context, hashed string) (*Entry, error) {
	raw, err := s.view.Get(ctx, idPrefix+hashed)
	if err != nil || raw == nil {
		return nil, err
	}
	var e Entry
	if err := json.Unmarshal(raw.Value, &e); err != nil {
		return nil, fmt.Errorf("token: decode: %w", err)
	}
	return &e, nil
}
