package lease

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"strings"
	"time"

	"github.com/cofre-io/cofre/server/logical"
)

// Entry is a lease as stored. Values returned by the Manager are copies.
type Entry struct {
	ID string `json:"id"`
	// Path is the request path relative to the mount ("creds/app").
	Path string `json:"path"`
	// MountPath and MountAccessor name the mount that issued the lease; a
	// backend is called only while that same mount serves MountPath.
	MountPath     string `json:"mount_path"`
	MountAccessor string `json:"mount_accessor"`
	MountType     string `json:"mount_type"`
	// Token is the HashedID of the token that obtained the lease (""
	// without one); IndexToken is the token whose revocation revokes it:
	// Token, or a batch token's parent ("" for an orphan batch token).
	Token      string `json:"token,omitempty"`
	IndexToken string `json:"index_token,omitempty"`

	IssueTime   time.Time `json:"issue_time"`
	ExpireTime  time.Time `json:"expire_time"`
	LastRenewal time.Time `json:"last_renewal,omitzero"`
	// TTL is the TTL granted at issue: what a renewal without an
	// increment asks for.
	TTL time.Duration `json:"ttl"`
	// MaxExpire bounds every renewal; zero means unbounded.
	MaxExpire time.Time `json:"max_expire,omitzero"`
	Renewable bool      `json:"renewable"`

	// InternalData is the secret's internal data; RequestData the data of
	// the request that produced it. Both go back to the backend.
	InternalData map[string]any `json:"internal_data,omitempty"`
	RequestData  map[string]any `json:"request_data,omitempty"`

	// RevokeAttempts counts failed revocations; LastError is the last
	// failure's message; Irrevocable is set after Config.IrrevocableAfter
	// failures (the lease is still retried).
	RevokeAttempts int       `json:"revoke_attempts,omitempty"`
	LastError      string    `json:"last_error,omitempty"`
	LastAttempt    time.Time `json:"last_attempt,omitzero"`
	Irrevocable    bool      `json:"irrevocable,omitempty"`
}

// FullPath is the mount path joined with the request path: the lease id
// without its random suffix.
func (e *Entry) FullPath() string {
	return e.ID[:max(0, strings.LastIndexByte(e.ID, '/'))]
}

// Remaining returns how long the lease has left at now (never negative).
func (e *Entry) Remaining(now time.Time) time.Duration {
	return max(0, e.ExpireTime.Sub(now))
}

// Clone returns a deep copy as far as maps go (values inside the maps are
// shared).
func (e *Entry) Clone() *Entry {
	c := *e
	c.InternalData = maps.Clone(e.InternalData)
	c.RequestData = maps.Clone(e.RequestData)
	return &c
}

// secret is the logical.Secret handed to the backend.
func (e *Entry) secret(ttl time.Duration) *logical.Secret {
	s := &logical.Secret{
		LeaseID:      e.ID,
		TTL:          ttl,
		Renewable:    e.Renewable,
		IssueTime:    e.IssueTime,
		InternalData: maps.Clone(e.InternalData),
	}
	if !e.MaxExpire.IsZero() {
		s.MaxTTL = e.MaxExpire.Sub(e.IssueTime)
	}
	return s
}

func encodeEntry(e *Entry) ([]byte, error) {
	buf, err := json.Marshal(e)
	if err != nil {
		return nil, fmt.Errorf("lease: encode %s: %w", e.ID, err)
	}
	return buf, nil
}

// decodeEntry reads an entry with numbers kept exact (json.Number).
func decodeEntry(raw []byte) (*Entry, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var e Entry
	if err := dec.Decode(&e); err != nil {
		return nil, fmt.Errorf("lease: decode: %w", err)
	}
	if e.ID == "" {
		return nil, fmt.Errorf("lease: decode: entry without an id")
	}
	return &e, nil
}
