package httpapi

import (
	"net/http"
	"time"

	"github.com/cofre-io/cofre/server/logical"
)

// envelope is Vault's response body.
type envelope struct {
	RequestID     string         `json:"request_id"`
	LeaseID       string         `json:"lease_id"`
	Renewable     bool           `json:"renewable"`
	LeaseDuration int64          `json:"lease_duration"`
	Data          map[string]any `json:"data"`
	WrapInfo      *wrapInfo      `json:"wrap_info"`
	Warnings      []string       `json:"warnings"`
	Auth          *authInfo      `json:"auth"`
	MountType     string         `json:"mount_type"`
}

type wrapInfo struct {
	Token           string `json:"token"`
	Accessor        string `json:"accessor"`
	TTL             int64  `json:"ttl"`
	CreationTime    string `json:"creation_time"`
	CreationPath    string `json:"creation_path"`
	WrappedAccessor string `json:"wrapped_accessor,omitempty"`
}

type authInfo struct {
	ClientToken    string            `json:"client_token"`
	Accessor       string            `json:"accessor"`
	Policies       []string          `json:"policies"`
	TokenPolicies  []string          `json:"token_policies"`
	Metadata       map[string]string `json:"metadata"`
	LeaseDuration  int64             `json:"lease_duration"`
	Renewable      bool              `json:"renewable"`
	EntityID       string            `json:"entity_id"`
	TokenType      string            `json:"token_type"`
	Orphan         bool              `json:"orphan"`
	MFARequirement any               `json:"mfa_requirement"`
	NumUses        int               `json:"num_uses"`
}

func (h *handler) respondLogical(w http.ResponseWriter, req *logical.Request, op logical.Operation, resp *logical.Response) {
	if resp == nil || (resp.Data == nil && resp.Auth == nil && resp.Secret == nil && resp.WrapInfo == nil && resp.Raw == nil && len(resp.Warnings) == 0) {
		if op == logical.ReadOperation || op == logical.ListOperation {
			respondErrorStatus(w, http.StatusNotFound)
			return
		}
		w.WriteHeader(http.StatusNoContent)
		return
	}
	if resp.Raw != nil {
		ct := resp.Raw.ContentType
		if ct == "" {
			ct = "application/octet-stream"
		}
		w.Header().Set("Content-Type", ct)
		status := resp.Raw.StatusCode
		if status == 0 {
			status = http.StatusOK
		}
		w.WriteHeader(status)
		_, _ = w.Write(resp.Raw.Body)
		return
	}
	if op == logical.ListOperation && resp.WrapInfo == nil {
		if keys, ok := resp.Data["keys"]; !ok || isEmptyList(keys) {
			respondErrorStatus(w, http.StatusNotFound)
			return
		}
	}
	env := envelope{RequestID: req.ID, Data: resp.Data, Warnings: resp.Warnings, MountType: req.MountType}
	if s := resp.Secret; s != nil {
		env.LeaseID = s.LeaseID
		env.Renewable = s.Renewable
		env.LeaseDuration = int64(s.TTL / time.Second)
	}
	if a := resp.Auth; a != nil {
		env.Auth = &authInfo{
			ClientToken:   a.ClientToken,
			Accessor:      a.Accessor,
			Policies:      a.Policies,
			TokenPolicies: a.TokenPolicies,
			Metadata:      a.Metadata,
			LeaseDuration: int64(a.TTL / time.Second),
			Renewable:     a.Renewable,
			EntityID:      a.EntityID,
			TokenType:     a.TokenType,
			Orphan:        a.Orphan,
			NumUses:       a.NumUses,
		}
		if env.Auth.TokenPolicies == nil {
			env.Auth.TokenPolicies = a.Policies
		}
	}
	if wi := resp.WrapInfo; wi != nil {
		env.WrapInfo = &wrapInfo{
			Token:           wi.Token,
			Accessor:        wi.Accessor,
			TTL:             int64(wi.TTL / time.Second),
			CreationTime:    wi.CreationTime.UTC().Format(time.RFC3339Nano),
			CreationPath:    wi.CreationPath,
			WrappedAccessor: wi.WrappedAccessor,
		}
		env.Data = nil
	}
	respondJSON(w, http.StatusOK, env)
}

func isEmptyList(v any) bool {
	switch x := v.(type) {
	case []string:
		return len(x) == 0
	case []any:
		return len(x) == 0
	case nil:
		return true
	}
	return false
}
