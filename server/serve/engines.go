package serve

import (
	"encoding/base64"

	"github.com/cofre-io/cofre/server/auth/approle"
	"github.com/cofre-io/cofre/server/auth/kubernetes"
	"github.com/cofre-io/cofre/server/auth/userpass"
	"github.com/cofre-io/cofre/server/engines/cubbyhole"
	"github.com/cofre-io/cofre/server/engines/database"
	"github.com/cofre-io/cofre/server/engines/kv"
	"github.com/cofre-io/cofre/server/engines/pki"
	"github.com/cofre-io/cofre/server/engines/transit"
	"github.com/cofre-io/cofre/server/logical"
)

// SecretFactories lists the secrets engines a server can mount.
func SecretFactories() map[string]logical.Factory {
	return map[string]logical.Factory{
		"kv":        kv.Factory,
		"pki":       pki.Factory,
		"cubbyhole": cubbyhole.Factory,
		"transit":   transit.Factory,
		"database":  database.Factory,
	}
}

// AuthFactories lists the auth methods a server can enable (the token
// method is the core's own).
func AuthFactories() map[string]logical.Factory {
	return map[string]logical.Factory{
		"approle":    approle.Factory,
		"kubernetes": kubernetes.Factory,
		"userpass":   userpass.Factory,
	}
}

func encodeB64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
