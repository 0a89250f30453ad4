package barrier

import (
	"encoding/binary"
	"fmt"
	"io"
)

// Stored value layout; see the package documentation.
const (
	valueVersion = 1
	headerLen    = 1 + 4
	nonceLen     = 12
	tagLen       = 16
	minValueLen  = headerLen + nonceLen + tagLen
)

// valueAAD is the additional data of a stored value: its header followed by
// the storage key.
func valueAAD(header []byte, key string) []byte {
	aad := make([]byte, 0, headerLen+len(key))
	aad = append(aad, header[:headerLen]...)
	return append(aad, key...)
}

// encrypt seals plaintext for storage at key under term k.
func (k *termKey) encrypt(rand io.Reader, key string, plaintext []byte) ([]byte, error) {
	out := make([]byte, headerLen+nonceLen, headerLen+nonceLen+len(plaintext)+tagLen)
	out[0] = valueVersion
	binary.BigEndian.PutUint32(out[1:], k.term)
	nonce := out[headerLen:]
	if _, err := io.ReadFull(rand, nonce); err != nil {
		return nil, fmt.Errorf("barrier: reading nonce: %w", err)
	}
	out = k.aead.Seal(out, nonce, plaintext, valueAAD(out, key))
	k.encryptions.Add(1)
	return out, nil
}

// decrypt opens a value stored at key. Every failure wraps ErrDecrypt. The
// result is never nil on success.
func (r *keyring) decrypt(key string, value []byte) ([]byte, error) {
	if len(value) < minValueLen {
		return nil, fmt.Errorf("%w: %w: too short", ErrDecrypt, ErrMalformedValue)
	}
	if value[0] != valueVersion {
		return nil, fmt.Errorf("%w: %w: unknown version %d", ErrDecrypt, ErrMalformedValue, value[0])
	}
	term := binary.BigEndian.Uint32(value[1:])
	k, ok := r.terms[term]
	if !ok {
		return nil, fmt.Errorf("%w: %w: term %d", ErrDecrypt, ErrUnknownTerm, term)
	}
	nonce := value[headerLen : headerLen+nonceLen]
	plain, err := k.aead.Open(nil, nonce, value[headerLen+nonceLen:], valueAAD(value, key))
	if err != nil {
		return nil, fmt.Errorf("%w: authentication failed (wrong key or tampered value)", ErrDecrypt)
	}
	if plain == nil {
		plain = []byte{}
	}
	return plain, nil
}
