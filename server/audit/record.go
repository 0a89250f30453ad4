package audit

// The JSON shape of an audit line. Field names follow Vault's audit log so
// that existing log pipelines and SIEM parsers read Cofre's logs unchanged.
// Sensitive strings are already HMAC'd when a record is built.

// Record is one line: a request (Type "request") or a response ("response").
type Record struct {
	Time     string          `json:"time"`
	Type     string          `json:"type"`
	Auth     *RecordAuth     `json:"auth,omitempty"`
	Request  *RecordRequest  `json:"request,omitempty"`
	Response *RecordResponse `json:"response,omitempty"`
	Error    string          `json:"error,omitempty"`
}

// Record types.
const (
	TypeRequest  = "request"
	TypeResponse = "response"
)

// RecordAuth is a token's identity: the caller's, or the one a login or
// token creation issued (in RecordResponse).
type RecordAuth struct {
	ClientToken    string            `json:"client_token,omitempty"`
	Accessor       string            `json:"accessor,omitempty"`
	DisplayName    string            `json:"display_name,omitempty"`
	Policies       []string          `json:"policies,omitempty"`
	TokenPolicies  []string          `json:"token_policies,omitempty"`
	Metadata       map[string]string `json:"metadata,omitempty"`
	EntityID       string            `json:"entity_id,omitempty"`
	NumUses        int               `json:"num_uses,omitempty"`
	TokenType      string            `json:"token_type,omitempty"`
	TokenTTL       int64             `json:"token_ttl,omitempty"`
	TokenIssueTime string            `json:"token_issue_time,omitempty"`
}

// RecordNamespace is always the root namespace: Cofre has no namespaces.
type RecordNamespace struct {
	ID string `json:"id"`
}

// RecordRequest is what the client asked.
type RecordRequest struct {
	ID                  string           `json:"id,omitempty"`
	Operation           string           `json:"operation,omitempty"`
	MountPoint          string           `json:"mount_point,omitempty"`
	MountType           string           `json:"mount_type,omitempty"`
	MountAccessor       string           `json:"mount_accessor,omitempty"`
	ClientToken         string           `json:"client_token,omitempty"`
	ClientTokenAccessor string           `json:"client_token_accessor,omitempty"`
	Namespace           *RecordNamespace `json:"namespace,omitempty"`
	Path                string           `json:"path,omitempty"`
	Data                map[string]any   `json:"data,omitempty"`
	RemoteAddress       string           `json:"remote_address,omitempty"`
	WrapTTL             int64            `json:"wrap_ttl,omitempty"`
}

// RecordResponse is what the client received.
type RecordResponse struct {
	MountPoint    string          `json:"mount_point,omitempty"`
	MountType     string          `json:"mount_type,omitempty"`
	MountAccessor string          `json:"mount_accessor,omitempty"`
	Auth          *RecordAuth     `json:"auth,omitempty"`
	Secret        *RecordSecret   `json:"secret,omitempty"`
	Data          map[string]any  `json:"data,omitempty"`
	Warnings      []string        `json:"warnings,omitempty"`
	Redirect      string          `json:"redirect,omitempty"`
	WrapInfo      *RecordWrapInfo `json:"wrap_info,omitempty"`
}

// RecordSecret names the lease of a response carrying a secret. Lease IDs
// are not secret (they cannot be used without a token) and stay in clear.
type RecordSecret struct {
	LeaseID string `json:"lease_id"`
}

// RecordWrapInfo describes a wrapped response; its token is HMAC'd.
type RecordWrapInfo struct {
	TTL             int64  `json:"ttl"`
	Token           string `json:"token"`
	Accessor        string `json:"accessor,omitempty"`
	CreationTime    string `json:"creation_time"`
	CreationPath    string `json:"creation_path"`
	WrappedAccessor string `json:"wrapped_accessor,omitempty"`
}
