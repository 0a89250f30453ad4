package sysbackend

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/cofre-io/cofre/server/lease"
	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/logical/framework"
)

// LeaseCore is what the lease endpoints (sys/leases/*, and the older
// sys/renew, sys/revoke, sys/revoke-prefix, sys/revoke-force) need.
type LeaseCore interface {
	Leases() *lease.Manager
	// LeaseAccess reports whether caller may act on e: it obtained the
	// lease, or holds "update" on path (the endpoint with the lease id
	// appended, e.g. sys/leases/renew/<id>).
	LeaseAccess(ctx context.Context, caller *logical.Caller, e *lease.Entry, path string) bool
}

// defaultIrrevocableLimit caps the sys/leases listing unless limit=none.
const defaultIrrevocableLimit = 10000

// addLeasePaths adds the lease endpoints and their sudo paths to fb.
func (b *backend) addLeasePaths(fb *framework.Backend) {
	lc, ok := b.core.(LeaseCore)
	if !ok {
		return
	}
	h := leaseHandlers{lc}
	idFields := map[string]*framework.FieldSchema{
		"lease_id":     {Type: framework.TypeString, Description: "The lease id."},
		"url_lease_id": {Type: framework.TypeString, Description: "The lease id, in the URL."},
		"increment":    {Type: framework.TypeDurationSecond, Description: "Requested TTL from now (renew)."},
		"sync":         {Type: framework.TypeBool, Default: true, Description: "Revoke before answering rather than queue the revocation."},
	}
	prefixFields := map[string]*framework.FieldSchema{
		"prefix": {Type: framework.TypeString},
		"sync":   {Type: framework.TypeBool, Default: true},
	}
	update := func(fn framework.OperationFunc) map[logical.Operation]framework.OperationFunc {
		return map[logical.Operation]framework.OperationFunc{logical.UpdateOperation: fn}
	}
	withID := func(base string) string { return base + `(/(?P<url_lease_id>.+))?` }
	fb.Paths = append(fb.Paths,
		&framework.Path{Pattern: "leases/lookup", Fields: idFields, Operations: update(h.lookup)},
		&framework.Path{Pattern: "leases/lookup/" + framework.MatchAllRegex("prefix"), Fields: prefixFields,
			Operations: map[logical.Operation]framework.OperationFunc{logical.ListOperation: h.list}},
		&framework.Path{Pattern: withID("leases/renew"), Fields: idFields, Operations: update(h.renew)},
		&framework.Path{Pattern: withID("renew"), Fields: idFields, Operations: update(h.renew)},
		&framework.Path{Pattern: withID("leases/revoke"), Fields: idFields, Operations: update(h.revoke)},
		&framework.Path{Pattern: withID("revoke"), Fields: idFields, Operations: update(h.revoke)},
		&framework.Path{Pattern: "leases/revoke-prefix/" + framework.MatchAllRegex("prefix"), Fields: prefixFields, Operations: update(h.revokePrefix)},
		&framework.Path{Pattern: "revoke-prefix/" + framework.MatchAllRegex("prefix"), Fields: prefixFields, Operations: update(h.revokePrefix)},
		&framework.Path{Pattern: "leases/revoke-force/" + framework.MatchAllRegex("prefix"), Fields: prefixFields, Operations: update(h.revokeForce)},
		&framework.Path{Pattern: "revoke-force/" + framework.MatchAllRegex("prefix"), Fields: prefixFields, Operations: update(h.revokeForce)},
		&framework.Path{Pattern: "leases/tidy", Operations: update(h.tidy)},
		&framework.Path{Pattern: "leases/count", Fields: map[string]*framework.FieldSchema{
			"type":                     {Type: framework.TypeString},
			"include_child_namespaces": {Type: framework.TypeBool},
		}, Operations: map[logical.Operation]framework.OperationFunc{logical.ReadOperation: h.count}},
		&framework.Path{Pattern: "leases", Fields: map[string]*framework.FieldSchema{
			"type":                     {Type: framework.TypeString},
			"limit":                    {Type: framework.TypeString},
			"include_child_namespaces": {Type: framework.TypeBool},
		}, Operations: map[logical.Operation]framework.OperationFunc{logical.ReadOperation: h.irrevocable}},
	)
	// The listing of irrevocable leases needs sudo, like revoke-prefix,
	// revoke-force and lookup/<prefix> (already root paths).
	fb.PathsSpecial.Root = append(fb.PathsSpecial.Root, "leases")
}

