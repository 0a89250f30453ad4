package token

import (
	"context"
	"crypto/cipher"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"
)

// batchAAD binds batch token ciphertexts to their purpose and format.
var batchAAD = []byte("cofre batch token v1")

// batchBlob is the compact entry sealed inside a batch token.
type batchBlob struct {
	Parent       string            `json:"p,omitempty"`
	Policies     []string          `json:"po,omitempty"`
	Path         string            `json:"pa,omitempty"`
	Meta         map[string]string `json:"m,omitempty"`
	DisplayName  string            `json:"d,omitempty"`
	Created      int64             `json:"c"`
	Expires      int64             `json:"x"`
	EntityID     string            `json:"e,omitempty"`
	BoundCIDRs   []string          `json:"b,omitempty"`
	Role         string            `json:"r,omitempty"`
	InternalData map[string]any    `json:"i,omitempty"`
}

func (s *Store) batchAEAD() (cipher.AEAD, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.batch == nil {
		return nil, ErrNoSalt
	}
	return s.batch, nil
}

func (s *Store) createBatch(e *Entry) (*Entry, error) {
	if e.ExpireTime.IsZero() {
		return nil, ErrBatchTTL
	}
	aead, err := s.batchAEAD()
	if err != nil {
		return nil, err
	}
	e.CreationTime = e.CreationTime.Truncate(time.Second)
	e.ExpireTime = e.ExpireTime.Truncate(time.Second)
	blob := batchBlob{
		Parent: e.Parent, Policies: e.Policies, Path: e.Path, Meta: e.Meta,
		DisplayName: e.DisplayName, Created: e.CreationTime.Unix(), Expires: e.ExpireTime.Unix(),
		EntityID: e.EntityID, BoundCIDRs: e.BoundCIDRs, Role: e.Role, InternalData: e.InternalData,
	}
	plain, err := json.Marshal(blob)
	if err != nil {
		return nil, fmt.Errorf("token: encode batch: %w", err)
	}
	nonce := make([]byte, aead.NonceSize(), aead.NonceSize()+len(plain)+aead.Overhead())
	if _, err := io.ReadFull(s.cfg.Rand, nonce); err != nil {
		return nil, fmt.Errorf("token: batch nonce: %w", err)
	}
	sealed := aead.Seal(nonce, nonce, plain, batchAAD)
	e.ID = PrefixBatch + base64.RawURLEncoding.EncodeToString(sealed)
	e.Accessor = ""
	e.Renewable = false
	e.NumUses = 0
	e.Period = 0
	e.ExplicitMaxTTL = 0
	if e.HashedID, err = s.Hash(e.ID); err != nil {
		return nil, err
	}
	return e, nil
}

// lookupBatch opens a batch token. Anything that does not decrypt, has
// expired, or whose parent is gone is ErrNotFound.
func (s *Store) lookupBatch(ctx context.Context, id string) (*Entry, error) {
	aead, err := s.batchAEAD()
	if err != nil {
		return nil, err
	}
	sealed, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(id, PrefixBatch))
	if err != nil || len(sealed) < aead.NonceSize()+aead.Overhead() {
		return nil, ErrNotFound
	}
	ns := aead.NonceSize()
	plain, err := aead.Open(nil, sealed[:ns], sealed[ns:], batchAAD)
	if err != nil {
		return nil, ErrNotFound
	}
	var b batchBlob
	if err := json.Unmarshal(plain, &b); err != nil {
		return nil, ErrNotFound
	}
	e := &Entry{
		ID: id, Type: TypeBatch, Parent: b.Parent, Orphan: b.Parent == "", Policies: b.Policies,
		Path: b.Path, Meta: b.Meta, DisplayName: b.DisplayName,
		CreationTime: time.Unix(b.Created, 0).UTC(), ExpireTime: time.Unix(b.Expires, 0).UTC(),
		EntityID: b.EntityID, BoundCIDRs: b.BoundCIDRs, Role: b.Role, InternalData: b.InternalData,
	}
	e.TTL = e.ExpireTime.Sub(e.CreationTime)
	if e.Expired(s.cfg.Now()) {
		return nil, ErrNotFound
	}
	if b.Parent != "" {
		if _, err := s.LookupHashed(ctx, b.Parent); err != nil {
			return nil, err
		}
	}
	if e.HashedID, err = s.Hash(id); err != nil {
		return nil, err
	}
	return e, nil
}
