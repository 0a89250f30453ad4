package unseal

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"

	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/seal"
)

// ErrMigrationPending is wrapped when the stored root key is wrapped by a
// seal other than the configured one: the server stays sealed until an
// operator unseals with migrate=true.
var ErrMigrationPending = errors.New("seal migration is pending")

// Seal migration moves the root key from the seal that wrapped it (the
// stored record's type) to the configured seal, without touching the data
// behind the barrier:
//
//   - Shamir to an auto seal: configure the auto seal (its block enabled).
//     Unseal with the unseal key shares and migrate=true. The unseal key
//     becomes the recovery key: the same shares and threshold now serve as
//     recovery shares.
//   - An auto seal to Shamir: keep the auto seal's block with
//     disabled = true and no enabled block. Unseal with the recovery key
//     shares and migrate=true. The recovery key becomes the unseal key: the
//     same shares and threshold now unseal.
//   - One auto seal to another of a different type: the old block disabled,
//     the new one enabled; recovery shares and migrate=true. The recovery
//     key and its shares stay.
//
// The disabled block's wrapper reaches the Manager through
// SetMigrationSource. The new record is written with one Put, so a crash
// leaves the old or the new seal in force, never neither. Migrating between
// two seals of the same type (a new transit key) is not supported.

// SetMigrationSource sets the wrapper of the seal being migrated away from
// (a disabled seal block), or nil. It takes effect at the next migration
// check; the caller sets it before the server takes requests.
func (m *Manager) SetMigrationSource(w seal.Wrapper) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.migrateFrom = w
}

// migration is a pending move from one seal to the configured one.
type migration struct {
	from, to string
	// fromWrapper unwraps the root and recovery keys of an auto seal.
	fromWrapper seal.Wrapper
}

// pendingMigration returns the migration rec needs, nil when its seal is
// the configured one, or an error when its seal is an auto seal that is not
// configured at all.
func (m *Manager) pendingMigration(rec *record) (*migration, error) {
	to := m.SealType()
	from := rec.Config.Type
	switch {
	case from == to:
		return nil, nil
	case from == seal.TypeShamir:
		return &migration{from: from, to: to}, nil
	case m.migrateFrom == nil || m.migrateFrom.Type() != from:
		return nil, fmt.Errorf("%w: the root key is wrapped by the %s seal, which is not configured; to migrate away from it, keep its seal block with disabled = true", ErrMigrationPending, from)
	}
	return &migration{from: from, to: to, fromWrapper: m.migrateFrom}, nil
}

// pendingMessage is what an ordinary unseal or an auto-unseal answers
// while a migration waits.
func pendingMessage(mig *migration) error {
	what := "unseal key shares"
	if mig.from != seal.TypeShamir {
		what = "recovery key shares"
	}
	return &logical.Error{Kind: logical.ErrInvalidRequest, Err: ErrMigrationPending,
		Msg: fmt.Sprintf("seal migration from %s to %s is pending: unseal with migrate=true (cofre operator unseal -migrate) and the %s", mig.from, mig.to, what)}
}

// MigrateResult is the outcome of one MigrateUnseal call.
type MigrateResult struct {
	Status Status
	// Migrated is set once the threshold was reached and the new seal
	// record written; the server is still sealed.
	Migrated bool
	// ToShamir says how to finish: Unseal with the last share given
	// (ToShamir; the other shares are kept as unseal progress), or
	// AutoUnseal.
	ToShamir bool
}