type leaseHandlers struct{ c LeaseCore }

// leaseID reads lease_id from the body, else from the URL.
func leaseID(d *framework.FieldData) (string, error) {
	id := d.String("lease_id")
	if id == "" {
		id = d.String("url_lease_id")
	}
	if id == "" {
		return "", logical.Errorf(logical.ErrInvalidRequest, "lease_id must be specified")
	}
	return id, nil
}

// accessible loads a lease the caller may act on through endpoint.
func (h leaseHandlers) accessible(ctx context.Context, req *logical.Request, id, endpoint string) error {
	e, err := h.c.Leases().Lookup(ctx, id)
	if err != nil {
		return leaseError(err)
	}
	if !h.c.LeaseAccess(ctx, req.Caller, e, endpoint+"/"+id) {
		return logical.Errorf(logical.ErrPermissionDenied, "permission denied")
	}
	return nil
}

func (h leaseHandlers) lookup(ctx context.Context, req *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	id, err := leaseID(d)
	if err != nil {
		return nil, err
	}
	m := h.c.Leases()
	e, err := m.Lookup(ctx, id)
	if err != nil {
		if errors.Is(err, lease.ErrNotFound) || errors.Is(err, lease.ErrInvalidID) {
			return nil, logical.Errorf(logical.ErrInvalidRequest, "invalid lease")
		}
		return nil, leaseError(err)
	}
	if !h.c.LeaseAccess(ctx, req.Caller, e, "sys/leases/lookup/"+id) {
		return nil, logical.Errorf(logical.ErrPermissionDenied, "permission denied")
	}
	var last any // JSON null until the first renewal, as Vault answers
	if !e.LastRenewal.IsZero() {
		last = formatTime(e.LastRenewal)
	}
	return &logical.Response{Data: map[string]any{
		"id":           e.ID,
		"issue_time":   formatTime(e.IssueTime),
		"expire_time":  formatTime(e.ExpireTime),
		"last_renewal": last,
		"renewable":    e.Renewable,
		"ttl":          int64(e.Remaining(m.Now()) / time.Second),
	}}, nil
}

