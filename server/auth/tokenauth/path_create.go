package tokenauth

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/logical/framework"
	"github.com/cofre-io/cofre/server/token"
)

func createFields() map[string]*framework.FieldSchema {
	return map[string]*framework.FieldSchema{
		"role_name":         {Type: framework.TypeString},
		"id":                {Type: framework.TypeString},
		"policies":          {Type: framework.TypeCommaStringSlice},
		"meta":              {Type: framework.TypeKVPairs},
		"no_parent":         {Type: framework.TypeBool},
		"no_default_policy": {Type: framework.TypeBool},
		"renewable":         {Type: framework.TypeBool, Default: true},
		"ttl":               {Type: framework.TypeDurationSecond},
		"lease":             {Type: framework.TypeDurationSecond},
		"type":              {Type: framework.TypeLowerCaseString},
		"explicit_max_ttl":  {Type: framework.TypeDurationSecond},
		"display_name":      {Type: framework.TypeString},
		"num_uses":          {Type: framework.TypeInt},
		"period":            {Type: framework.TypeDurationSecond},
		"entity_alias":      {Type: framework.TypeString},
		"format":            {Type: framework.TypeString},
	}
}

func (b *backend) createPaths() []*framework.Path {
	return []*framework.Path{
		{
			Pattern:    "create-orphan",
			Fields:     createFields(),
			Operations: map[logical.Operation]framework.OperationFunc{logical.UpdateOperation: b.handleCreateOrphan},
		},
		{
			Pattern:    "create/" + framework.GenericNameRegex("role_name"),
			Fields:     createFields(),
			Operations: map[logical.Operation]framework.OperationFunc{logical.UpdateOperation: b.handleCreateRole},
		},
		{
			Pattern:    "create",
			Fields:     createFields(),
			Operations: map[logical.Operation]framework.OperationFunc{logical.UpdateOperation: b.handleCreate},
		},
	}
}

func (b *backend) handleCreate(ctx context.Context, req *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	return b.create(ctx, req, d, false, nil)
}

func (b *backend) handleCreateOrphan(ctx context.Context, req *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	return b.create(ctx, req, d, true, nil)
}

func (b *backend) handleCreateRole(ctx context.Context, req *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	name := d.String("role_name")
	r, err := loadRole(ctx, req.Storage, name)
	if err != nil {
		return nil, err
	}
	if r == nil {
		return nil, badRequest("unknown role %s", name)
	}
	return b.create(ctx, req, d, false, r)
}

// displayNameSanitize replaces what may not appear in a display name.
var displayNameSanitize = regexp.MustCompile(`[^a-zA-Z0-9-]+`)

// createInput is a create request after validation, before policies.
type createInput struct {
	parent   *token.Entry
	role     *role
	isSudo   bool
	typ      string
	numUses  int
	explicit int64 // seconds asked for, for batch checks
}

