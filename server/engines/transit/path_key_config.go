package transit

import (
	"context"
	"time"

	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/logical/framework"
)

func (b *Backend) keyConfigPath() *framework.Path {
	return &framework.Path{
		Pattern: "keys/" + framework.GenericNameRegex("name") + "/config",
		Fields: map[string]*framework.FieldSchema{
			"name":                   nameField,
			"min_decryption_version": {Type: framework.TypeInt},
			"min_encryption_version": {Type: framework.TypeInt},
			"deletion_allowed":       {Type: framework.TypeBool},
			"exportable":             {Type: framework.TypeBool},
			"allow_plaintext_backup": {Type: framework.TypeBool},
			"auto_rotate_period":     {Type: framework.TypeDurationSecond},
		},
		Operations: map[logical.Operation]framework.OperationFunc{
			logical.UpdateOperation: b.keyConfigWrite,
		},
		HelpSynopsis: "Tune a named key: version windows, deletion, export, backup and auto-rotation.",
	}
}

func (b *Backend) keyConfigWrite(ctx context.Context, _ *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	var warnings []string
	r, err := b.keys.update(ctx, d.String("name"), func(cur *keyRing) (*keyRing, error) {
		if cur == nil {
			return nil, badRequest(ErrKeyNotFound, msgKeyNotFound)
		}
		next := cur.clone()
		w, err := applyKeyConfig(next, d)
		warnings = w
		if err != nil {
			return nil, err
		}
		return next, nil
	})
	if err != nil {
		return nil, err
	}
	return &logical.Response{Data: keyData(r), Warnings: warnings}, nil
}

// applyKeyConfig changes r (an unpublished clone) as d asks, checking each
// setting against the others as Vault does.
func applyKeyConfig(r *keyRing, d *framework.FieldData) ([]string, error) {
	var warnings []string
	if v, ok := d.GetOk("min_decryption_version"); ok {
		n := v.(int)
		switch {
		case n < 0:
			return nil, badRequest(ErrBadInput, "min_decryption_version cannot be negative")
		case n == 0:
			n = 1
			warnings = append(warnings, "key versions start at 1; min_decryption_version set to 1")
		}
		if n > r.latest {
			return nil, badRequest(ErrBadInput, "cannot set min_decryption_version to %d: the latest key version is %d", n, r.latest)
		}
		if n < r.minAvailable {
			return nil, badRequest(ErrBadInput, "min_decryption_version %d is below min_available_version %d (older versions were trimmed)", n, r.minAvailable)
		}
		r.minDecrypt = n
	}
	if v, ok := d.GetOk("min_encryption_version"); ok {
		n := v.(int)
		switch {
		case n < 0:
			return nil, badRequest(ErrBadInput, "min_encryption_version cannot be negative")
		case n > r.latest:
			return nil, badRequest(ErrBadInput, "cannot set min_encryption_version to %d: the latest key version is %d", n, r.latest)
		}
		r.minEncrypt = n
	}
	if r.minEncrypt > 0 && r.minEncrypt < r.minDecrypt {
		return nil, badRequest(ErrBadInput, "min_encryption_version (%d) must not be below min_decryption_version (%d)", r.minEncrypt, r.minDecrypt)
	}
	if v, ok := d.GetOk("deletion_allowed"); ok {
		r.deletable = v.(bool)
	}
	if v, ok := d.GetOk("exportable"); ok {
		if r.exportable && !v.(bool) {
			return nil, badRequest(ErrBadInput, "an exportable key cannot be made non-exportable")
		}
		r.exportable = v.(bool)
	}
	if v, ok := d.GetOk("allow_plaintext_backup"); ok {
		if r.backupOK && !v.(bool) {
			return nil, badRequest(ErrBadInput, "plaintext backup cannot be disabled once allowed")
		}
		r.backupOK = v.(bool)
	}
	if v, ok := d.GetOk("auto_rotate_period"); ok {
		p := v.(time.Duration)
		if p != 0 && p < minAutoRotatePeriod {
			return nil, badRequest(ErrBadInput, "auto_rotate_period must be 0 to disable auto-rotation, or at least an hour")
		}
		r.autoRotate = p
	}
	return warnings, nil
}
