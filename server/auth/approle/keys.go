package approle

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash/maphash"
	"io"
	"sync"

	"github.com/cofre-io/cofre/server/storage"
)

const hmacKeyPath = "hmac_key"

// Domains keep the HMACs of different kinds of value apart.
const (
	domainRoleID   = "role_id:"
	domainSecretID = "secret_id:"
	domainRoleName = "role_name:"
)

// keyCache loads the mount's HMAC key once, creating it on first use.
type keyCache struct {
	mu   sync.Mutex
	key  []byte
	rand io.Reader
}

// get returns the mount's HMAC key. The key is created under the lock, so
// two first requests cannot create two different keys.
func (k *keyCache) get(ctx context.Context, s storage.Backend) (hmacKey, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.key != nil {
		return hmacKey(k.key), nil
	}
	e, err := s.Get(ctx, hmacKeyPath)
	if err != nil {
		return nil, fmt.Errorf("read hmac key: %w", err)
	}
	if e != nil && len(e.Value) == 32 {
		k.key = append([]byte(nil), e.Value...)
		return hmacKey(k.key), nil
	}
	key := make([]byte, 32)
	if _, err := io.ReadFull(k.rand, key); err != nil {
		return nil, fmt.Errorf("generate hmac key: %w", err)
	}
	if err := s.Put(ctx, &storage.Entry{Key: hmacKeyPath, Value: key}); err != nil {
		return nil, fmt.Errorf("store hmac key: %w", err)
	}
	k.key = key
	return hmacKey(key), nil
}

func (k *keyCache) forget() {
	k.mu.Lock()
	k.key = nil
	k.mu.Unlock()
}

// hmacKey computes the salted identifiers under which values are stored.
type hmacKey []byte

// sum returns hex(HMAC-SHA256(key, domain+value)).
func (k hmacKey) sum(domain, value string) string {
	m := hmac.New(sha256.New, k)
	m.Write([]byte(domain))
	m.Write([]byte(value))
	return hex.EncodeToString(m.Sum(nil))
}

// lockSet is a fixed set of striped locks keyed by string.
type lockSet struct {
	once  sync.Once
	seed  maphash.Seed
	locks [256]sync.RWMutex
}

func (l *lockSet) get(key string) *sync.RWMutex {
	l.once.Do(func() { l.seed = maphash.MakeSeed() })
	return &l.locks[maphash.String(l.seed, key)%uint64(len(l.locks))]
}
