package unseal

import (
	"context"
	"fmt"

	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/seal"
)

// InitRequest is sys/init's input.
type InitRequest struct {
	SecretShares      int
	SecretThreshold   int
	RecoveryShares    int
	RecoveryThreshold int
	// RootTokenValue, when set, is the initial root token's value (dev mode).
	RootTokenValue string
}

// InitResult is sys/init's output. Keys are returned once and never stored.
type InitResult struct {
	Keys         [][]byte
	RecoveryKeys [][]byte
	RootToken    string
}

// Init initialises the server: a new root key and keyring, the unseal key
// split into shares (or the root key wrapped by the auto seal), and a root
// token. A Shamir-sealed server is sealed when Init returns; an auto-sealed
// one is unsealed.
func (m *Manager) Init(ctx context.Context, req InitRequest) (*InitResult, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	rec, err := readRecord(ctx, m.cfg.Physical)
	if err != nil {
		return nil, err
	}
	if rec != nil {
		return nil, logical.Errorf(logical.ErrInvalidRequest, "Vault is already initialized")
	}
	auto := m.cfg.AutoSeal != nil
	if auto {
		if req.RecoveryShares == 0 && req.RecoveryThreshold == 0 {
			req.RecoveryShares, req.RecoveryThreshold = 1, 1
		}
		if err := validateShares("recovery", req.RecoveryShares, req.RecoveryThreshold); err != nil {
			return nil, err
		}
	} else if err := validateShares("secret", req.SecretShares, req.SecretThreshold); err != nil {
		return nil, err
	}

	rootKey, err := m.random(32)
	if err != nil {
		return nil, err
	}
	defer clear(rootKey)
	if err := m.cfg.Barrier.Initialize(ctx, rootKey); err != nil {
		return nil, fmt.Errorf("init barrier: %w", err)
	}

	res := &InitResult{}
	newRec := &record{}
	if auto {
		newRec.Config = SealConfig{Type: m.cfg.AutoSeal.Type(), RecoveryShares: req.RecoveryShares, RecoveryThreshold: req.RecoveryThreshold}
		if newRec.RootKey, err = m.cfg.AutoSeal.Encrypt(ctx, rootKey, aadRootKey); err != nil {
			return nil, fmt.Errorf("wrap root key: %w", err)
		}
		recKey, err := m.random(32)
		if err != nil {
			return nil, err
		}
		if newRec.RecoveryKey, err = m.cfg.AutoSeal.Encrypt(ctx, recKey, aadRecoveryKey); err != nil {
			return nil, fmt.Errorf("wrap recovery key: %w", err)
		}
		if res.RecoveryKeys, err = splitKey(recKey, req.RecoveryShares, req.RecoveryThreshold); err != nil {
			return nil, err
		}
		clear(recKey)
	} else {
		newRec.Config = SealConfig{Type: seal.TypeShamir, SecretShares: req.SecretShares, SecretThreshold: req.SecretThreshold}
		unsealKey, err := m.random(32)
		if err != nil {
			return nil, err
		}
		if newRec.RootKey, err = wrapWith(ctx, unsealKey, rootKey); err != nil {
			return nil, err
		}
		if res.Keys, err = splitKey(unsealKey, req.SecretShares, req.SecretThreshold); err != nil {
			return nil, err
		}
		clear(unsealKey)
	}
	if err := writeRecord(ctx, m.cfg.Physical, newRec); err != nil {
		return nil, err
	}

	if err := m.unsealWith(ctx, rootKey); err != nil {
		return nil, err
	}
	if m.cfg.Hooks.CreateRootToken != nil {
		if res.RootToken, err = m.cfg.Hooks.CreateRootToken(ctx, req.RootTokenValue); err != nil {
			m.sealLocked(ctx)
			return nil, fmt.Errorf("create root token: %w", err)
		}
	}
	if !auto {
		m.sealLocked(ctx)
	}
	return res, nil
}

// wrapWith encrypts rootKey under a 32-byte unseal key.
func wrapWith(ctx context.Context, unsealKey, rootKey []byte) ([]byte, error) {
	w, err := seal.NewAESGCM(seal.TypeShamir, unsealKey)
	if err != nil {
		return nil, fmt.Errorf("unseal key: %w", err)
	}
	blob, err := w.Encrypt(ctx, rootKey, aadRootKey)
	if err != nil {
		return nil, fmt.Errorf("wrap root key: %w", err)
	}
	return blob, nil
}

// unwrapWith decrypts the root key with a reconstructed unseal key.
func unwrapWith(ctx context.Context, unsealKey, blob []byte) ([]byte, error) {
	w, err := seal.NewAESGCM(seal.TypeShamir, unsealKey)
	if err != nil {
		return nil, logical.Errorf(logical.ErrInvalidRequest, "unseal key has the wrong length")
	}
	rootKey, err := w.Decrypt(ctx, blob, aadRootKey)
	if err != nil {
		return nil, &logical.Error{Kind: logical.ErrInvalidRequest, Msg: "unseal failed: the key shares do not reconstruct the unseal key (wrong share, or a share from another initialization)", Err: ErrBadShares}
	}
	return rootKey, nil
}

// unsealWith unseals the barrier and runs PostUnseal; m.mu is held.
func (m *Manager) unsealWith(ctx context.Context, rootKey []byte) error {
	if err := m.cfg.Barrier.Unseal(ctx, rootKey); err != nil {
		return fmt.Errorf("unseal barrier: %w", err)
	}
	if m.cfg.Hooks.PostUnseal != nil {
		if err := m.cfg.Hooks.PostUnseal(ctx); err != nil {
			m.sealLocked(ctx)
			return fmt.Errorf("post-unseal setup: %w", err)
		}
	}
	return nil
}
