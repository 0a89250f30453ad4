package unseal

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/cofre-io/cofre/server/storage"
)

// stateKey is the physical key of the seal record; the barrier reserves the
// core/seal/ prefix for it.
const stateKey = "core/seal/state"

// aad binds wrapped keys to their purpose.
var (
	aadRootKey     = []byte("cofre/root-key")
	aadRecoveryKey = []byte("cofre/recovery-key")
)

// SealConfig is the public part of the seal record.
type SealConfig struct {
	Type            string `json:"type"`
	SecretShares    int    `json:"secret_shares"`
	SecretThreshold int    `json:"secret_threshold"`
	// RecoveryShares/Threshold are used with auto seals: shares of a
	// recovery key that authorise rekey and generate-root.
	RecoveryShares    int `json:"recovery_shares,omitempty"`
	RecoveryThreshold int `json:"recovery_threshold,omitempty"`
}

// record is what is stored at stateKey.
type record struct {
	Config SealConfig `json:"config"`
	// RootKey is the barrier's root key wrapped by the unseal key (Shamir)
	// or by the auto seal's wrapper.
	RootKey []byte `json:"root_key"`
	// RecoveryKey is the recovery key wrapped by the auto seal (auto seals only).
	RecoveryKey []byte `json:"recovery_key,omitempty"`
}

func readRecord(ctx context.Context, phys storage.Backend) (*record, error) {
	e, err := phys.Get(ctx, stateKey)
	if err != nil {
		return nil, fmt.Errorf("read seal record: %w", err)
	}
	if e == nil {
		return nil, nil
	}
	var r record
	if err := json.Unmarshal(e.Value, &r); err != nil {
		return nil, fmt.Errorf("decode seal record: %w", err)
	}
	return &r, nil
}

func writeRecord(ctx context.Context, phys storage.Backend, r *record) error {
	buf, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("encode seal record: %w", err)
	}
	if err := phys.Put(ctx, &storage.Entry{Key: stateKey, Value: buf}); err != nil {
		return fmt.Errorf("write seal record: %w", err)
	}
	return nil
}
