package kv

import (
	"context"

	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/logical/framework"
)

// v2Backend serves version 2. Path order matters only for speed: data/ is
// matched first because it carries almost all traffic.
func (b *Backend) v2Backend() *framework.Backend {
	raw := &framework.FieldSchema{Type: framework.TypeRaw}
	path := &framework.FieldSchema{Type: framework.TypeString}
	metaFields := map[string]*framework.FieldSchema{
		"path":                 path,
		"max_versions":         {Type: framework.TypeInt},
		"cas_required":         {Type: framework.TypeBool},
		"delete_version_after": {Type: framework.TypeDurationSecond},
		"custom_metadata":      raw,
	}
	versionsFields := map[string]*framework.FieldSchema{"path": path, "versions": raw}
	return &framework.Backend{
		BackendType: logical.TypeSecrets,
		Paths: []*framework.Path{
			{
				Pattern: "data/" + framework.MatchAllRegex("path"),
				Fields:  map[string]*framework.FieldSchema{"path": path, "version": raw, "data": raw, "options": raw},
				Operations: map[logical.Operation]framework.OperationFunc{
					logical.ReadOperation:   b.dataRead,
					logical.UpdateOperation: b.dataWrite,
					logical.PatchOperation:  b.dataPatch,
					logical.DeleteOperation: b.dataDelete,
					// Listing under data/ is a Cofre extension: it answers as
					// metadata/ does, so a policy granting "list" on
					// secret/data/demo/* (the seed's app-readonly) can list.
					logical.ListOperation: b.metadataList,
				},
				ExistenceCheck: b.metaExists,
				HelpSynopsis:   "Write, patch, read and delete versions of a secret.",
			},
			{
				Pattern: "metadata/" + framework.MatchAllRegex("path"),
				Fields:  metaFields,
				Operations: map[logical.Operation]framework.OperationFunc{
					logical.ReadOperation:   b.metadataRead,
					logical.ListOperation:   b.metadataList,
					logical.UpdateOperation: b.metadataWrite,
					logical.PatchOperation:  b.metadataPatch,
					logical.DeleteOperation: b.metadataDelete,
				},
				ExistenceCheck: b.metaExists,
				HelpSynopsis:   "Configure a secret's versioning and list, read or remove its metadata.",
			},
			{
				Pattern:      "subkeys/" + framework.MatchAllRegex("path"),
				Fields:       map[string]*framework.FieldSchema{"path": path, "version": raw, "depth": raw},
				Operations:   map[logical.Operation]framework.OperationFunc{logical.ReadOperation: b.subkeysRead},
				HelpSynopsis: "Read the structure of a secret without its values.",
			},
			{
				Pattern:      "delete/" + framework.MatchAllRegex("path"),
				Fields:       versionsFields,
				Operations:   map[logical.Operation]framework.OperationFunc{logical.UpdateOperation: b.versionsDelete},
				HelpSynopsis: "Soft-delete versions of a secret.",
			},
			{
				Pattern:      "undelete/" + framework.MatchAllRegex("path"),
				Fields:       versionsFields,
				Operations:   map[logical.Operation]framework.OperationFunc{logical.UpdateOperation: b.versionsUndelete},
				HelpSynopsis: "Restore soft-deleted versions of a secret.",
			},
			{
				Pattern:      "destroy/" + framework.MatchAllRegex("path"),
				Fields:       versionsFields,
				Operations:   map[logical.Operation]framework.OperationFunc{logical.UpdateOperation: b.versionsDestroy},
				HelpSynopsis: "Permanently remove versions of a secret.",
			},
			b.configPath(),
			invalidV2Path(),
		},
	}
}

// errInvalidV2Path answers a version 1 style path on a version 2 mount,
// with Vault's hint for CLI users.
var errInvalidV2Path = logical.Errorf(logical.ErrUnsupportedPath, "Invalid path for a versioned K/V secrets engine. See the API docs for the appropriate API endpoints to use. If using the Vault CLI, use 'vault kv get' for this operation.")

func invalidV2Path() *framework.Path {
	fail := func(context.Context, *logical.Request, *framework.FieldData) (*logical.Response, error) {
		return nil, errInvalidV2Path
	}
	ops := map[logical.Operation]framework.OperationFunc{}
	for _, op := range []logical.Operation{logical.ReadOperation, logical.ListOperation, logical.UpdateOperation, logical.PatchOperation, logical.DeleteOperation} {
		ops[op] = fail
	}
	return &framework.Path{Pattern: ".*", Operations: ops, TakesArbitraryInput: true}
}
