package transit

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"regexp"
	"time"

	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/logical/framework"
)

// backupDoc is a plaintext backup: the stored key and when it was taken.
type backupDoc struct {
	Policy *storedRing `json:"policy"`
	Info   backupInfo  `json:"backup_info"`
}

type backupInfo struct {
	Time    time.Time `json:"time"`
	Version int       `json:"version"`
}

func (b *Backend) backupPath() *framework.Path {
	return &framework.Path{
		Pattern: "backup/" + framework.GenericNameRegex("name"),
		Fields:  map[string]*framework.FieldSchema{"name": nameField},
		Operations: map[logical.Operation]framework.OperationFunc{
			logical.ReadOperation: b.backupRead,
		},
		HelpSynopsis: "Back up a named key in plaintext (only keys that are exportable and allow plaintext backup).",
	}
}

func (b *Backend) restorePath() *framework.Path {
	return &framework.Path{
		Pattern: "restore" + `(/` + framework.GenericNameRegex("name") + `)?`,
		Fields: map[string]*framework.FieldSchema{
			"name":   {Type: framework.TypeString},
			"backup": {Type: framework.TypeString, Required: true},
			"force":  {Type: framework.TypeBool},
		},
		Operations: map[logical.Operation]framework.OperationFunc{
			logical.UpdateOperation: b.restoreWrite,
		},
		HelpSynopsis: "Restore a key from a backup, under its own name or the one in the path.",
	}
}

func (b *Backend) backupRead(ctx context.Context, _ *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	r, err := b.keys.get(ctx, d.String("name"))
	if err != nil || r == nil {
		return nil, err
	}
	if !r.exportable {
		return nil, badRequest(ErrBadInput, "%s: a backup needs exportable=true", msgNotExportable)
	}
	if !r.backupOK {
		return nil, badRequest(ErrBadInput, "plaintext backup is not allowed for this key")
	}
	doc, err := json.Marshal(backupDoc{Policy: r.toStored(), Info: backupInfo{Time: b.now().UTC(), Version: r.latest}})
	if err != nil {
		return nil, err
	}
	return &logical.Response{Data: map[string]any{"backup": base64.StdEncoding.EncodeToString(doc)}}, nil
}

// validName matches the names GenericNameRegex accepts in paths.
var validName = regexp.MustCompile(`^` + framework.GenericNameRegex("name") + `$`)

// parseBackup decodes and checks a backup; the key is restored under name
// when it is set, else under the name it was backed up with.
func parseBackup(text, name string) (*keyRing, error) {
	raw, err := base64.StdEncoding.DecodeString(text)
	if err != nil {
		return nil, badRequest(ErrBadInput, "invalid backup: not base64")
	}
	var doc backupDoc
	if err := json.Unmarshal(raw, &doc); err != nil || doc.Policy == nil {
		return nil, badRequest(ErrBadInput, "invalid backup: not a key backup")
	}
	if name != "" {
		doc.Policy.Name = name
	}
	if !validName.MatchString(doc.Policy.Name) {
		return nil, badRequest(ErrBadInput, "invalid backup: bad key name")
	}
	if !doc.Policy.AllowPlaintextBackup || !doc.Policy.Exportable {
		return nil, badRequest(ErrBadInput, "invalid backup: the key does not allow plaintext backup")
	}
	r, err := doc.Policy.toRing()
	if err != nil {
		return nil, badRequest(ErrBadInput, "invalid backup: %v", err)
	}
	return r, nil
}

func (b *Backend) restoreWrite(ctx context.Context, _ *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	r, err := parseBackup(d.String("backup"), d.String("name"))
	if err != nil {
		return nil, err
	}
	force := d.Bool("force")
	_, err = b.keys.update(ctx, r.name, func(cur *keyRing) (*keyRing, error) {
		if cur != nil && !force {
			return nil, badRequest(ErrBadInput, "key %q already exists; delete it first or restore with force=true", r.name)
		}
		return r, nil
	})
	return nil, err
}
