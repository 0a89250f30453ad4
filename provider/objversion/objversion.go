package objversion

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"sort"

	"github.com/cofre-io/cofre/provider/render"
)

// MinKeySize is the shortest accepted HMAC key.
const MinKeySize = 16

// ErrShortKey: the key is shorter than MinKeySize.
var ErrShortKey = errors.New("HMAC key too short")

// Absent is the version of an optional object whose secret is missing.
const Absent = "absent"

// Hasher computes versions under one key.
type Hasher struct {
	key []byte
}

// New returns a Hasher over a copy of key.
func New(key []byte) (*Hasher, error) {
	if len(key) < MinKeySize {
		return nil, fmt.Errorf("%w: %d bytes, want at least %d", ErrShortKey, len(key), MinKeySize)
	}
	return &Hasher{key: append([]byte(nil), key...)}, nil
}

// Version is the version of an object made of files (order does not
// matter). Every field is length-prefixed, so different file sets never
// collide by concatenation.
func (h *Hasher) Version(files []render.File) string {
	idx := make([]int, len(files))
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(a, b int) bool { return files[idx[a]].Path < files[idx[b]].Path })
	m := hmac.New(sha256.New, h.key)
	writeField(m, []byte("cofre-object-version-1"))
	for _, i := range idx {
		f := files[i]
		writeField(m, []byte(f.Path))
		var mode [4]byte
		binary.BigEndian.PutUint32(mode[:], uint32(f.Mode.Perm()))
		writeField(m, mode[:])
		writeField(m, f.Contents)
	}
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

func writeField(m hash.Hash, b []byte) {
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], uint64(len(b)))
	m.Write(n[:])
	m.Write(b)
}
