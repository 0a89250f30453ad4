package cubbyhole

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/logical/framework"
	"github.com/cofre-io/cofre/server/storage"
)

// Errors of the engine.
var (
	// ErrNoScope is wrapped when a token has no cubbyhole (a batch token or
	// a token without an accessor).
	ErrNoScope = errors.New("token has no cubbyhole")
	// ErrBadPath is wrapped when a path is empty or malformed.
	ErrBadPath = errors.New("invalid cubbyhole path")
)

// lockStripes is the number of scope locks; scopes hash onto them.
const lockStripes = 64

// Backend is the mounted cubbyhole engine.
type Backend struct {
	*framework.Backend
	view storage.Backend

	saltMu sync.Mutex
	salt   []byte

	locks [lockStripes]sync.Mutex
}

var (
	_ logical.Backend          = (*Backend)(nil)
	_ logical.ExistenceChecker = (*Backend)(nil)
)

// Factory builds the engine for the cubbyhole/ mount. It reads no storage;
// the salt is loaded on first use.
func Factory(ctx context.Context, conf *logical.BackendConfig) (logical.Backend, error) {
	if conf == nil || conf.StorageView == nil {
		return nil, fmt.Errorf("cubbyhole: storage view is required")
	}
	return New(conf.StorageView)
}

// New returns a Backend over the mount's storage view.
func New(view storage.Backend) (*Backend, error) {
	b := &Backend{view: view}
	b.Backend = &framework.Backend{
		BackendType: logical.TypeSecrets,
		Paths:       b.paths(),
	}
	if err := b.Init(); err != nil {
		return nil, err
	}
	return b, nil
}
