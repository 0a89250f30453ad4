package kubernetes

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/cofre-io/cofre/server/auth/kubernetes/internal/glob"
	"github.com/cofre-io/cofre/server/auth/tokenutil"
	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/storage"
)

// Alias name sources (alias_name_source).
const (
	AliasSourceUID  = "serviceaccount_uid"
	AliasSourceName = "serviceaccount_name"
)

// ErrInvalidRole is wrapped (with logical.ErrInvalidRequest) by every role
// validation failure.
var ErrInvalidRole = errors.New("invalid role")

// role binds ServiceAccounts (by name and namespace, with '*' globs) to the
// settings of the tokens they get.
type role struct {
	BoundNames      []string `json:"bound_service_account_names"`
	BoundNamespaces []string `json:"bound_service_account_namespaces"`
	Audience        string   `json:"audience,omitempty"`
	AliasNameSource string   `json:"alias_name_source"`
	tokenutil.TokenParams
}

func invalidRole(format string, args ...any) error {
	return &logical.Error{Kind: logical.ErrInvalidRequest, Msg: fmt.Sprintf(format, args...), Err: ErrInvalidRole}
}

// validate checks a role as a whole: both bound lists are required, "*"
// may not share a list with other entries, and the alias source is known.
// Both lists may be "*" (any ServiceAccount of the cluster), as Vault
// allows since its plugin dropped that restriction.
func (r *role) validate() error {
	for _, l := range []struct {
		field string
		vals  []string
	}{{"bound_service_account_names", r.BoundNames}, {"bound_service_account_namespaces", r.BoundNamespaces}} {
		if len(l.vals) == 0 {
			return invalidRole("%q can not be empty", l.field)
		}
		if len(l.vals) > 1 && slices.Contains(l.vals, "*") {
			return invalidRole("can not mix %q with values in %q", "*", l.field)
		}
	}
	switch r.AliasNameSource {
	case AliasSourceUID, AliasSourceName:
	default:
		return invalidRole("invalid alias_name_source %q: must be %q or %q", r.AliasNameSource, AliasSourceUID, AliasSourceName)
	}
	return r.TokenParams.Validate()
}

// cleanList trims entries and drops empty ones and duplicates, keeping
// the first occurrence's order. It never returns nil.
func cleanList(in []string) []string {
	out := make([]string, 0, len(in))
	for _, s := range in {
		s = strings.TrimSpace(s)
		if s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// allows reports which binding, if any, refuses a ServiceAccount.
func (r *role) allows(namespace, name string) error {
	if !glob.MatchAny(r.BoundNames, name) {
		return ErrNameNotBound
	}
	if !glob.MatchAny(r.BoundNamespaces, namespace) {
		return ErrNamespaceNotBound
	}
	return nil
}

func roleKey(name string) string { return "role/" + name }

// getRole returns the named role, or nil when it does not exist.
func getRole(ctx context.Context, s storage.Backend, name string) (*role, error) {
	e, err := s.Get(ctx, roleKey(name))
	if err != nil {
		return nil, fmt.Errorf("read role: %w", err)
	}
	if e == nil {
		return nil, nil
	}
	var r role
	if err := json.Unmarshal(e.Value, &r); err != nil {
		return nil, fmt.Errorf("decode role: %w", err)
	}
	if r.AliasNameSource == "" {
		r.AliasNameSource = AliasSourceUID
	}
	return &r, nil
}

func putRole(ctx context.Context, s storage.Backend, name string, r *role) error {
	b, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("encode role: %w", err)
	}
	return s.Put(ctx, &storage.Entry{Key: roleKey(name), Value: b})
}
