package approle

import (
	"context"
	"fmt"
	"time"

	"github.com/cofre-io/cofre/server/storage"
)

// secretIDEntry is a stored secret ID. The secret ID itself is not in it;
// HMAC is its keyed hash, which also names the entry.
type secretIDEntry struct {
	HMAC            string            `json:"hmac"`
	Accessor        string            `json:"accessor"`
	NumUses         int               `json:"num_uses,omitempty"` // uses left; 0 is unlimited
	TTL             time.Duration     `json:"ttl,omitempty"`
	CIDRList        []string          `json:"cidr_list,omitempty"`
	TokenBoundCIDRs []string          `json:"token_bound_cidrs,omitempty"`
	Metadata        map[string]string `json:"metadata,omitempty"`
	CreationTime    time.Time         `json:"creation_time"`
	ExpirationTime  time.Time         `json:"expiration_time"` // zero: never
	LastUpdatedTime time.Time         `json:"last_updated_time"`
}

// expired reports whether the secret ID no longer works at now.
func (e *secretIDEntry) expired(now time.Time) bool {
	return !e.ExpirationTime.IsZero() && !now.Before(e.ExpirationTime)
}

// data is the entry as a lookup shows it.
func (e *secretIDEntry) data() map[string]any {
	md := e.Metadata
	if md == nil {
		md = map[string]string{}
	}
	return map[string]any{
		"secret_id_accessor": e.Accessor,
		"secret_id_num_uses": e.NumUses,
		"secret_id_ttl":      int64(e.TTL / time.Second),
		"cidr_list":          nonNil(e.CIDRList),
		"token_bound_cidrs":  nonNil(e.TokenBoundCIDRs),
		"metadata":           md,
		"creation_time":      e.CreationTime,
		"expiration_time":    e.ExpirationTime,
		"last_updated_time":  e.LastUpdatedTime,
	}
}

// secretStore reads and writes one role's secret IDs.
type secretStore struct {
	s      storage.Backend
	prefix string // secret_id/<hmac(role)>/
	accPre string // accessor/<hmac(role)>/
}

func newSecretStore(s storage.Backend, k hmacKey, roleName string) secretStore {
	h := k.sum(domainRoleName, roleName)
	return secretStore{s: s, prefix: "secret_id/" + h + "/", accPre: "accessor/" + h + "/"}
}

// accessorEntry is the accessor index record.
type accessorEntry struct {
	SecretIDHMAC string `json:"secret_id_hmac"`
}

// get returns the entry stored under a secret ID's HMAC, or nil.
func (st secretStore) get(ctx context.Context, sidHMAC string) (*secretIDEntry, error) {
	var e secretIDEntry
	ok, err := getJSON(ctx, st.s, st.prefix+sidHMAC, &e)
	if err != nil || !ok {
		return nil, err
	}
	return &e, nil
}

// byAccessor returns the HMAC of the secret ID with that accessor, or "".
func (st secretStore) byAccessor(ctx context.Context, accessor string) (string, error) {
	if !validAccessor(accessor) {
		return "", nil
	}
	var a accessorEntry
	ok, err := getJSON(ctx, st.s, st.accPre+accessor, &a)
	if err != nil || !ok {
		return "", err
	}
	return a.SecretIDHMAC, nil
}

// create stores a new entry and its accessor index.
func (st secretStore) create(ctx context.Context, e *secretIDEntry) error {
	if err := putJSON(ctx, st.s, st.accPre+e.Accessor, accessorEntry{SecretIDHMAC: e.HMAC}); err != nil {
		return err
	}
	return putJSON(ctx, st.s, st.prefix+e.HMAC, e)
}

// update rewrites an existing entry.
func (st secretStore) update(ctx context.Context, e *secretIDEntry) error {
	return putJSON(ctx, st.s, st.prefix+e.HMAC, e)
}

// remove deletes an entry and its accessor index, atomically when the
// storage can.
func (st secretStore) remove(ctx context.Context, e *secretIDEntry) error {
	ops := []storage.TxnOp{
		{Delete: true, Entry: storage.Entry{Key: st.prefix + e.HMAC}},
		{Delete: true, Entry: storage.Entry{Key: st.accPre + e.Accessor}},
	}
	if t, ok := st.s.(storage.Transactional); ok {
		if err := t.Transaction(ctx, ops); err == nil {
			return nil
		}
	}
	for _, op := range ops {
		if err := st.s.Delete(ctx, op.Entry.Key); err != nil {
			return fmt.Errorf("delete secret id: %w", err)
		}
	}
	return nil
}

// validAccessor keeps client-supplied accessors from naming other keys.
func validAccessor(a string) bool {
	if a == "" || len(a) > 128 {
		return false
	}
	for _, c := range a {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' || c == '-') {
			return false
		}
	}
	return true
}
