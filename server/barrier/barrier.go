package barrier

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/cofre-io/cofre/server/storage"
)

// Reserved physical keys; see the package documentation.
const (
	// KeyringKey is where the encrypted keyring is stored.
	KeyringKey = "core/keyring"
	// SealPrefix is where the core keeps its plaintext seal records.
	SealPrefix = "core/seal/"
)

// Options are a Barrier's optional dependencies. The zero value is valid.
type Options struct {
	// Now is the clock used for term install times. Default time.Now.
	Now func() time.Time
	// Rand supplies keys and nonces. It must be safe for concurrent use
	// and cryptographically secure outside tests. Default crypto/rand.
	Rand io.Reader
}

func (o *Options) validate() {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Rand == nil {
		o.Rand = rand.Reader
	}
}

// KeyInfo describes a key term.
type KeyInfo struct {
	Term        uint32
	InstallTime time.Time
	// Encryptions counts values encrypted under the term since this
	// process last unsealed or rotated to it. It is kept in memory only.
	Encryptions uint64
}

// Barrier encrypts values on their way to a physical backend and decrypts
// them on the way back. It is a storage.Backend; it implements
// storage.Transactional only through Backend(), and only when the physical
// backend does.
type Barrier struct {
	phys storage.Backend
	now  func() time.Time
	rand io.Reader

	mu sync.RWMutex
	// rootKey and keys are nil while sealed. Both are guarded by mu; the
	// keyring they point at is immutable.
	rootKey []byte
	keys    *keyring
}

var _ storage.Backend = (*Barrier)(nil)

// New returns a sealed Barrier over phys.
func New(phys storage.Backend, opts Options) (*Barrier, error) {
	if phys == nil {
		return nil, errors.New("barrier: nil physical backend")
	}
	opts.validate()
	return &Barrier{phys: phys, now: opts.Now, rand: opts.Rand}, nil
}

// GenerateKey returns KeySize random bytes from crypto/rand, suitable as a
// root key.
func GenerateKey() ([]byte, error) {
	k := make([]byte, KeySize)
	if _, err := io.ReadFull(rand.Reader, k); err != nil {
		return nil, fmt.Errorf("barrier: generating key: %w", err)
	}
	return k, nil
}

func (b *Barrier) generateKey() ([]byte, error) {
	k := make([]byte, KeySize)
	if _, err := io.ReadFull(b.rand, k); err != nil {
		return nil, fmt.Errorf("barrier: generating key: %w", err)
	}
	return k, nil
}

func checkRootKey(rootKey []byte) error {
	if len(rootKey) != KeySize {
		return ErrInvalidRootKey
	}
	return nil
}

// Initialized reports whether a keyring is stored. It works sealed or not.
func (b *Barrier) Initialized(ctx context.Context) (bool, error) {
	e, err := b.phys.Get(ctx, KeyringKey)
	if err != nil {
		return false, fmt.Errorf("barrier: reading keyring: %w", err)
	}
	return e != nil, nil
}

// Initialize stores a new keyring holding term 1, encrypted under rootKey.
// It returns ErrAlreadyInitialized if a keyring exists. It does not unseal;
// the caller keeps rootKey (the barrier does not retain it).
//
// The check and the write are not atomic across processes: the caller must
// ensure a single initializer (the active node).
func (b *Barrier) Initialize(ctx context.Context, rootKey []byte) error {
	if err := checkRootKey(rootKey); err != nil {
		return err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	ok, err := b.Initialized(ctx)
	if err != nil {
		return err
	}
	if ok {
		return ErrAlreadyInitialized
	}
	key, err := b.generateKey()
	if err != nil {
		return err
	}
	k, err := newTermKey(1, b.now().UTC(), key)
	if err != nil {
		clear(key)
		return err
	}
	r := &keyring{active: k, terms: map[uint32]*termKey{1: k}}
	defer r.zero()
	return b.persist(ctx, r, rootKey)
}

// persist writes r to KeyringKey encrypted under rootKey. Caller holds mu.
func (b *Barrier) persist(ctx context.Context, r *keyring, rootKey []byte) error {
	blob, err := sealKeyring(r, rootKey, b.rand)
	if err != nil {
		return err
	}
	if err := b.phys.Put(ctx, &storage.Entry{Key: KeyringKey, Value: blob}); err != nil {
		return fmt.Errorf("barrier: writing keyring: %w", err)
	}
	return nil
}

// load reads and decrypts the stored keyring. Caller holds mu.
func (b *Barrier) load(ctx context.Context, rootKey []byte) (*keyring, error) {
	e, err := b.phys.Get(ctx, KeyringKey)
	if err != nil {
		return nil, fmt.Errorf("barrier: reading keyring: %w", err)
	}
	if e == nil {
		return nil, ErrNotInitialized
	}
	r, err := openKeyring(e.Value, rootKey)
	if err != nil {
		return nil, fmt.Errorf("barrier: opening keyring: %w", err)
	}
	return r, nil
}

// Unseal decrypts the stored keyring with rootKey and makes the barrier
// usable. A root key that does not open the keyring gives an error wrapping
// ErrBadRootKey and the barrier stays sealed; no keyring gives
// ErrNotInitialized. Unsealing an unsealed barrier with the same root key
// is a no-op, with another key it fails with ErrBadRootKey and changes
// nothing. The barrier keeps its own copy of rootKey.
func (b *Barrier) Unseal(ctx context.Context, rootKey []byte) error {
	if err := checkRootKey(rootKey); err != nil {
		return err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.keys != nil {
		if subtle.ConstantTimeCompare(b.rootKey, rootKey) != 1 {
			return fmt.Errorf("barrier: unseal: %w", ErrBadRootKey)
		}
		return nil
	}
	r, err := b.load(ctx, rootKey)
	if err != nil {
		return fmt.Errorf("barrier: unseal: %w", err)
	}
	b.rootKey = append([]byte(nil), rootKey...)
	b.keys = r
	return nil
}

// Seal forgets the root key and the keyring, zeroing the raw key bytes it
// holds (the AES key schedules inside crypto/cipher cannot be reached and
// are left to the garbage collector). Sealing a sealed barrier is a no-op.
func (b *Barrier) Seal() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.keys != nil {
		b.keys.zero()
	}
	clear(b.rootKey)
	b.rootKey, b.keys = nil, nil
}

// Sealed reports whether the barrier is sealed.
func (b *Barrier) Sealed() bool {
	b.mu.RLock()
	defer b.mu.RUnlock()
	return b.keys == nil
}

// keyring returns the current keyring, or ErrSealed.
func (b *Barrier) keyring() (*keyring, error) {
	b.mu.RLock()
	defer b.mu.RUnlock()
	if b.keys == nil {
		return nil, ErrSealed
	}
	return b.keys, nil
}
