package framework

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/cofre-io/cofre/server/logical"
)

// OperationFunc handles one operation on one path.
type OperationFunc func(ctx context.Context, req *logical.Request, d *FieldData) (*logical.Response, error)

// ExistenceFunc reports whether the target of a write exists.
type ExistenceFunc func(ctx context.Context, req *logical.Request, d *FieldData) (bool, error)

// Path is one family of routes.
type Path struct {
	// Pattern is a regular expression matched against the whole path
	// relative to the mount. Named groups become fields.
	Pattern string
	Fields  map[string]*FieldSchema
	// Operations maps each supported operation to its handler. A POST/PUT
	// arrives as UpdateOperation, or CreateOperation when ExistenceCheck says
	// the target is missing; a path that lists only UpdateOperation gets both.
	Operations     map[logical.Operation]OperationFunc
	ExistenceCheck ExistenceFunc
	// TakesArbitraryInput means unknown body fields are the point (KV data)
	// and draw no warning.
	TakesArbitraryInput bool
	HelpSynopsis        string

	re *regexp.Regexp
}

// Backend is a logical.Backend made from paths.
type Backend struct {
	BackendType  logical.BackendType
	Paths        []*Path
	PathsSpecial *logical.Paths
	// Clean runs on Cleanup.
	Clean func(ctx context.Context)
	// Renew and Revoke handle lease operations for secrets this backend
	// issued, keyed by the secret type stored in InternalData["secret_type"].
	Secrets map[string]*Secret

	once sync.Once
	err  error
}

// Secret describes a leased secret type: how to renew and revoke it.
type Secret struct {
	Renew  OperationFunc
	Revoke OperationFunc
}

var _ logical.Backend = (*Backend)(nil)
var _ logical.ExistenceChecker = (*Backend)(nil)

// Init compiles the path patterns. It is called lazily by HandleRequest but
// factories should call it to surface bad patterns at mount time.
func (b *Backend) Init() error {
	b.once.Do(func() {
		for _, p := range b.Paths {
			re, err := regexp.Compile("^" + p.Pattern + "$")
			if err != nil {
				b.err = fmt.Errorf("framework: path %q: %w", p.Pattern, err)
				return
			}
			p.re = re
		}
	})
	return b.err
}

// SpecialPaths implements logical.Backend.
func (b *Backend) SpecialPaths() *logical.Paths {
	if b.PathsSpecial == nil {
		return &logical.Paths{}
	}
	return b.PathsSpecial
}

// Type implements logical.Backend.
func (b *Backend) Type() logical.BackendType { return b.BackendType }

// Cleanup implements logical.Backend.
func (b *Backend) Cleanup(ctx context.Context) {
	if b.Clean != nil {
		b.Clean(ctx)
	}
}

func (b *Backend) route(path string) (*Path, map[string]string) {
	for _, p := range b.Paths {
		m := p.re.FindStringSubmatch(path)
		if m == nil {
			continue
		}
		caps := make(map[string]string)
		for i, name := range p.re.SubexpNames() {
			if name != "" && m[i] != "" {
				caps[name] = m[i]
			}
		}
		return p, caps
	}
	return nil, nil
}

// HandleRequest implements logical.Backend.
func (b *Backend) HandleRequest(ctx context.Context, req *logical.Request) (*logical.Response, error) {
	if err := b.Init(); err != nil {
		return nil, err
	}
	switch req.Operation {
	case logical.RenewOperation, logical.RevokeOperation:
		return b.handleSecret(ctx, req)
	}
	p, caps := b.route(req.Path)
	if p == nil {
		return nil, logical.Errorf(logical.ErrUnsupportedPath, "unsupported path")
	}
	op := req.Operation
	fn, ok := p.Operations[op]
	if !ok && op == logical.CreateOperation {
		fn, ok = p.Operations[logical.UpdateOperation]
	}
	if !ok && op == logical.UpdateOperation && p.ExistenceCheck != nil {
		fn, ok = p.Operations[logical.CreateOperation]
	}
	if !ok {
		return nil, logical.Errorf(logical.ErrUnsupportedOperation, "unsupported operation")
	}
	d, warnings, err := newFieldData(p, req.Data, caps)
	if err != nil {
		return nil, err
	}
	resp, err := fn(ctx, req, d)
	if err != nil {
		return resp, err
	}
	if len(warnings) > 0 {
		if resp == nil {
			resp = &logical.Response{}
		}
		resp.Warnings = append(resp.Warnings, warnings...)
	}
	return resp, nil
}

func (b *Backend) handleSecret(ctx context.Context, req *logical.Request) (*logical.Response, error) {
	if req.Secret == nil {
		return nil, logical.Errorf(logical.ErrInvalidRequest, "request has no secret")
	}
	kind, _ := req.Secret.InternalData["secret_type"].(string)
	s, ok := b.Secrets[kind]
	if !ok {
		return nil, logical.Errorf(logical.ErrUnsupportedOperation, "secret type %q is not handled by this backend", kind)
	}
	fn := s.Renew
	if req.Operation == logical.RevokeOperation {
		fn = s.Revoke
	}
	if fn == nil {
		return nil, logical.Errorf(logical.ErrUnsupportedOperation, "secret type %q cannot %s", kind, req.Operation)
	}
	return fn(ctx, req, &FieldData{raw: req.Data, schema: nil})
}

// ExistenceCheck implements logical.ExistenceChecker.
func (b *Backend) ExistenceCheck(ctx context.Context, req *logical.Request) (bool, bool, error) {
	if err := b.Init(); err != nil {
		return false, false, err
	}
	p, caps := b.route(req.Path)
	if p == nil || p.ExistenceCheck == nil {
		return false, false, nil
	}
	d, _, err := newFieldData(p, req.Data, caps)
	if err != nil {
		// Let the handler report bad input; treat as an update check.
		return false, false, nil
	}
	exists, err := p.ExistenceCheck(ctx, req, d)
	return true, exists, err
}

func unknownFieldsWarning(unknown []string) string {
	sort.Strings(unknown)
	return fmt.Sprintf("Endpoint ignored these unrecognized parameters: [%s]", strings.Join(unknown, " "))
}

// GenericNameRegex matches a name segment: letters, digits, '-', '_', '.', not
// starting or ending with a separator.
func GenericNameRegex(name string) string {
	return fmt.Sprintf("(?P<%s>\\w(([\\w-.@]+)?\\w)?)", name)
}

// MatchAllRegex matches the rest of the path, including slashes.
func MatchAllRegex(name string) string {
	return fmt.Sprintf(`(?P<%s>.*)`, name)
}
