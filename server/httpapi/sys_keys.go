package httpapi

import (
	"net/http"

	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/logical/framework"
	"github.com/cofre-io/cofre/server/unseal"
)

func rekeyBody(st unseal.RekeyStatus) map[string]any {
	out := map[string]any{
		"nonce":                 st.Nonce,
		"started":               st.Started,
		"t":                     st.T,
		"n":                     st.N,
		"progress":              st.Progress,
		"required":              st.Required,
		"pgp_fingerprints":      nil,
		"backup":                false,
		"verification_required": false,
		"verification_nonce":    "",
	}
	if st.Complete {
		out = map[string]any{
			"complete":              true,
			"nonce":                 st.Nonce,
			"keys":                  hexAll(st.Keys),
			"keys_base64":           b64All(st.Keys),
			"pgp_fingerprints":      nil,
			"backup":                false,
			"verification_required": false,
		}
	}
	return out
}

func (h *handler) sysRekeyInit(w http.ResponseWriter, r *http.Request) {
	keys := h.cfg.Core.Keys()
	switch r.Method {
	case http.MethodGet:
		st, err := keys.RekeyStatus(r.Context())
		if err != nil {
			respondError(w, err)
			return
		}
		respondJSON(w, http.StatusOK, rekeyBody(st))
	case http.MethodPut, http.MethodPost:
		body, ok := h.body(w, r)
		if !ok {
			return
		}
		d, err := framework.NewFieldData(body, map[string]*framework.FieldSchema{
			"secret_shares": {Type: framework.TypeInt}, "secret_threshold": {Type: framework.TypeInt},
			"pgp_keys": {Type: framework.TypeCommaStringSlice}, "backup": {Type: framework.TypeBool},
			"require_verification": {Type: framework.TypeBool},
		})
		if err != nil {
			respondError(w, err)
			return
		}
		if len(d.Strings("pgp_keys")) > 0 || d.Bool("backup") || d.Bool("require_verification") {
			respondError(w, logical.Errorf(logical.ErrInvalidRequest, "pgp_keys, backup and require_verification are not supported"))
			return
		}
		st, err := keys.RekeyInit(r.Context(), d.Int("secret_shares"), d.Int("secret_threshold"))
		if err != nil {
			respondError(w, err)
			return
		}
		respondJSON(w, http.StatusOK, rekeyBody(st))
	case http.MethodDelete:
		keys.RekeyCancel()
		w.WriteHeader(http.StatusNoContent)
	default:
		respondErrorStatus(w, http.StatusMethodNotAllowed, "unsupported operation")
	}
}

// keyAndNonce reads {key, nonce} bodies of the update endpoints.
func (h *handler) keyAndNonce(w http.ResponseWriter, r *http.Request) ([]byte, string, bool) {
	if r.Method != http.MethodPut && r.Method != http.MethodPost {
		respondErrorStatus(w, http.StatusMethodNotAllowed, "unsupported operation")
		return nil, "", false
	}
	body, ok := h.body(w, r)
	if !ok {
		return nil, "", false
	}
	d, err := framework.NewFieldData(body, map[string]*framework.FieldSchema{
		"key": {Type: framework.TypeString}, "nonce": {Type: framework.TypeString},
	})
	if err != nil {
		respondError(w, err)
		return nil, "", false
	}
	key, err := decodeKey(d.String("key"))
	if err != nil {
		respondError(w, err)
		return nil, "", false
	}
	if d.String("nonce") == "" {
		respondError(w, logical.Errorf(logical.ErrInvalidRequest, "'nonce' must be specified"))
		return nil, "", false
	}
	return key, d.String("nonce"), true
}

func (h *handler) sysRekeyUpdate(w http.ResponseWriter, r *http.Request) {
	key, nonce, ok := h.keyAndNonce(w, r)
	if !ok {
		return
	}
	st, err := h.cfg.Core.Keys().RekeyUpdate(r.Context(), key, nonce)
	if err != nil {
		respondError(w, err)
		return
	}
	respondJSON(w, http.StatusOK, rekeyBody(st))
}

func genRootBody(st unseal.GenRootStatus) map[string]any {
	return map[string]any{
		"started":            st.Started,
		"nonce":              st.Nonce,
		"progress":           st.Progress,
		"required":           st.Required,
		"complete":           st.Complete,
		"encoded_token":      st.EncodedToken,
		"encoded_root_token": st.EncodedToken,
		"otp":                st.OTP,
		"otp_length":         st.OTPLength,
		"pgp_fingerprint":    "",
	}
}

func (h *handler) sysGenRootAttempt(w http.ResponseWriter, r *http.Request) {
	keys := h.cfg.Core.Keys()
	switch r.Method {
	case http.MethodGet:
		st, err := keys.GenRootStatus(r.Context())
		if err != nil {
			respondError(w, err)
			return
		}
		respondJSON(w, http.StatusOK, genRootBody(st))
	case http.MethodPut, http.MethodPost:
		body, ok := h.body(w, r)
		if !ok {
			return
		}
		d, err := framework.NewFieldData(body, map[string]*framework.FieldSchema{
			"otp": {Type: framework.TypeString}, "pgp_key": {Type: framework.TypeString},
		})
		if err != nil {
			respondError(w, err)
			return
		}
		if d.String("pgp_key") != "" {
			respondError(w, logical.Errorf(logical.ErrInvalidRequest, "pgp_key is not supported; use an OTP"))
			return
		}
		st, err := keys.GenRootInit(r.Context(), d.String("otp"))
		if err != nil {
			respondError(w, err)
			return
		}
		respondJSON(w, http.StatusOK, genRootBody(st))
	case http.MethodDelete:
		keys.GenRootCancel()
		w.WriteHeader(http.StatusNoContent)
	default:
		respondErrorStatus(w, http.StatusMethodNotAllowed, "unsupported operation")
	}
}

func (h *handler) sysGenRootUpdate(w http.ResponseWriter, r *http.Request) {
	key, nonce, ok := h.keyAndNonce(w, r)
	if !ok {
		return
	}
	st, err := h.cfg.Core.Keys().GenRootUpdate(r.Context(), key, nonce)
	if err != nil {
		respondError(w, err)
		return
	}
	respondJSON(w, http.StatusOK, genRootBody(st))
}
