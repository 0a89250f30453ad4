package barrier

import (
	"crypto/aes"
	"crypto/cipher"
	"encoding/binary"
	"fmt"
	"io"
	"maps"
	"slices"
	"sync/atomic"
	"time"
)

// KeySize is the size of the root key and of every term key: AES-256.
const KeySize = 32

// termKey is one term of the keyring. Only encryptions changes after
// construction (and key is zeroed on Seal, under the barrier's write lock).
type termKey struct {
	term      uint32
	installed time.Time
	key       []byte
	aead      cipher.AEAD
	// encryptions counts values encrypted under this term since this
	// termKey was built (unseal or rotation).
	encryptions atomic.Uint64
}

func newTermKey(term uint32, installed time.Time, key []byte) (*termKey, error) {
	aead, err := newGCM(key)
	if err != nil {
		return nil, err
	}
	return &termKey{term: term, installed: installed, key: key, aead: aead}, nil
}

func newGCM(key []byte) (cipher.AEAD, error) {
	if len(key) != KeySize {
		return nil, ErrInvalidRootKey
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

func (k *termKey) info() KeyInfo {
	return KeyInfo{Term: k.term, InstallTime: k.installed, Encryptions: k.encryptions.Load()}
}

// keyring is an immutable set of terms with one active. Key changes build a
// new keyring (sharing unchanged termKeys) and swap it in.
type keyring struct {
	active *termKey
	terms  map[uint32]*termKey
}

// with returns a keyring holding r's terms plus k, with k active.
func (r *keyring) with(k *termKey) *keyring {
	terms := maps.Clone(r.terms)
	terms[k.term] = k
	return &keyring{active: k, terms: terms}
}

func (r *keyring) maxTerm() uint32 {
	var m uint32
	for t := range r.terms {
		m = max(m, t)
	}
	return m
}

// zero overwrites every raw term key. The keyring must not be used for
// persistence afterwards.
func (r *keyring) zero() {
	for _, k := range r.terms {
		clear(k.key)
	}
}

// Plaintext keyring encoding, before encryption under the root key:
//
//	version (1) | active term (4) | count (4) | count × [term (4) | install unix nanos (8) | key (32)]
//
// all integers big-endian.
const (
	keyringVersion    = 1
	keyringHeaderLen  = 1 + 4 + 4
	keyringEntryLen   = 4 + 8 + KeySize
	keyringBlobFormat = 1 // first byte of the encrypted keyring blob
)

func (r *keyring) encode() []byte {
	out := make([]byte, keyringHeaderLen, keyringHeaderLen+len(r.terms)*keyringEntryLen)
	out[0] = keyringVersion
	binary.BigEndian.PutUint32(out[1:], r.active.term)
	binary.BigEndian.PutUint32(out[5:], uint32(len(r.terms)))
	for _, t := range slices.Sorted(maps.Keys(r.terms)) {
		k := r.terms[t]
		out = binary.BigEndian.AppendUint32(out, k.term)
		out = binary.BigEndian.AppendUint64(out, uint64(k.installed.UnixNano()))
		out = append(out, k.key...)
	}
	return out
}

// decodeKeyring parses an encoded keyring. It copies key bytes out of data,
// so the caller may zero data afterwards.
func decodeKeyring(data []byte) (*keyring, error) {
	if len(data) < keyringHeaderLen || data[0] != keyringVersion {
		return nil, fmt.Errorf("%w: bad header", ErrCorruptKeyring)
	}
	active := binary.BigEndian.Uint32(data[1:])
	count := binary.BigEndian.Uint32(data[5:])
	body := data[keyringHeaderLen:]
	if count == 0 || uint64(len(body)) != uint64(count)*keyringEntryLen {
		return nil, fmt.Errorf("%w: bad length", ErrCorruptKeyring)
	}
	r := &keyring{terms: make(map[uint32]*termKey, count)}
	for len(body) > 0 {
		term := binary.BigEndian.Uint32(body)
		nanos := int64(binary.BigEndian.Uint64(body[4:]))
		key := append([]byte(nil), body[12:keyringEntryLen]...)
		body = body[keyringEntryLen:]
		if _, dup := r.terms[term]; dup || term == 0 {
			clear(key)
			r.zero()
			return nil, fmt.Errorf("%w: bad or repeated term", ErrCorruptKeyring)
		}
		k, err := newTermKey(term, time.Unix(0, nanos).UTC(), key)
		if err != nil {
			clear(key)
			r.zero()
			return nil, fmt.Errorf("%w: %w", ErrCorruptKeyring, err)
		}
		r.terms[term] = k
	}
	r.active = r.terms[active]
	if r.active == nil {
		r.zero()
		return nil, fmt.Errorf("%w: active term missing", ErrCorruptKeyring)
	}
	return r, nil
}

// sealKeyring encrypts the keyring under rootKey for storage at KeyringKey:
// format byte | nonce (12) | ciphertext+tag, with KeyringKey as additional
// data.
func sealKeyring(r *keyring, rootKey []byte, rand io.Reader) ([]byte, error) {
	aead, err := newGCM(rootKey)
	if err != nil {
		return nil, err
	}
	plain := r.encode()
	defer clear(plain)
	out := make([]byte, 1+nonceLen, 1+nonceLen+len(plain)+aead.Overhead())
	out[0] = keyringBlobFormat
	if _, err := io.ReadFull(rand, out[1:]); err != nil {
		return nil, fmt.Errorf("barrier: reading nonce: %w", err)
	}
	return aead.Seal(out, out[1:1+nonceLen], plain, []byte(KeyringKey)), nil
}

// openKeyring decrypts and parses a stored keyring. A blob that does not
// decrypt under rootKey gives ErrBadRootKey.
func openKeyring(blob, rootKey []byte) (*keyring, error) {
	aead, err := newGCM(rootKey)
	if err != nil {
		return nil, err
	}
	if len(blob) < 1+nonceLen+aead.Overhead() || blob[0] != keyringBlobFormat {
		return nil, fmt.Errorf("%w: bad blob", ErrCorruptKeyring)
	}
	plain, err := aead.Open(nil, blob[1:1+nonceLen], blob[1+nonceLen:], []byte(KeyringKey))
	if err != nil {
		return nil, ErrBadRootKey
	}
	defer clear(plain)
	return decodeKeyring(plain)
}
