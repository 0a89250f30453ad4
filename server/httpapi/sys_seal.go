package httpapi

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/logical/framework"
	"github.com/cofre-io/cofre/server/unseal"
)

func (h *handler) sysInit(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet:
		ok, err := h.cfg.Core.Initialized(r.Context())
		if err != nil {
			respondError(w, err)
			return
		}
		respondJSON(w, http.StatusOK, map[string]any{"initialized": ok})
	case http.MethodPut, http.MethodPost:
		body, ok := h.body(w, r)
		if !ok {
			return
		}
		req, err := initRequest(body)
		if err != nil {
			respondError(w, err)
			return
		}
		res, err := h.cfg.Core.Init(r.Context(), req)
		if err != nil {
			respondError(w, err)
			return
		}
		out := map[string]any{
			"keys":        hexAll(res.Keys),
			"keys_base64": b64All(res.Keys),
			"root_token":  res.RootToken,
		}
		if res.RecoveryKeys != nil {
			out["recovery_keys"] = hexAll(res.RecoveryKeys)
			out["recovery_keys_base64"] = b64All(res.RecoveryKeys)
		}
		respondJSON(w, http.StatusOK, out)
	default:
		respondErrorStatus(w, http.StatusMethodNotAllowed, "unsupported operation")
	}
}

func initRequest(body map[string]any) (unseal.InitRequest, error) {
	d, err := framework.NewFieldData(body, map[string]*framework.FieldSchema{
		"secret_shares":      {Type: framework.TypeInt},
		"secret_threshold":   {Type: framework.TypeInt},
		"stored_shares":      {Type: framework.TypeInt},
		"recovery_shares":    {Type: framework.TypeInt},
		"recovery_threshold": {Type: framework.TypeInt},
		"pgp_keys":           {Type: framework.TypeCommaStringSlice},
		"recovery_pgp_keys":  {Type: framework.TypeCommaStringSlice},
		"root_token_pgp_key": {Type: framework.TypeString},
	})
	if err != nil {
		return unseal.InitRequest{}, err
	}
	if len(d.Strings("pgp_keys")) > 0 || len(d.Strings("recovery_pgp_keys")) > 0 || d.String("root_token_pgp_key") != "" {
		return unseal.InitRequest{}, logical.Errorf(logical.ErrInvalidRequest, "PGP-encrypted key shares are not supported")
	}
	return unseal.InitRequest{
		SecretShares:      d.Int("secret_shares"),
		SecretThreshold:   d.Int("secret_threshold"),
		RecoveryShares:    d.Int("recovery_shares"),
		RecoveryThreshold: d.Int("recovery_threshold"),
	}, nil
}

func hexAll(keys [][]byte) []string {
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = hex.EncodeToString(k)
	}
	return out
}

func b64All(keys [][]byte) []string {
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = base64.StdEncoding.EncodeToString(k)
	}
	return out
}

// decodeKey reads an unseal key share given as hex or base64.
func decodeKey(s string) ([]byte, error) {
	if s == "" {
		return nil, logical.Errorf(logical.ErrInvalidRequest, "'key' must be specified in request body as JSON, or 'reset' set to true")
	}
	k, err := hex.DecodeString(s)
	if err != nil {
		k, err = base64.StdEncoding.DecodeString(s)
		if err != nil {
			return nil, logical.Errorf(logical.ErrInvalidRequest, "'key' must be a valid hex or base64 string")
		}
	}
	// A share is the 32-byte key plus its x coordinate; a 1-of-1 key is 32.
	if len(k) != 32 && len(k) != 33 {
		return nil, logical.Errorf(logical.ErrInvalidRequest, "'key' has the wrong length: expected a 32-byte unseal key or a 33-byte key share, got %d bytes", len(k))
	}
	return k, nil
}

func (h *handler) sealStatusBody(st unseal.Status) map[string]any {
	out := map[string]any{
		"type":          st.Type,
		"initialized":   st.Initialized,
		"sealed":        st.Sealed,
		"t":             st.Threshold,
		"n":             st.Shares,
		"progress":      st.Progress,
		"nonce":         st.Nonce,
		"version":       h.cfg.Version,
		"build_date":    "",
		"migration":     st.Migration,
		"recovery_seal": st.RecoverySeal,
		"storage_type":  h.cfg.Core.StorageType(),
	}
	if !st.Sealed {
		out["cluster_name"] = h.cfg.Core.ClusterName()
		out["cluster_id"] = ""
	}
	return out
}

func (h *handler) sysSealStatus(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		respondErrorStatus(w, http.StatusMethodNotAllowed, "unsupported operation")
		return
	}
	st, err := h.cfg.Core.SealStatus(r.Context())
	if err != nil {
		respondError(w, err)
		return
	}
	respondJSON(w, http.StatusOK, h.sealStatusBody(st))
}

