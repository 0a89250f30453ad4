// Package servertest starts real Cofre servers for tests: the whole stack
// (storage, barrier, core, HTTP API) listening on 127.0.0.1 with a free
// port, and official Vault API clients pointed at it. Only tests import it.
package servertest
