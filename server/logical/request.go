package logical

import (
	"time"

	"github.com/cofre-io/cofre/server/storage"
)

// Operation is what a request does to a path.
type Operation string

// The operations a request can carry. HTTP verbs map onto them in the HTTP
// layer; the ACL maps them onto capabilities.
const (
	CreateOperation Operation = "create"
	ReadOperation   Operation = "read"
	UpdateOperation Operation = "update"
	PatchOperation  Operation = "patch"
	DeleteOperation Operation = "delete"
	ListOperation   Operation = "list"
	HelpOperation   Operation = "help"
	// RenewOperation and RevokeOperation are issued by the core to the
	// backend that created a lease, never by clients.
	RenewOperation  Operation = "renew"
	RevokeOperation Operation = "revoke"
)

// Connection describes the client's network connection.
type Connection struct {
	RemoteAddr string
}

// Caller is the verified identity behind a request, filled by the core from
// the token store. Backends may use it (cubbyhole keys on the token's
// accessor, token endpoints act on "self") but never trust request data for it.
type Caller struct {
	TokenID       string // the client token; never log it
	Accessor      string
	Policies      []string
	Metadata      map[string]string
	DisplayName   string
	EntityID      string
	Root          bool
	Orphan        bool
	TokenType     string
	TokenParentID string
}

// Request is one operation routed to a backend.
type Request struct {
	ID        string
	Operation Operation
	// Path is relative to MountPoint once the router has resolved it.
	Path          string
	MountPoint    string
	MountType     string
	MountAccessor string
	Data          map[string]any
	// ClientToken is the token the client presented. Only the core reads
	// it; backends use Caller. Never log it.
	ClientToken string
	// Storage is the mount's own view; keys are relative to it.
	Storage storage.Backend
	// Caller is nil on unauthenticated paths.
	Caller     *Caller
	Connection *Connection
	// Headers holds request headers a backend may need (e.g. X-Vault-Request).
	Headers map[string][]string
	// WrapTTL asks the core to wrap the response (X-Vault-Wrap-TTL).
	WrapTTL time.Duration
	// Secret is set on RenewOperation and RevokeOperation: the lease's secret.
	Secret *Secret
	// Auth is set on RenewOperation for an auth method's token renewal.
	Auth *Auth
}

// Get returns the request body's value for key, or nil.
func (r *Request) Get(key string) any {
	if r.Data == nil {
		return nil
	}
	return r.Data[key]
}