func formatTime(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

func (h leaseHandlers) list(ctx context.Context, _ *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	keys, err := h.c.Leases().List(ctx, d.String("prefix"))
	if err != nil {
		return nil, leaseError(err)
	}
	return framework.ListResponse(keys), nil
}

func (h leaseHandlers) renew(ctx context.Context, req *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	id, err := leaseID(d)
	if err != nil {
		return nil, err
	}
	if err := h.accessible(ctx, req, id, "sys/leases/renew"); err != nil {
		return nil, err
	}
	res, err := h.c.Leases().Renew(ctx, id, d.Duration("increment"))
	if err != nil {
		return nil, leaseError(err)
	}
	return &logical.Response{
		Data:     res.Data,
		Warnings: res.Warnings,
		Secret:   &logical.Secret{LeaseID: id, TTL: res.TTL, Renewable: res.Entry.Renewable, IssueTime: res.Entry.IssueTime},
	}, nil
}

func (h leaseHandlers) revoke(ctx context.Context, _ *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	id, err := leaseID(d)
	if err != nil {
		return nil, err
	}
	if err := h.c.Leases().Revoke(ctx, id, d.Bool("sync")); err != nil {
		return nil, leaseError(err)
	}
	return nil, nil
}

// prefix reads the prefix from the URL. An empty one would name every
// lease of the server: refused.
func prefix(d *framework.FieldData) (string, error) {
	p := d.String("prefix")
	if strings.Trim(p, "/") == "" {
		return "", logical.Errorf(logical.ErrInvalidRequest, "a non-empty prefix must be specified")
	}
	return p, nil
}

func (h leaseHandlers) revokePrefix(ctx context.Context, _ *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	p, err := prefix(d)
	if err != nil {
		return nil, err
	}
	res, err := h.c.Leases().RevokePrefix(ctx, p, d.Bool("sync"))
	if err != nil {
		return nil, leaseError(err)
	}
	if res.Queued > 0 && d.Bool("sync") {
		return &logical.Response{Warnings: []string{fmt.Sprintf(
			"%d leases were revoked; %d more were queued and will be revoked in the background", res.Revoked, res.Queued)}}, nil
	}
	return nil, nil
}

func (h leaseHandlers) revokeForce(ctx context.Context, _ *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	p, err := prefix(d)
	if err != nil {
		return nil, err
	}
	if _, err := h.c.Leases().RevokeForce(ctx, p); err != nil {
		return nil, leaseError(err)
	}
	return nil, nil
}

func (h leaseHandlers) tidy(ctx context.Context, _ *logical.Request, _ *framework.FieldData) (*logical.Response, error) {
	if err := h.c.Leases().StartTidy(); err != nil {
		return nil, leaseError(err)
	}
	return &logical.Response{Warnings: []string{"Tidy operation successfully started. Its outcome is written to the server log."}}, nil
}

func irrevocableType(d *framework.FieldData) error {
	switch t := d.String("type"); t {
	case "irrevocable":
		return nil
	case "":
		return logical.Errorf(logical.ErrInvalidRequest, "missing lease type (only \"irrevocable\" is supported)")
	default:
		return logical.Errorf(logical.ErrInvalidRequest, "unsupported lease type %q (only \"irrevocable\" is supported)", t)
	}
}

func (h leaseHandlers) count(ctx context.Context, _ *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	if err := irrevocableType(d); err != nil {
		return nil, err
	}
	_, total, perMount, err := h.c.Leases().Irrevocable(ctx, 1)
	if err != nil {
		return nil, leaseError(err)
	}
	return &logical.Response{Data: map[string]any{"lease_count": total, "counts": perMount}}, nil
}

func (h leaseHandlers) irrevocable(ctx context.Context, _ *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	if err := irrevocableType(d); err != nil {
		return nil, err
	}
	limit := defaultIrrevocableLimit
	switch l := strings.TrimSpace(d.String("limit")); l {
	case "":
	case "none":
		limit = 0
	default:
		n, err := strconv.Atoi(l)
		if err != nil || n <= 0 {
			return nil, logical.Errorf(logical.ErrInvalidRequest, "invalid limit %q: a positive number or \"none\"", l)
		}
		limit = n
	}
	leases, total, perMount, err := h.c.Leases().Irrevocable(ctx, limit)
	if err != nil {
		return nil, leaseError(err)
	}
	list := make([]map[string]any, 0, len(leases))
	for _, l := range leases {
		list = append(list, map[string]any{
			"lease_id":    l.ID,
			"mount_id":    l.MountAccessor,
			"mount_path":  l.MountPath,
			"error":       l.Error,
			"expire_time": formatTime(l.ExpireTime),
			"attempts":    l.Attempts,
		})
	}
	resp := &logical.Response{Data: map[string]any{"lease_count": total, "counts": perMount, "leases": list}}
	if limit > 0 && total > limit {
		resp.Warnings = []string{fmt.Sprintf("showing %d of %d irrevocable leases; use limit=none to see all", limit, total)}
	}
	return resp, nil
}

// leaseError turns the manager's errors into the client-facing kinds.
func leaseError(err error) error {
	var le *logical.Error
	switch {
	case errors.As(err, &le):
		return err // a backend's own answer
	case errors.Is(err, lease.ErrNotFound):
		return logical.Errorf(logical.ErrInvalidRequest, "lease not found")
	case errors.Is(err, lease.ErrInvalidID):
		return logical.Errorf(logical.ErrInvalidRequest, "invalid lease id")
	case errors.Is(err, lease.ErrNotRenewable):
		return logical.Errorf(logical.ErrInvalidRequest, "lease is not renewable")
	case errors.Is(err, lease.ErrPastMaxTTL):
		return logical.Errorf(logical.ErrInvalidRequest, "past the max TTL, cannot renew")
	case errors.Is(err, lease.ErrExpired):
		return logical.Errorf(logical.ErrInvalidRequest, "lease has expired or is being revoked")
	case errors.Is(err, lease.ErrMountGone):
		return logical.Errorf(logical.ErrInvalidRequest, "%s", err.Error())
	case errors.Is(err, lease.ErrTidyRunning):
		return logical.Errorf(logical.ErrInvalidRequest, "lease tidy is already running")
	case errors.Is(err, lease.ErrRevokeFailed):
		return &logical.Error{Kind: logical.ErrInternal, Msg: err.Error(), Err: err}
	case errors.Is(err, lease.ErrNotLoaded):
		return logical.ErrSealed
	}
	return err
}