// MigrateUnseal adds one share to a seal migration (sys/unseal with
// migrate=true): a share of the unseal key when the stored seal is Shamir,
// of the recovery key otherwise. At the threshold it checks the shares,
// rewraps the root key for the configured seal and writes the new record,
// but does not unseal: the caller finishes with Unseal or AutoUnseal (see
// MigrateResult) under the same locks as an ordinary unseal. Wrong shares
// end the attempt with an error wrapping ErrBadShares.
func (m *Manager) MigrateUnseal(ctx context.Context, key []byte) (MigrateResult, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	rec, err := readRecord(ctx, m.cfg.Physical)
	if err != nil {
		return MigrateResult{}, err
	}
	if rec == nil {
		return MigrateResult{}, logical.Errorf(logical.ErrInvalidRequest, "Vault is not initialized")
	}
	if !m.cfg.Barrier.Sealed() {
		return MigrateResult{}, logical.Errorf(logical.ErrInvalidRequest, "the server is unsealed; a seal migration happens while unsealing after a restart with the new seal configuration")
	}
	mig, err := m.pendingMigration(rec)
	if err != nil {
		return MigrateResult{}, &logical.Error{Kind: logical.ErrInvalidRequest, Msg: err.Error(), Err: err}
	}
	if mig == nil {
		return MigrateResult{}, logical.Errorf(logical.ErrInvalidRequest, "no seal migration is pending: the root key is already wrapped by the configured %s seal", rec.Config.Type)
	}
	if m.unseal == nil {
		n, err := m.nonce()
		if err != nil {
			return MigrateResult{}, err
		}
		m.unseal = &progress{nonce: n}
	}
	m.unseal.add(key)
	threshold := m.required(rec)
	if len(m.unseal.keys) < threshold {
		st, err := m.statusLocked(ctx)
		return MigrateResult{Status: st}, err
	}
	shares := m.unseal
	m.unseal = nil
	keep := false
	defer func() {
		if !keep {
			shares.wipe()
		}
	}()
	secret, err := combineKey(shares.keys, threshold)
	if err != nil {
		return MigrateResult{}, err
	}
	defer clear(secret)
	rootKey, err := m.migrationRootKey(ctx, rec, mig, secret)
	if err != nil {
		return MigrateResult{}, err
	}
	defer clear(rootKey)
	newRec, err := m.migratedRecord(ctx, rec, mig, rootKey, secret)
	if err != nil {
		return MigrateResult{}, err
	}
	if err := writeRecord(ctx, m.cfg.Physical, newRec); err != nil {
		return MigrateResult{}, err
	}
	m.cfg.Logger.Info("seal migrated", "from", mig.from, "to", mig.to)
	res := MigrateResult{Migrated: true, ToShamir: mig.to == seal.TypeShamir}
	if res.ToShamir {
		// The recovery shares are now the unseal shares: keep them as
		// unseal progress for the caller's Unseal.
		keep = true
		m.unseal = shares
	}
	res.Status, err = m.statusLocked(ctx)
	return res, err
}

// migrationRootKey checks the combined secret against the stored seal and
// returns the root key.
func (m *Manager) migrationRootKey(ctx context.Context, rec *record, mig *migration, secret []byte) ([]byte, error) {
	if mig.from == seal.TypeShamir {
		return unwrapWith(ctx, secret, rec.RootKey)
	}
	want, err := mig.fromWrapper.Decrypt(ctx, rec.RecoveryKey, aadRecoveryKey)
	if err != nil {
		return nil, fmt.Errorf("seal migration: unwrap the recovery key with the %s seal: %w", mig.from, err)
	}
	defer clear(want)
	if subtle.ConstantTimeCompare(want, secret) != 1 {
		return nil, &logical.Error{Kind: logical.ErrInvalidRequest, Msg: "the recovery key shares are not valid", Err: ErrBadShares}
	}
	rootKey, err := mig.fromWrapper.Decrypt(ctx, rec.RootKey, aadRootKey)
	if err != nil {
		return nil, fmt.Errorf("seal migration: unwrap the root key with the %s seal: %w", mig.from, err)
	}
	return rootKey, nil
}

// migratedRecord wraps rootKey for the configured seal. secret (the old
// unseal key, or the recovery key) becomes the recovery key of an auto
// seal or the unseal key of a Shamir seal, with the same shares.
func (m *Manager) migratedRecord(ctx context.Context, rec *record, mig *migration, rootKey, secret []byte) (*record, error) {
	shares, threshold := rec.Config.RecoveryShares, rec.Config.RecoveryThreshold
	if mig.from == seal.TypeShamir {
		shares, threshold = rec.Config.SecretShares, rec.Config.SecretThreshold
	}
	if mig.to == seal.TypeShamir {
		wrapped, err := wrapWith(ctx, secret, rootKey)
		if err != nil {
			return nil, err
		}
		return &record{Config: SealConfig{Type: seal.TypeShamir, SecretShares: shares, SecretThreshold: threshold}, RootKey: wrapped}, nil
	}
	out := &record{Config: SealConfig{Type: mig.to, RecoveryShares: shares, RecoveryThreshold: threshold}}
	var err error
	if out.RootKey, err = m.cfg.AutoSeal.Encrypt(ctx, rootKey, aadRootKey); err != nil {
		return nil, fmt.Errorf("seal migration: wrap the root key with the %s seal: %w", mig.to, err)
	}
	if out.RecoveryKey, err = m.cfg.AutoSeal.Encrypt(ctx, secret, aadRecoveryKey); err != nil {
		return nil, fmt.Errorf("seal migration: wrap the recovery key with the %s seal: %w", mig.to, err)
	}
	return out, nil
}
