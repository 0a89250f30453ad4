package approle

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/cofre-io/cofre/server/auth/tokenutil"
	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/storage"
)

// maxRoleNameLen is Vault's limit on role names, in bytes.
const maxRoleNameLen = 4096

// role is a stored AppRole.
type role struct {
	Name               string        `json:"name"`
	RoleID             string        `json:"role_id"`
	BindSecretID       bool          `json:"bind_secret_id"`
	SecretIDBoundCIDRs []string      `json:"secret_id_bound_cidrs,omitempty"`
	SecretIDNumUses    int           `json:"secret_id_num_uses,omitempty"`
	SecretIDTTL        time.Duration `json:"secret_id_ttl,omitempty"`
	LocalSecretIDs     bool          `json:"local_secret_ids,omitempty"`
	tokenutil.TokenParams
}

// errRoleNotFound is the 400 Vault answers for operations on a missing role.
func errRoleNotFound(name string) error {
	return logical.Errorf(logical.ErrInvalidRequest, "role %q does not exist", name)
}

func roleKey(name string) string { return "role/" + name }

func roleIDKey(k hmacKey, roleID string) string { return "role_id/" + k.sum(domainRoleID, roleID) }

// secretPrefix is where a role's secret IDs live.
func secretPrefix(k hmacKey, name string) string {
	return "secret_id/" + k.sum(domainRoleName, name) + "/"
}

func accessorPrefix(k hmacKey, name string) string {
	return "accessor/" + k.sum(domainRoleName, name) + "/"
}

func getJSON(ctx context.Context, s storage.Backend, key string, v any) (bool, error) {
	e, err := s.Get(ctx, key)
	if err != nil {
		return false, fmt.Errorf("read %s: %w", key, err)
	}
	if e == nil {
		return false, nil
	}
	if err := json.Unmarshal(e.Value, v); err != nil {
		return false, fmt.Errorf("decode %s: %w", key, err)
	}
	return true, nil
}

func putJSON(ctx context.Context, s storage.Backend, key string, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %s: %w", key, err)
	}
	if err := s.Put(ctx, &storage.Entry{Key: key, Value: raw}); err != nil {
		return fmt.Errorf("write %s: %w", key, err)
	}
	return nil
}

// getRole returns the role or nil when it does not exist.
func getRole(ctx context.Context, s storage.Backend, name string) (*role, error) {
	var r role
	ok, err := getJSON(ctx, s, roleKey(name), &r)
	if err != nil || !ok {
		return nil, err
	}
	return &r, nil
}

// roleIDEntry is the role_id index record.
type roleIDEntry struct {
	Name string `json:"name"`
}

// roleNameByID returns the name of the role with that role ID, or "".
func roleNameByID(ctx context.Context, s storage.Backend, k hmacKey, roleID string) (string, error) {
	var e roleIDEntry
	ok, err := getJSON(ctx, s, roleIDKey(k, roleID), &e)
	if err != nil || !ok {
		return "", err
	}
	return e.Name, nil
}

// validate checks a role as a whole before it is stored.
func (r *role) validate() error {
	if !r.BindSecretID && len(r.SecretIDBoundCIDRs) == 0 && len(r.TokenBoundCIDRs) == 0 {
		return logical.Errorf(logical.ErrInvalidRequest, "at least one constraint should be enabled on the role")
	}
	if r.SecretIDNumUses < 0 {
		return logical.Errorf(logical.ErrInvalidRequest, "secret_id_num_uses cannot be negative")
	}
	return r.TokenParams.Validate()
}

// data is the role as a read shows it.
func (r *role) data() map[string]any {
	m := map[string]any{
		"bind_secret_id":        r.BindSecretID,
		"secret_id_bound_cidrs": nonNil(r.SecretIDBoundCIDRs),
		"secret_id_num_uses":    r.SecretIDNumUses,
		"secret_id_ttl":         int64(r.SecretIDTTL / time.Second),
		"local_secret_ids":      r.LocalSecretIDs,
	}
	r.TokenParams.ResponseData(m, tokenutil.LegacyPeriod)
	return m
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
