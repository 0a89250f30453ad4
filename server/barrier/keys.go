package barrier

import (
	"context"
	"crypto/subtle"
	"fmt"
	"math"
)

// Rotate adds a key term with a fresh random key, persists the keyring and
// makes the new term active, returning its KeyInfo. Values written earlier
// stay readable under their own terms. If persisting fails the barrier keeps
// its previous keyring.
func (b *Barrier) Rotate(ctx context.Context) (KeyInfo, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.keys == nil {
		return KeyInfo{}, ErrSealed
	}
	last := b.keys.maxTerm()
	if last == math.MaxUint32 {
		return KeyInfo{}, ErrTermsExhausted
	}
	key, err := b.generateKey()
	if err != nil {
		return KeyInfo{}, err
	}
	k, err := newTermKey(last+1, b.now().UTC(), key)
	if err != nil {
		clear(key)
		return KeyInfo{}, err
	}
	next := b.keys.with(k)
	if err := b.persist(ctx, next, b.rootKey); err != nil {
		clear(key)
		return KeyInfo{}, fmt.Errorf("barrier: rotate: %w", err)
	}
	b.keys = next
	return k.info(), nil
}

// KeyStatus describes the active term.
func (b *Barrier) KeyStatus() (KeyInfo, error) {
	r, err := b.keyring()
	if err != nil {
		return KeyInfo{}, err
	}
	return r.active.info(), nil
}

// ChangeRootKey re-encrypts the stored keyring under newRootKey and uses it
// from now on. Stored values are not touched. If writing fails the old root
// key stays in force. The caller keeps newRootKey; the barrier copies it.
func (b *Barrier) ChangeRootKey(ctx context.Context, newRootKey []byte) error {
	if err := checkRootKey(newRootKey); err != nil {
		return err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.keys == nil {
		return ErrSealed
	}
	if err := b.persist(ctx, b.keys, newRootKey); err != nil {
		return fmt.Errorf("barrier: change root key: %w", err)
	}
	clear(b.rootKey)
	b.rootKey = append([]byte(nil), newRootKey...)
	return nil
}

// ReloadKeyring re-reads the stored keyring with the root key in use, for a
// standby that sees another node rotate. Terms whose key is unchanged keep
// their encryption counters. If the stored keyring no longer opens under
// this barrier's root key (another node changed it) the error wraps
// ErrBadRootKey and the barrier keeps its current keyring; it must then be
// sealed and unsealed with the new root key.
func (b *Barrier) ReloadKeyring(ctx context.Context) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.keys == nil {
		return ErrSealed
	}
	fresh, err := b.load(ctx, b.rootKey)
	if err != nil {
		return fmt.Errorf("barrier: reload keyring: %w", err)
	}
	old := b.keys
	kept := make(map[*termKey]bool)
	for t, k := range fresh.terms {
		prev, ok := old.terms[t]
		if ok && prev.installed.Equal(k.installed) && subtle.ConstantTimeCompare(prev.key, k.key) == 1 {
			clear(k.key)
			fresh.terms[t] = prev
			kept[prev] = true
		}
	}
	fresh.active = fresh.terms[fresh.active.term]
	for _, k := range old.terms {
		if !kept[k] {
			clear(k.key)
		}
	}
	b.keys = fresh
	return nil
}
