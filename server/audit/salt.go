package audit

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"sync"
)

// HashPrefix starts every HMAC the audit log writes.
const HashPrefix = "hmac-sha256:"

// saltSize is the length of a generated salt (an HMAC-SHA256 key).
const saltSize = 32

// Salt is one device's HMAC key. Hash is safe for concurrent use.
type Salt struct {
	pool sync.Pool // of hash.Hash keyed with the salt
}

// NewSalt returns a Salt for key. key must not be empty.
func NewSalt(key []byte) (*Salt, error) {
	if len(key) == 0 {
		return nil, fmt.Errorf("audit: empty salt")
	}
	k := append([]byte(nil), key...)
	s := &Salt{}
	s.pool.New = func() any { return hmac.New(sha256.New, k) }
	return s, nil
}

// generateSalt reads a fresh key from rand.
func generateSalt(rand io.Reader) ([]byte, error) {
	key := make([]byte, saltSize)
	if _, err := io.ReadFull(rand, key); err != nil {
		return nil, fmt.Errorf("audit: generate salt: %w", err)
	}
	return key, nil
}

// Hash returns "hmac-sha256:" followed by the hex HMAC-SHA256 of v.
func (s *Salt) Hash(v string) string {
	h := s.pool.Get().(hash.Hash)
	h.Reset()
	_, _ = io.WriteString(h, v) // a hash never fails to write
	var sum [sha256.Size]byte
	out := h.Sum(sum[:0])
	s.pool.Put(h)
	buf := make([]byte, len(HashPrefix)+hex.EncodedLen(len(out)))
	copy(buf, HashPrefix)
	hex.Encode(buf[len(HashPrefix):], out)
	return string(buf)
}
