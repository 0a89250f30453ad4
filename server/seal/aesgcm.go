package seal

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"fmt"
	"io"
)

// KeySize is the length of every wrapper key: AES-256.
const KeySize = 32

// blobVersion is the first byte of every blob made by the AES-GCM wrapper.
// Blob layout: version (1 byte) | nonce (12 bytes) | ciphertext and tag.
const blobVersion = 1

const nonceSize = 12

// aesGCM is a Wrapper over AES-256-GCM with a random nonce per blob.
type aesGCM struct {
	typ  string
	aead cipher.AEAD
	rand io.Reader
}

var _ Wrapper = (*aesGCM)(nil)

// NewAESGCM returns a Wrapper that encrypts with AES-256-GCM under key and a
// random 96-bit nonce per blob, reporting wrapperType from Type (for
// example TypeShamir for the unseal key rebuilt from shares). key must be
// KeySize bytes (ErrInvalidKey otherwise); the wrapper keeps only the
// expanded cipher, so the caller may zero key after the call. Each blob is
// 29 bytes longer than its plaintext. With random nonces a key should
// encrypt fewer than 2^32 blobs, far above what a seal does.
func NewAESGCM(wrapperType string, key []byte) (Wrapper, error) {
	return newAESGCM(wrapperType, key, rand.Reader)
}

// newAESGCM is NewAESGCM with the nonce source injected.
func newAESGCM(wrapperType string, key []byte, r io.Reader) (*aesGCM, error) {
	if wrapperType == "" {
		return nil, ErrInvalidType
	}
	if len(key) != KeySize {
		return nil, fmt.Errorf("%w (got %d bytes)", ErrInvalidKey, len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("seal: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("seal: %w", err)
	}
	return &aesGCM{typ: wrapperType, aead: aead, rand: r}, nil
}

// Type implements Wrapper.
func (w *aesGCM) Type() string { return w.typ }

// Encrypt implements Wrapper.
func (w *aesGCM) Encrypt(_ context.Context, plaintext, aad []byte) ([]byte, error) {
	out := make([]byte, 1+nonceSize, 1+nonceSize+len(plaintext)+w.aead.Overhead())
	out[0] = blobVersion
	nonce := out[1 : 1+nonceSize]
	if _, err := io.ReadFull(w.rand, nonce); err != nil {
		return nil, fmt.Errorf("seal: reading nonce: %w", err)
	}
	return w.aead.Seal(out, nonce, plaintext, aad), nil
}

// Decrypt implements Wrapper.
func (w *aesGCM) Decrypt(_ context.Context, blob, aad []byte) ([]byte, error) {
	if len(blob) < 1+nonceSize+w.aead.Overhead() {
		return nil, fmt.Errorf("%w: blob too short", ErrDecrypt)
	}
	if blob[0] != blobVersion {
		return nil, fmt.Errorf("%w: unknown blob version %d", ErrDecrypt, blob[0])
	}
	nonce, ciphertext := blob[1:1+nonceSize], blob[1+nonceSize:]
	plaintext, err := w.aead.Open(nil, nonce, ciphertext, aad)
	if err != nil {
		return nil, fmt.Errorf("%w: wrong key, wrong additional data, or corrupted blob", ErrDecrypt)
	}
	if plaintext == nil {
		plaintext = []byte{}
	}
	return plaintext, nil
}