func (h *handler) sysUnseal(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPut && r.Method != http.MethodPost {
		respondErrorStatus(w, http.StatusMethodNotAllowed, "unsupported operation")
		return
	}
	body, ok := h.body(w, r)
	if !ok {
		return
	}
	d, err := framework.NewFieldData(body, map[string]*framework.FieldSchema{
		"key": {Type: framework.TypeString}, "reset": {Type: framework.TypeBool}, "migrate": {Type: framework.TypeBool},
	})
	if err != nil {
		respondError(w, err)
		return
	}
	if d.Bool("reset") {
		h.cfg.Core.ResetUnseal()
	} else {
		key, err := decodeKey(d.String("key"))
		if err != nil {
			respondError(w, err)
			return
		}
		if d.Bool("migrate") {
			err = h.migrateUnseal(r.Context(), key)
		} else {
			_, err = h.cfg.Core.Unseal(r.Context(), key)
		}
		if err != nil {
			respondError(w, err)
			return
		}
	}
	st, err := h.cfg.Core.SealStatus(r.Context())
	if err != nil {
		respondError(w, err)
		return
	}
	respondJSON(w, http.StatusOK, h.sealStatusBody(st))
}

func (h *handler) sysSeal(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPut && r.Method != http.MethodPost {
		respondErrorStatus(w, http.StatusMethodNotAllowed, "unsupported operation")
		return
	}
	if err := h.cfg.Core.SealWithToken(r.Context(), clientToken(r)); err != nil {
		respondError(w, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// sysHealth answers with Vault's codes: 200 active, 429 standby, 501 not
// initialised, 503 sealed; each overridable by a query flag.
func (h *handler) sysHealth(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		respondErrorStatus(w, http.StatusMethodNotAllowed, "unsupported operation")
		return
	}
	q := r.URL.Query()
	code := func(name string, def int) int {
		if v := q.Get(name); v != "" {
			if c, err := strconv.Atoi(v); err == nil && c >= 100 && c < 600 {
				return c
			}
		}
		return def
	}
	st, err := h.cfg.Core.SealStatus(r.Context())
	if err != nil {
		respondError(w, err)
		return
	}
	leader := h.cfg.Core.Leader()
	standby := st.Initialized && !st.Sealed && leader.HAEnabled && !leader.IsSelf
	status := code("activecode", http.StatusOK)
	switch {
	case !st.Initialized:
		status = code("uninitcode", http.StatusNotImplemented)
	case st.Sealed:
		status = code("sealedcode", http.StatusServiceUnavailable)
	case standby:
		status = code("standbycode", http.StatusTooManyRequests)
		if ok, _ := strconv.ParseBool(q.Get("standbyok")); ok {
			status = code("activecode", http.StatusOK)
		}
	}
	body := map[string]any{
		"initialized":                  st.Initialized,
		"sealed":                       st.Sealed,
		"standby":                      standby,
		"performance_standby":          false,
		"replication_performance_mode": "disabled",
		"replication_dr_mode":          "disabled",
		"server_time_utc":              h.cfg.Core.Now().UTC().Unix(),
		"version":                      h.cfg.Version,
		"cluster_name":                 h.cfg.Core.ClusterName(),
		"cluster_id":                   "",
		"enterprise":                   false,
		"echo_duration_ms":             0,
		"clock_skew_ms":                0,
	}
	if r.Method == http.MethodHead {
		w.WriteHeader(status)
		return
	}
	respondJSON(w, status, body)
}

func (h *handler) sysLeader(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		respondErrorStatus(w, http.StatusMethodNotAllowed, "unsupported operation")
		return
	}
	if h.cfg.Core.Sealed() {
		respondError(w, logical.ErrSealed)
		return
	}
	l := h.cfg.Core.Leader()
	respondJSON(w, http.StatusOK, map[string]any{
		"ha_enabled":             l.HAEnabled,
		"is_self":                l.IsSelf,
		"active_time":            time.Time{}.Format(time.RFC3339),
		"leader_address":         l.LeaderAddress,
		"leader_cluster_address": l.ClusterAddr,
		"performance_standby":    false,
	})
}

// migrateUnseal adds a share to a seal migration. Once the new seal record
// is written it unseals through the core, as an ordinary unseal does: with
// the last share again when the new seal is Shamir (the manager kept the
// others), or with the new auto seal.
func (h *handler) migrateUnseal(ctx context.Context, key []byte) error {
	res, err := h.cfg.Core.Keys().MigrateUnseal(ctx, key)
	if err != nil || !res.Migrated {
		return err
	}
	if res.ToShamir {
		_, err = h.cfg.Core.Unseal(ctx, key)
	} else {
		err = h.cfg.Core.AutoUnseal(ctx)
	}
	if err != nil {
		return fmt.Errorf("the seal was migrated, but unsealing with the new seal failed: %w", err)
	}
	return nil
}
