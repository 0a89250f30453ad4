package cubbyhole

import (
	"context"
	"errors"
	"strings"

	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/logical/framework"
	"github.com/cofre-io/cofre/server/token"
)

// errServiceOnly is Vault's refusal of batch tokens.
var errServiceOnly = logical.Errorf(logical.ErrInvalidRequest, "cubbyhole operations are only supported by \"service\" type tokens")

func (b *Backend) paths() []*framework.Path {
	return []*framework.Path{{
		// The whole path relative to the mount is the value's path; it is
		// read from req.Path, never from the body.
		Pattern:             "(?s).*",
		TakesArbitraryInput: true,
		ExistenceCheck:      b.exists,
		Operations: map[logical.Operation]framework.OperationFunc{
			logical.ReadOperation:   b.read,
			logical.CreateOperation: b.write,
			logical.UpdateOperation: b.write,
			logical.DeleteOperation: b.delete,
			logical.ListOperation:   b.list,
		},
		HelpSynopsis: "Private storage of the calling token, destroyed with it.",
	}}
}

// callerAccessor returns the verified caller's accessor, refusing requests
// without a service token.
func callerAccessor(req *logical.Request) (string, error) {
	c := req.Caller
	if c == nil || c.TokenID == "" {
		return "", logical.Errorf(logical.ErrPermissionDenied, "permission denied")
	}
	if c.TokenType == token.TypeBatch || c.Accessor == "" {
		return "", errServiceOnly
	}
	return c.Accessor, nil
}

// clientError turns a missing scope into Vault's 400; path errors already
// are 400s.
func clientError(err error) error {
	if errors.Is(err, ErrNoScope) {
		return errServiceOnly
	}
	return err
}

func (b *Backend) exists(ctx context.Context, req *logical.Request, _ *framework.FieldData) (bool, error) {
	acc, err := callerAccessor(req)
	if err != nil || checkPath(req.Path) != nil {
		// The handler reports the problem; authorise as an update.
		return true, nil
	}
	v, err := b.Get(ctx, acc, req.Path)
	if err != nil {
		return false, err
	}
	return v != nil, nil
}

func (b *Backend) read(ctx context.Context, req *logical.Request, _ *framework.FieldData) (*logical.Response, error) {
	acc, err := callerAccessor(req)
	if err != nil {
		return nil, err
	}
	v, err := b.Get(ctx, acc, req.Path)
	if err != nil {
		return nil, clientError(err)
	}
	if v == nil {
		return nil, nil
	}
	return &logical.Response{Data: v}, nil
}

func (b *Backend) write(ctx context.Context, req *logical.Request, _ *framework.FieldData) (*logical.Response, error) {
	acc, err := callerAccessor(req)
	if err != nil {
		return nil, err
	}
	if err := checkPath(req.Path); err != nil {
		return nil, clientError(err)
	}
	if len(req.Data) == 0 {
		return nil, logical.Errorf(logical.ErrInvalidRequest, "missing data fields")
	}
	if err := b.Put(ctx, acc, req.Path, req.Data); err != nil {
		return nil, clientError(err)
	}
	return nil, nil
}

func (b *Backend) delete(ctx context.Context, req *logical.Request, _ *framework.FieldData) (*logical.Response, error) {
	acc, err := callerAccessor(req)
	if err != nil {
		return nil, err
	}
	if err := b.Delete(ctx, acc, req.Path); err != nil {
		return nil, clientError(err)
	}
	return nil, nil
}

func (b *Backend) list(ctx context.Context, req *logical.Request, _ *framework.FieldData) (*logical.Response, error) {
	acc, err := callerAccessor(req)
	if err != nil {
		return nil, err
	}
	folder := req.Path
	if folder != "" && !strings.HasSuffix(folder, "/") {
		folder += "/"
	}
	keys, err := b.List(ctx, acc, folder)
	if err != nil {
		return nil, clientError(err)
	}
	return framework.ListResponse(keys), nil
}
