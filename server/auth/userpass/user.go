package userpass

import (
	"context"
	"encoding/json"
	"fmt"

	"golang.org/x/crypto/bcrypt"

	"github.com/cofre-io/cofre/server/auth/tokenutil"
	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/storage"
)

// user is a stored user.
type user struct {
	PasswordHash []byte `json:"password_hash"`
	tokenutil.TokenParams
}

func userKey(name string) string { return "user/" + name }

// getUser returns the user or nil when it does not exist.
func getUser(ctx context.Context, s storage.Backend, name string) (*user, error) {
	e, err := s.Get(ctx, userKey(name))
	if err != nil {
		return nil, fmt.Errorf("read user: %w", err)
	}
	if e == nil {
		return nil, nil
	}
	var u user
	if err := json.Unmarshal(e.Value, &u); err != nil {
		return nil, fmt.Errorf("decode user: %w", err)
	}
	return &u, nil
}

func putUser(ctx context.Context, s storage.Backend, name string, u *user) error {
	raw, err := json.Marshal(u)
	if err != nil {
		return fmt.Errorf("encode user: %w", err)
	}
	if err := s.Put(ctx, &storage.Entry{Key: userKey(name), Value: raw}); err != nil {
		return fmt.Errorf("write user: %w", err)
	}
	return nil
}

// setPassword hashes password, or checks and takes hash, whichever is
// given; exactly one must be. Neither given is reported as "missing".
func (b *backend) setPassword(u *user, password, hash string) error {
	switch {
	case password != "" && hash != "":
		return logical.Errorf(logical.ErrInvalidRequest, "only one of password or password_hash can be provided")
	case password != "":
		h, err := bcrypt.GenerateFromPassword([]byte(password), b.cost)
		if err != nil {
			// Over-long passwords (bcrypt's 72-byte limit) end up here.
			return logical.Errorf(logical.ErrInvalidRequest, "failed to hash password: %v", err)
		}
		u.PasswordHash = h
	case hash != "":
		if _, err := bcrypt.Cost([]byte(hash)); err != nil {
			return logical.Errorf(logical.ErrInvalidRequest, "password_hash is not a valid bcrypt hash")
		}
		u.PasswordHash = []byte(hash)
	default:
		return logical.Errorf(logical.ErrInvalidRequest, "missing password")
	}
	return nil
}
