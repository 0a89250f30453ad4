package unseal

import (
	"context"
	"crypto/subtle"
	"encoding/base64"
	"math/big"

	"crypto/rand"

	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/seal"
)

// OTPLength is the length of a generate-root one-time password: the length
// of a root token ("hvs." and 24 characters).
const OTPLength = 28

type genRootState struct {
	progress
	otp string
}

// GenRootStatus is what sys/generate-root/attempt reports.
type GenRootStatus struct {
	Started      bool
	Nonce        string
	Progress     int
	Required     int
	Complete     bool
	EncodedToken string
	// OTP is returned only by GenRootInit when the server generated it.
	OTP       string
	OTPLength int
}

const base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

func (m *Manager) genOTP() (string, error) {
	out := make([]byte, OTPLength)
	max := big.NewInt(int64(len(base62)))
	for i := range out {
		v, err := rand.Int(m.cfg.Rand, max)
		if err != nil {
			return "", err
		}
		out[i] = base62[v.Int64()]
	}
	return string(out), nil
}

func (m *Manager) required(rec *record) int {
	if rec.Config.Type == seal.TypeShamir {
		return rec.Config.SecretThreshold
	}
	return rec.Config.RecoveryThreshold
}

// GenRootInit starts a root-token generation. With an empty otp the server
// generates one and returns it once.
func (m *Manager) GenRootInit(ctx context.Context, otp string) (GenRootStatus, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	rec, err := m.genRootPreconditions(ctx)
	if err != nil {
		return GenRootStatus{}, err
	}
	if m.genRoot != nil {
		return GenRootStatus{}, logical.Errorf(logical.ErrInvalidRequest, "root generation already in progress")
	}
	generated := ""
	if otp == "" {
		if otp, err = m.genOTP(); err != nil {
			return GenRootStatus{}, err
		}
		generated = otp
	} else if len(otp) != OTPLength {
		return GenRootStatus{}, logical.Errorf(logical.ErrInvalidRequest, "OTP string is wrong length: it must be %d characters", OTPLength)
	}
	n, err := m.nonce()
	if err != nil {
		return GenRootStatus{}, err
	}
	m.genRoot = &genRootState{progress: progress{nonce: n}, otp: otp}
	st := m.genRootStatusLocked(rec)
	st.OTP = generated
	return st, nil
}

func (m *Manager) genRootPreconditions(ctx context.Context) (*record, error) {
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
	return rec, nil
}

// GenRootStatus reports the generation in progress.
func (m *Manager) GenRootStatus(ctx context.Context) (GenRootStatus, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	rec, err := readRecord(ctx, m.cfg.Physical)
	if err != nil {
		return GenRootStatus{}, err
	}
	if rec == nil {
		return GenRootStatus{OTPLength: OTPLength}, nil
	}
	return m.genRootStatusLocked(rec), nil
}

func (m *Manager) genRootStatusLocked(rec *record) GenRootStatus {
	st := GenRootStatus{Required: m.required(rec), OTPLength: OTPLength}
	if m.genRoot != nil {
		st.Started, st.Nonce, st.Progress = true, m.genRoot.nonce, len(m.genRoot.keys)
	}
	return st
}

// GenRootCancel abandons the generation in progress.
func (m *Manager) GenRootCancel() {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.genRoot != nil {
		m.genRoot.wipe()
		m.genRoot = nil
	}
}

// GenRootUpdate adds a share of the unseal key (Shamir) or of the recovery
// key (auto seals). At the threshold it verifies them, mints a root token
// and returns it XORed with the OTP and base64-encoded.
func (m *Manager) GenRootUpdate(ctx context.Context, key []byte, nonce string) (GenRootStatus, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	rec, err := m.genRootPreconditions(ctx)
	if err != nil {
		return GenRootStatus{}, err
	}
	var p *progress
	if m.genRoot != nil {
		p = &m.genRoot.progress
	}
	if err := submit(p, "root generation", nonce, key); err != nil {
		return GenRootStatus{}, err
	}
	if len(m.genRoot.keys) < m.required(rec) {
		return m.genRootStatusLocked(rec), nil
	}
	st := *m.genRoot
	m.genRoot = nil
	defer st.wipe()
	if err := m.verifyKeys(ctx, rec, st.keys); err != nil {
		return GenRootStatus{}, err
	}
	token, err := m.cfg.Hooks.CreateRootToken(ctx, "")
	if err != nil {
		return GenRootStatus{}, err
	}
	if len(token) != len(st.otp) {
		return GenRootStatus{}, logical.Errorf(logical.ErrInternal, "root token and OTP lengths differ")
	}
	x := make([]byte, len(token))
	for i := range x {
		x[i] = token[i] ^ st.otp[i]
	}
	m.cfg.Logger.Info("root token generated")
	return GenRootStatus{Complete: true, Nonce: st.nonce, Progress: len(st.keys), Required: m.required(rec),
		EncodedToken: base64.RawStdEncoding.EncodeToString(x), OTPLength: OTPLength}, nil
}

// verifyKeys checks that shares reconstruct the unseal or recovery key.
func (m *Manager) verifyKeys(ctx context.Context, rec *record, keys [][]byte) error {
	combined, err := combineKey(keys, m.required(rec))
	if err != nil {
		return err
	}
	defer clear(combined)
	if rec.Config.Type == seal.TypeShamir {
		rk, err := unwrapWith(ctx, combined, rec.RootKey)
		clear(rk)
		return err
	}
	want, err := m.cfg.AutoSeal.Decrypt(ctx, rec.RecoveryKey, aadRecoveryKey)
	if err != nil {
		return err
	}
	defer clear(want)
	if subtle.ConstantTimeCompare(want, combined) != 1 {
		return &logical.Error{Kind: logical.ErrInvalidRequest, Msg: "the recovery key shares are not valid", Err: ErrBadShares}
	}
	return nil
}
