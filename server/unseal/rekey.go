package unseal

import (
	"context"

	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/seal"
)

type rekeyState struct {
	progress
	shares, threshold int
}

// RekeyStatus is what sys/rekey/init reports.
type RekeyStatus struct {
	Started  bool
	Nonce    string
	T, N     int // the new threshold and shares
	Progress int
	Required int // shares of the current key needed
	Complete bool
	Keys     [][]byte // the new shares, only when Complete
	SealType string
}

// RekeyInit starts a rekey to shares/threshold; it fails if one is running.
func (m *Manager) RekeyInit(ctx context.Context, shares, threshold int) (RekeyStatus, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	rec, err := m.rekeyPreconditions(ctx)
	if err != nil {
		return RekeyStatus{}, err
	}
	if m.rekey != nil {
		return RekeyStatus{}, logical.Errorf(logical.ErrInvalidRequest, "rekey already in progress")
	}
	if err := validateShares("secret", shares, threshold); err != nil {
		return RekeyStatus{}, err
	}
	n, err := m.nonce()
	if err != nil {
		return RekeyStatus{}, err
	}
	m.rekey = &rekeyState{progress: progress{nonce: n}, shares: shares, threshold: threshold}
	return m.rekeyStatusLocked(rec), nil
}

func (m *Manager) rekeyPreconditions(ctx context.Context) (*record, error) {
	rec, err := readRecord(ctx, m.cfg.Physical)
	if err != nil {
		return nil, err
	}
	if rec == nil {
		return nil, logical.Errorf(logical.ErrInvalidRequest, "Vault is not initialized")
	}
	if m.cfg.Barrier.Sealed() {
		return nil, logical.ErrSealed
	}
	if rec.Config.Type != seal.TypeShamir {
		return nil, logical.Errorf(logical.ErrInvalidRequest, "rekey of the unseal key applies only to the shamir seal; this server uses the %s seal", rec.Config.Type)
	}
	return rec, nil
}

// RekeyStatus reports the rekey in progress.
func (m *Manager) RekeyStatus(ctx context.Context) (RekeyStatus, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	rec, err := readRecord(ctx, m.cfg.Physical)
	if err != nil {
		return RekeyStatus{}, err
	}
	return m.rekeyStatusLocked(rec), nil
}

func (m *Manager) rekeyStatusLocked(rec *record) RekeyStatus {
	st := RekeyStatus{SealType: m.SealType()}
	if rec != nil {
		st.Required = rec.Config.SecretThreshold
	}
	if m.rekey != nil {
		st.Started, st.Nonce, st.T, st.N, st.Progress = true, m.rekey.nonce, m.rekey.threshold, m.rekey.shares, len(m.rekey.keys)
	}
	return st
}

// RekeyCancel abandons the rekey in progress.
func (m *Manager) RekeyCancel() {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.rekey != nil {
		m.rekey.wipe()
		m.rekey = nil
	}
}

// RekeyUpdate adds a share of the current unseal key. At the threshold it
// verifies the shares, makes a new unseal key, splits it and rewraps the
// root key; stored data is not re-encrypted. Wrong shares end the rekey.
func (m *Manager) RekeyUpdate(ctx context.Context, key []byte, nonce string) (RekeyStatus, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	rec, err := m.rekeyPreconditions(ctx)
	if err != nil {
		return RekeyStatus{}, err
	}
	var p *progress
	if m.rekey != nil {
		p = &m.rekey.progress
	}
	if err := submit(p, "rekey", nonce, key); err != nil {
		return RekeyStatus{}, err
	}
	if len(m.rekey.keys) < rec.Config.SecretThreshold {
		return m.rekeyStatusLocked(rec), nil
	}
	st := *m.rekey
	m.rekey = nil
	defer st.wipe()
	unsealKey, err := combineKey(st.keys, rec.Config.SecretThreshold)
	if err != nil {
		return RekeyStatus{}, err
	}
	defer clear(unsealKey)
	rootKey, err := unwrapWith(ctx, unsealKey, rec.RootKey)
	if err != nil {
		return RekeyStatus{}, err
	}
	defer clear(rootKey)
	newKey, err := m.random(32)
	if err != nil {
		return RekeyStatus{}, err
	}
	defer clear(newKey)
	shares, err := splitKey(newKey, st.shares, st.threshold)
	if err != nil {
		return RekeyStatus{}, err
	}
	wrapped, err := wrapWith(ctx, newKey, rootKey)
	if err != nil {
		return RekeyStatus{}, err
	}
	newRec := &record{
		Config:  SealConfig{Type: seal.TypeShamir, SecretShares: st.shares, SecretThreshold: st.threshold},
		RootKey: wrapped,
	}
	if err := writeRecord(ctx, m.cfg.Physical, newRec); err != nil {
		return RekeyStatus{}, err
	}
	m.cfg.Logger.Info("rekeyed", "shares", st.shares, "threshold", st.threshold)
	return RekeyStatus{Complete: true, Nonce: st.nonce, T: st.threshold, N: st.shares, Keys: shares, SealType: seal.TypeShamir}, nil
}
