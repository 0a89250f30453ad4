package unseal

import (
	"context"
	"fmt"

	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/seal"
)

// Unseal adds one key share. When the threshold is reached the shares are
// combined and the barrier unsealed; wrong shares reset the progress and
// return an error wrapping ErrBadShares. Submitting the same share twice
// does not advance progress.
func (m *Manager) Unseal(ctx context.Context, key []byte) (Status, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	rec, err := readRecord(ctx, m.cfg.Physical)
	if err != nil {
		return Status{}, err
	}
	if rec == nil {
		return Status{}, logical.Errorf(logical.ErrInvalidRequest, "Vault is not initialized")
	}
	if !m.cfg.Barrier.Sealed() {
		return m.statusLocked(ctx)
	}
	if mig, err := m.pendingMigration(rec); err != nil {
		return Status{}, &logical.Error{Kind: logical.ErrInvalidRequest, Msg: err.Error(), Err: err}
	} else if mig != nil {
		return Status{}, pendingMessage(mig)
	}
	if rec.Config.Type != seal.TypeShamir {
		return Status{}, logical.Errorf(logical.ErrInvalidRequest, "this server uses the %s seal and unseals itself; unseal keys are not accepted", rec.Config.Type)
	}
	if m.unseal == nil {
		n, err := m.nonce()
		if err != nil {
			return Status{}, err
		}
		m.unseal = &progress{nonce: n}
	}
	m.unseal.add(key)
	if len(m.unseal.keys) < rec.Config.SecretThreshold {
		return m.statusLocked(ctx)
	}
	keys := m.unseal.keys
	m.unseal.keys = nil
	m.unseal = nil
	defer func() {
		for _, k := range keys {
			clear(k)
		}
	}()
	unsealKey, err := combineKey(keys, rec.Config.SecretThreshold)
	if err != nil {
		return Status{}, err
	}
	defer clear(unsealKey)
	rootKey, err := unwrapWith(ctx, unsealKey, rec.RootKey)
	if err != nil {
		return Status{}, err
	}
	defer clear(rootKey)
	if err := m.unsealWith(ctx, rootKey); err != nil {
		return Status{}, err
	}
	m.cfg.Logger.Info("unsealed")
	return m.statusLocked(ctx)
}

// ResetUnseal discards the shares given so far.
func (m *Manager) ResetUnseal() {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.unseal != nil {
		m.unseal.wipe()
		m.unseal = nil
	}
}

// AutoUnseal unseals an initialised server whose seal is an auto seal. It
// does nothing for Shamir seals or when already unsealed.
func (m *Manager) AutoUnseal(ctx context.Context) error {
	rootKey, err := m.AutoUnsealKey(ctx)
	if err != nil || rootKey == nil {
		return err
	}
	defer clear(rootKey)
	return m.UnsealWithRootKey(ctx, rootKey)
}

// AutoUnsealKey asks the auto seal for the root key. It takes no lock, so a
// slow or unreachable key keeper (a transit server) blocks nobody; it
// returns nil, nil when there is nothing to unseal.
func (m *Manager) AutoUnsealKey(ctx context.Context) ([]byte, error) {
	if m.cfg.AutoSeal == nil || !m.cfg.Barrier.Sealed() {
		return nil, nil
	}
	rec, err := readRecord(ctx, m.cfg.Physical)
	if err != nil || rec == nil {
		return nil, err
	}
	m.mu.Lock()
	mig, err := m.pendingMigration(rec)
	m.mu.Unlock()
	if err != nil {
		return nil, err
	} else if mig != nil {
		return nil, pendingMessage(mig)
	}
	rootKey, err := m.cfg.AutoSeal.Decrypt(ctx, rec.RootKey, aadRootKey)
	if err != nil {
		return nil, fmt.Errorf("auto-unseal with the %s seal: unwrap the root key: %w", rec.Config.Type, err)
	}
	return rootKey, nil
}

// UnsealWithRootKey unseals with a root key from AutoUnsealKey; it does
// nothing when already unsealed.
func (m *Manager) UnsealWithRootKey(ctx context.Context, rootKey []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.cfg.Barrier.Sealed() {
		return nil
	}
	if err := m.unsealWith(ctx, rootKey); err != nil {
		return err
	}
	m.cfg.Logger.Info("unsealed with the auto seal", "type", m.SealType())
	return nil
}

// Seal seals the barrier, running PreSeal first. Ceremonies in progress are
// cancelled.
func (m *Manager) Seal(ctx context.Context) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sealLocked(ctx)
}

func (m *Manager) sealLocked(ctx context.Context) {
	if m.cfg.Barrier.Sealed() {
		return
	}
	if m.cfg.Hooks.PreSeal != nil {
		m.cfg.Hooks.PreSeal(ctx)
	}
	m.cfg.Barrier.Seal()
	if m.genRoot != nil {
		m.genRoot.wipe()
		m.genRoot = nil
	}
	m.cfg.Logger.Info("sealed")
}