// create implements auth/token/create, create-orphan and create/:role.
func (b *backend) create(ctx context.Context, req *logical.Request, d *framework.FieldData, orphanPath bool, r *role) (*logical.Response, error) {
	parent, err := b.caller(ctx, req)
	if errors.Is(err, token.ErrNotFound) {
		return nil, badRequest("parent token lookup failed: no parent found")
	}
	if err != nil {
		return nil, fmt.Errorf("parent token lookup failed: %w", err)
	}
	if parent.Type == token.TypeBatch {
		return nil, badRequest("batch tokens cannot create more tokens")
	}
	if parent.NumUses != 0 {
		return nil, badRequest("restricted use token cannot generate child tokens")
	}
	isSudo := b.core.SudoPrivilege(ctx, parent, req.MountPoint+req.Path)
	typ, renewable, err := resolveType(d, r)
	if err != nil {
		return nil, err
	}
	numUses := d.Int("num_uses")
	if numUses < 0 {
		return nil, badRequest("number of uses cannot be negative")
	}
	if d.String("entity_alias") != "" && r == nil {
		return nil, badRequest("'entity_alias' is only allowed in combination with token role")
	}
	resp := &logical.Response{}
	te := &token.Entry{
		Parent:       parent.HashedID,
		Path:         "auth/token/" + req.Path,
		DisplayName:  "token",
		NumUses:      numUses,
		CreationTime: b.now().UTC(),
		Type:         typ,
	}
	if m, ok := d.GetOk("meta"); ok {
		te.Meta = m.(map[string]string)
	}
	if r != nil {
		te.Role = r.Name
		renewable = renewable && r.Renewable
		switch {
		case r.TokenNumUses == 0:
		case te.NumUses == 0, r.TokenNumUses < te.NumUses:
			te.NumUses = r.TokenNumUses
		}
		if r.PathSuffix != "" {
			te.Path += "/" + r.PathSuffix
		}
	}
	if dn := d.String("display_name"); dn != "" {
		full := displayNameSanitize.ReplaceAllString("token-"+dn, "-")
		te.DisplayName = strings.TrimSuffix(full, "-")
	}
	if id := d.String("id"); id != "" {
		if !isSudo {
			return nil, badRequest("root or sudo privileges required to specify token id")
		}
		if err := checkCustomID(id); err != nil {
			return nil, err
		}
		te.ID = id
	}
	policies, err := resolvePolicies(d, r, parent, isSudo)
	if err != nil {
		return nil, err
	}
	te.Policies = policies
	if slices.Contains(te.Policies, token.RootPolicy) {
		if !parent.IsRoot() {
			return nil, badRequest("root tokens may not be created without parent token being root")
		}
		if te.Type == token.TypeBatch {
			return nil, badRequest("batch tokens cannot be root tokens")
		}
	}
	switch {
	case r != nil:
		if r.Orphan {
			te.Parent = ""
		}
		if len(r.TokenBoundCIDRs) > 0 {
			te.BoundCIDRs = append([]string(nil), r.TokenBoundCIDRs...)
		}
	case d.Bool("no_parent"):
		if !isSudo {
			return nil, badRequest("root or sudo privileges required to create orphan token")
		}
		te.Parent = ""
	case orphanPath:
		te.Parent = ""
	}
	if te.Parent != "" {
		te.EntityID = parent.EntityID
		if r == nil {
			te.BoundCIDRs = append([]string(nil), parent.BoundCIDRs...)
		}
	}
	if err := b.applyTTLs(d, r, te, parent, isSudo, &renewable, resp); err != nil {
		return nil, err
	}
	created, err := b.core.Tokens().Create(ctx, te)
	if err != nil {
		return nil, storeErr(err)
	}
	resp.Auth = authOf(created, created.ID)
	if pc, ok := b.core.(PolicyChecker); ok {
		for _, p := range created.Policies {
			if p != token.RootPolicy && !pc.PolicyExists(p) {
				resp.Warnings = append(resp.Warnings, fmt.Sprintf("Policy %q does not exist", p))
			}
		}
	}
	return resp, nil
}

// resolveType returns the token type and the requested renewability.
func resolveType(d *framework.FieldData, r *role) (string, bool, error) {
	typ := d.String("type")
	if r != nil {
		switch r.TokenType {
		case "", typeDefault, typeDefaultService:
		case typeDefaultBatch:
			if typ == "" {
				typ = token.TypeBatch
			}
		case token.TypeService, token.TypeBatch:
			typ = r.TokenType
		default:
			return "", false, badRequest("role being used for token creation contains invalid token type %q", r.TokenType)
		}
	}
	renewable := d.Bool("renewable")
	switch typ {
	case "", token.TypeService:
		return token.TypeService, renewable, nil
	case token.TypeBatch:
		var bad string
		switch {
		case d.Duration("explicit_max_ttl") != 0:
			bad = "explicit_max_ttl"
		case d.Int("num_uses") != 0:
			bad = "num_uses"
		case d.Duration("period") != 0:
			bad = "period"
		}
		if bad != "" {
			return "", false, badRequest("batch tokens cannot have %q set", bad)
		}
		return token.TypeBatch, false, nil
	}
	return "", false, logical.Errorf(logical.ErrInvalidRequest, "invalid 'token_type' value")
}

// checkCustomID applies Vault's rules to a caller-chosen token value.
func checkCustomID(id string) error {
	switch {
	case strings.HasPrefix(id, token.PrefixService):
		return badRequest("custom token ID cannot have the 'hvs.' prefix")
	case strings.HasPrefix(id, "s."):
		return badRequest("custom token ID cannot have the 's.' prefix")
	case strings.Contains(id, "."):
		return badRequest("custom token ID cannot have a '.' in the value")
	}
	return nil
}
